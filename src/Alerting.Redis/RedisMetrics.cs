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

    private static double _blockedAgeSeconds;

    /// <summary>Age of the oldest entry that retention wanted to trim but had to keep (pending or undelivered), at the last run; 0 when nothing blocks.</summary>
    public static void SetRetentionBlockedAge(TimeSpan age) => Interlocked.Exchange(ref _blockedAgeSeconds, Math.Max(0, age.TotalSeconds));

    static RedisMetrics()
    {
        Meter.CreateObservableGauge("alerting.redis.retention.blocked_age", () => Volatile.Read(ref _blockedAgeSeconds), "s",
            "Age of the oldest stream entry that retention had to keep because it is unacknowledged or undelivered");
    }
}
