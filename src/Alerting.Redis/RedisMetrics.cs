using System.Diagnostics.Metrics;

namespace Alerting.Redis;

/// <summary>Instruments of the Redis adapter, meter <c>Alerting.Redis</c>.</summary>
internal static class RedisMetrics
{
    public const string MeterName = "Alerting.Redis";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Alert events appended to a stream (first delivery of an alertId/status/revision).</summary>
    public static readonly Counter<long> AlertsWritten = Meter.CreateCounter<long>("alerting.redis.alerts.written", "{alert}");

    /// <summary>Alert events skipped because their dedupe key existed (replay, redelivery).</summary>
    public static readonly Counter<long> AlertsDuplicate = Meter.CreateCounter<long>("alerting.redis.alerts.duplicate", "{alert}");

    /// <summary>Stream entries removed by retention.</summary>
    public static readonly Counter<long> RetentionTrimmed = Meter.CreateCounter<long>("alerting.redis.retention.trimmed", "{entry}");
    public static readonly Counter<long> RetentionArchived = Meter.CreateCounter<long>("alerting.redis.retention.archived", "{entry}", "Entries older than Redis:RetentionHardMaxAge moved to the overflow streams");

    /// <summary>Interactive connections to a node that failed, tags <c>node</c> (<c>host:port</c>) and <c>failure</c>.</summary>
    public static readonly Counter<long> NodeConnectionFailures = Meter.CreateCounter<long>("alerting.redis.node.connection_failures", "{failure}",
        "Connections to a Redis node that failed, by node and failure type");

    /// <summary>Alert scripts left unanswered by a failed write attempt, tag <c>node</c>: the primary of their slot.</summary>
    public static readonly Counter<long> UnansweredWrites = Meter.CreateCounter<long>("alerting.redis.node.unanswered_writes", "{write}",
        "Alert scripts a failed write attempt left unanswered (retried), by the node that owns their slot");

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RedisNodeHealth, object> Trackers = new();

    /// <summary>Adds a tracker to the <c>alerting.redis.node.connected</c> gauge (held weakly: a dropped connection leaves the gauge).</summary>
    public static void Track(RedisNodeHealth tracker) => Trackers.AddOrUpdate(tracker, Trackers);

    private static IEnumerable<Measurement<int>> NodeConnected()
    {
        foreach (var (tracker, _) in Trackers)
            foreach (var (node, connected) in tracker.Connections())
                yield return new Measurement<int>(connected ? 1 : 0, new KeyValuePair<string, object?>("node", node));
    }

    private static double _blockedAgeSeconds;

    /// <summary>Age of the oldest entry that retention wanted to trim but had to keep (pending or undelivered), at the last run; 0 when nothing blocks.</summary>
    public static void SetRetentionBlockedAge(TimeSpan age) => Interlocked.Exchange(ref _blockedAgeSeconds, Math.Max(0, age.TotalSeconds));

    static RedisMetrics()
    {
        Meter.CreateObservableGauge("alerting.redis.retention.blocked_age", () => Volatile.Read(ref _blockedAgeSeconds), "s",
            "Age of the oldest stream entry that retention had to keep because it is unacknowledged or undelivered");
        Meter.CreateObservableGauge("alerting.redis.node.connected", NodeConnected, "{node}",
            "1 while the worker's connection to a Redis node (tag node, host:port) is up, 0 while it is down");
    }
}
