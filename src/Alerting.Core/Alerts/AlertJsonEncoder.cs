using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Alerting.Core;

/// <summary>
/// JSON encoder that keeps Chinese text readable (no \uXXXX escapes) in alerts and messages.
/// Output is consumed by JSON parsers and Redis, never embedded raw in HTML.
/// </summary>
public static class AlertJsonEncoder
{
    public static readonly JavaScriptEncoder Instance = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
}
