using System.Collections.Concurrent;

namespace Alerting.Kafka;

/// <summary>Live counters of the consume path, for the demo display, logs and readiness (read from any thread).</summary>
public sealed class ConsumerStatus
{
    private long _records;
    private long _deadLettered;
    private long _alerts;
    private long _handleTicks;

    public long Records => Interlocked.Read(ref _records);
    public long DeadLettered => Interlocked.Read(ref _deadLettered);
    public long AlertsWritten => Interlocked.Read(ref _alerts);
    public int AssignedPartitions { get; internal set; }

    /// <summary>Partition workers running parse and rules (<see cref="KafkaOptions.PartitionWorkers"/>, capped by the cores).</summary>
    public int PartitionWorkers { get; internal set; }

    /// <summary>True while consumption is paused because the alert store is not acknowledging writes.</summary>
    public bool PausedForBackpressure { get; internal set; }
    public int OpenConversations { get; internal set; }

    /// <summary>Dead letters given up on (<c>Kafka:DeadLetterOnFailure=skip</c>); each was logged with its source position.</summary>
    public long DeadLettersSkipped => DeadLetters?.Skipped ?? 0;

    /// <summary>How long dead-letter writes have been failing; null while they succeed (a readiness reason when set).</summary>
    public TimeSpan? DeadLetterFailingFor => DeadLetters?.FailingFor;

    internal DeadLetterProducer? DeadLetters { get; set; }
    public int PendingDeadlines { get; internal set; }

    /// <summary>Time spent in the parts of a batch flush (for benchmarks and profiling).</summary>
    public TimeSpan DeadLetterTime { get; internal set; }

    /// <summary>Time the poll loop spent inside <c>Consume</c>.</summary>
    public TimeSpan ConsumeTime { get; internal set; }

    /// <summary>Time the partition workers spent in parse and rules, summed over the workers.</summary>
    public TimeSpan HandleTime => TimeSpan.FromTicks(Interlocked.Read(ref _handleTicks));

    /// <summary>Time of the alert and cross-conversation stages.</summary>
    public TimeSpan SinkTime { get; internal set; }
    public TimeSpan CheckpointTime { get; internal set; }

    /// <summary>Time per write stage by its name (messages, alerts, facts, checkpoints, dead letters), summed over the batches.</summary>
    public ConcurrentDictionary<string, TimeSpan> StageTimes { get; } = new(StringComparer.Ordinal);
    public long Flushes { get; internal set; }

    internal void AddRecords(long n) => Interlocked.Add(ref _records, n);
    internal void AddDeadLettered(long n) => Interlocked.Add(ref _deadLettered, n);
    internal void AddAlerts(long n) => Interlocked.Add(ref _alerts, n);
    internal void AddHandleTime(TimeSpan t) => Interlocked.Add(ref _handleTicks, t.Ticks);
}
