using System.Text;

namespace Alerting.Core.Messages;

/// <summary>
/// Makes a dead-letter reason safe to put in a Kafka header, a log line and a metric label: at most
/// <see cref="MaxLength"/> characters, control and bidirectional-formatting characters shown as
/// <c>\uXXXX</c>, never a copy of a hostile value longer than <see cref="MaxQuoted"/> characters.
/// </summary>
public static class RecordReason
{
    /// <summary>Longest reason kept (characters); longer ones end with "…".</summary>
    public const int MaxLength = 200;

    /// <summary>Longest piece of a record's own value quoted inside a reason.</summary>
    public const int MaxQuoted = 40;

    /// <summary>Bounds and escapes <paramref name="reason"/>.</summary>
    public static string Clean(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (reason.Length <= MaxLength && !NeedsEscape(reason)) return reason;
        var sb = new StringBuilder(Math.Min(reason.Length, MaxLength + 8));
        foreach (var c in reason)
        {
            var width = IsUnsafe(c) ? 6 : 1;
            if (sb.Length + width > MaxLength - 1) { sb.Append('…'); break; }
            if (IsUnsafe(c)) sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A record's value to quote in a reason: its first <see cref="MaxQuoted"/> characters, escaped.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var head = value.Length <= MaxQuoted ? value : string.Concat(value.AsSpan(0, MaxQuoted), "…");
        return Clean(head);
    }

    private static bool NeedsEscape(string s)
    {
        foreach (var c in s)
            if (IsUnsafe(c)) return true;
        return false;
    }

    /// <summary>C0/C1 controls, bidi embeddings/overrides/isolates and marks, line/paragraph separators, lone surrogates.</summary>
    private static bool IsUnsafe(char c)
        => char.IsControl(c) || char.IsSurrogate(c)
           || c is '\u200E' or '\u200F' or '\u061C' or '\u2028' or '\u2029' or '\uFEFF'
           || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
}
