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
        if (IdleTickMs is < 10 or > 10_000) yield return new ConfigProblem($"{SectionName}:IdleTickMs", $"must be 10..10000, was {IdleTickMs}");
        // librdkafka turns any client into an in-memory mock broker when test.mock.* is set: a production
        // worker must never consume from (or commit to) a cluster that vanishes with the process.
        foreach (var (section, settings) in new[] { ("Consumer", Consumer), ("Producer", Producer) })
            foreach (var key in settings.Keys.Where(k => k.StartsWith("test.mock.", StringComparison.OrdinalIgnoreCase)))
                yield return new ConfigProblem($"{SectionName}:{section}:{key}", "librdkafka's mock cluster is a test facility and is refused by the worker (the demo's embedded broker is in src/Alerting.DevTools)");
    }
}
