using System.Diagnostics;

namespace Alerting.Kafka;

/// <summary>
/// Trace spans of the consume path (off unless a listener subscribes, e.g. <c>Worker:Telemetry:Tracing</c>):
/// <c>alerts.batch</c> per batch from its first record to durable, with children <c>alerts.rules</c> (first
/// record → every worker's part sealed) and <c>alerts.write</c> (the write stages, one child span each).
/// </summary>
public static class ConsumeTracing
{
    /// <summary>The <see cref="ActivitySource"/> name to subscribe to.</summary>
    public const string SourceName = "Alerting.Kafka";

    internal static readonly ActivitySource Source = new(SourceName);
}
