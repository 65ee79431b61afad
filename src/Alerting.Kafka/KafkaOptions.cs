using Alerting.Core.Config;

namespace Alerting.Kafka;

/// <summary>Kafka settings of the worker (config section <c>Kafka</c>; read at start, not hot-reloaded).</summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated brokers, e.g. <c>kafka-1:9092,kafka-2:9092</c>. Required for <c>run</c>.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>Chat message topic (CONTRACTS.md §1). Default <c>chat.messages</c>.</summary>
    public string Topic { get; set; } = "chat.messages";

    /// <summary>Dead-letter topic for bad messages. Default <c>chat.messages.dlq</c>.</summary>
    public string DeadLetterTopic { get; set; } = "chat.messages.dlq";

    /// <summary>Consumer group; every instance of one deployment uses the same. Default <c>alerting</c>.</summary>
    public string GroupId { get; set; } = "alerting";

    /// <summary>Where a group without committed offsets starts: <c>earliest</c> (default) or <c>latest</c>.</summary>
    public string AutoOffsetReset { get; set; } = "earliest";

    /// <summary>Records per batch; a batch's alerts are written, then its offsets stored. Default 2000.</summary>
    public int BatchMaxRecords { get; set; } = 2000;

    /// <summary>
    /// Longest a record waits in a batch, in milliseconds: alert latency vs Redis round trips. Default 5.
    /// </summary>
    public int BatchMaxDelayMs { get; set; } = 5;

    /// <summary>How often idle partitions advance their watermark on the wall clock, in ms. Default 200.</summary>
    public int IdleTickMs { get; set; } = 200;

    /// <summary>
    /// Partition workers that parse and apply the rules, each owning a group of partitions (one partition's
    /// records stay on one thread, in order). 0 (default) = the number of cores, at most 4.
    /// </summary>
    public int PartitionWorkers { get; set; }

    /// <summary>Records (and control items) queued per partition worker before the poll loop waits for it. Default 4096.</summary>
    public int PartitionQueueCapacity { get; set; } = 4096;

    /// <summary>How often offsets stored after durable writes are committed (librdkafka auto-commit), in ms. Default 1000.</summary>
    public int AutoCommitIntervalMs { get; set; } = 1000;

    /// <summary>Poll timeout while a batch is being filled or written, in ms (the idle timeout is a quarter of <see cref="IdleTickMs"/>). Default 5.</summary>
    public int BusyPollMs { get; set; } = 5;

    /// <summary>
    /// How long a batch's writes may run beside the poll loop before the loop waits for them, pausing its
    /// partitions (backpressure) if they take longer still, in ms. Default 500.
    /// </summary>
    public int SlowWriteMs { get; set; } = 500;

    /// <summary>Poll interval while the partitions are paused for a slow write (keeps the group membership), in ms. Default 100.</summary>
    public int PausedPollMs { get; set; } = 100;

    /// <summary>
    /// Longest a rebalance waits: for the batches to finish on revoke, for an earlier save before a partition is
    /// loaded again, for a revoked partition's worker to let it go; in ms. Default 20000.
    /// </summary>
    public int HandoverTimeoutMs { get; set; } = 20_000;

    /// <summary>Shutdown: longest the last batches get to become durable before writes are cancelled, in ms. Default 20000 (the host allows 30 s).</summary>
    public int ShutdownGraceMs { get; set; } = 20_000;

    /// <summary>Shutdown: how long a cancelled write gets to unwind before the producer and Redis go away, in ms. Default 2000.</summary>
    public int ShutdownUnwindMs { get; set; } = 2_000;

    /// <summary>The number of partition workers in force: <see cref="PartitionWorkers"/>, or min(cores, 4) when 0.</summary>
    public int EffectivePartitionWorkers => PartitionWorkers > 0 ? PartitionWorkers : Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// Largest dead letter (key + value, bytes). A bad record larger than this goes to the dead-letter
    /// topic as a truncated copy with headers <c>dlq.truncated: true</c> and <c>dlq.original.bytes</c>
    /// (the producer and broker refuse messages above their <c>message.max.bytes</c>, 1 MB by default).
    /// Default 262144 (256 KiB).
    /// </summary>
    public int DeadLetterMaxBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// What a dead-letter write that keeps failing for <see cref="DeadLetterRetrySeconds"/> does:
    /// <c>skip</c> (default) logs each record's source position and reason at Error, counts it
    /// (<c>alerting_dead_letters_skipped_total</c>) and lets the partition go on, so an unwritable
    /// dead-letter topic never stops the alerts of good records; <c>pause</c> keeps retrying, and the
    /// partitions stay paused until the topic takes writes again. Either way <c>/readyz</c> says so.
    /// </summary>
    public string DeadLetterOnFailure { get; set; } = "skip";

    /// <summary>How long dead-letter writes are retried before <see cref="DeadLetterOnFailure"/> applies, in seconds. Default 30.</summary>
    public int DeadLetterRetrySeconds { get; set; } = 30;

    /// <summary>Extra librdkafka consumer properties (security.protocol, sasl.*, ssl.*, …).</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];

    /// <summary>Extra librdkafka producer properties for the dead-letter producer.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    public IEnumerable<ConfigProblem> Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
            yield return new ConfigProblem($"{SectionName}:BootstrapServers", "required: the Kafka brokers, e.g. kafka-1:9092 (or run the developer tool's demo for an embedded broker: dotnet run --project src/Alerting.DevTools -- demo)");
        if (string.IsNullOrWhiteSpace(Topic)) yield return new ConfigProblem($"{SectionName}:Topic", "required");
        if (string.IsNullOrWhiteSpace(DeadLetterTopic)) yield return new ConfigProblem($"{SectionName}:DeadLetterTopic", "required");
        if (DeadLetterTopic == Topic) yield return new ConfigProblem($"{SectionName}:DeadLetterTopic", "must differ from Topic");
        if (string.IsNullOrWhiteSpace(GroupId)) yield return new ConfigProblem($"{SectionName}:GroupId", "required");
        if (AutoOffsetReset is not ("earliest" or "latest"))
            yield return new ConfigProblem($"{SectionName}:AutoOffsetReset", $"expected earliest or latest, was '{AutoOffsetReset}'");
        if (BatchMaxRecords is < 1 or > 100_000) yield return new ConfigProblem($"{SectionName}:BatchMaxRecords", $"must be 1..100000, was {BatchMaxRecords}");
        if (BatchMaxDelayMs is < 1 or > 10_000) yield return new ConfigProblem($"{SectionName}:BatchMaxDelayMs", $"must be 1..10000, was {BatchMaxDelayMs}");
        if (DeadLetterMaxBytes is < 1024 or > 100 * 1024 * 1024)
            yield return new ConfigProblem($"{SectionName}:DeadLetterMaxBytes", $"must be 1024..104857600, was {DeadLetterMaxBytes}");
        if (DeadLetterOnFailure is not ("skip" or "pause"))
            yield return new ConfigProblem($"{SectionName}:DeadLetterOnFailure", $"expected skip or pause, was '{DeadLetterOnFailure}'");
        if (DeadLetterRetrySeconds is < 1 or > 86_400)
            yield return new ConfigProblem($"{SectionName}:DeadLetterRetrySeconds", $"must be 1..86400, was {DeadLetterRetrySeconds}");
        if (PartitionWorkers is < 0 or > 64) yield return new ConfigProblem($"{SectionName}:PartitionWorkers", $"must be 0 (cores, at most 4) or 1..64, was {PartitionWorkers}");
        if (PartitionQueueCapacity is < 16 or > 1_000_000) yield return new ConfigProblem($"{SectionName}:PartitionQueueCapacity", $"must be 16..1000000, was {PartitionQueueCapacity}");
        foreach (var (name, value, min, max) in new[]
        {
            (nameof(AutoCommitIntervalMs), AutoCommitIntervalMs, 10, 60_000), (nameof(BusyPollMs), BusyPollMs, 1, 1_000),
            (nameof(SlowWriteMs), SlowWriteMs, 1, 60_000), (nameof(PausedPollMs), PausedPollMs, 10, 10_000),
            (nameof(HandoverTimeoutMs), HandoverTimeoutMs, 100, 300_000), (nameof(ShutdownGraceMs), ShutdownGraceMs, 100, 300_000),
            (nameof(ShutdownUnwindMs), ShutdownUnwindMs, 0, 60_000),
        })
            if (value < min || value > max) yield return new ConfigProblem($"{SectionName}:{name}", $"must be {min}..{max}, was {value}");
        if (IdleTickMs is < 10 or > 10_000) yield return new ConfigProblem($"{SectionName}:IdleTickMs", $"must be 10..10000, was {IdleTickMs}");
        // librdkafka turns any client into an in-memory mock broker when test.mock.* is set: a production
        // worker must never consume from (or commit to) a cluster that vanishes with the process.
        foreach (var (section, settings) in new[] { ("Consumer", Consumer), ("Producer", Producer) })
            foreach (var key in settings.Keys.Where(k => k.StartsWith("test.mock.", StringComparison.OrdinalIgnoreCase)))
                yield return new ConfigProblem($"{SectionName}:{section}:{key}", "librdkafka's mock cluster is a test facility and is refused by the worker (the demo's embedded broker is in src/Alerting.DevTools)");
    }
}
