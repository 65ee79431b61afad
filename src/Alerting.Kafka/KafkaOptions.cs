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

    /// <summary>Extra librdkafka consumer properties (security.protocol, sasl.*, ssl.*, …).</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];

    /// <summary>Extra librdkafka producer properties for the dead-letter producer.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    public IEnumerable<ConfigProblem> Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
            yield return new ConfigProblem($"{SectionName}:BootstrapServers", "required: the Kafka brokers, e.g. kafka-1:9092 (or use the 'demo' verb for an embedded broker)");
        if (string.IsNullOrWhiteSpace(Topic)) yield return new ConfigProblem($"{SectionName}:Topic", "required");
        if (string.IsNullOrWhiteSpace(DeadLetterTopic)) yield return new ConfigProblem($"{SectionName}:DeadLetterTopic", "required");
        if (DeadLetterTopic == Topic) yield return new ConfigProblem($"{SectionName}:DeadLetterTopic", "must differ from Topic");
        if (string.IsNullOrWhiteSpace(GroupId)) yield return new ConfigProblem($"{SectionName}:GroupId", "required");
        if (AutoOffsetReset is not ("earliest" or "latest"))
            yield return new ConfigProblem($"{SectionName}:AutoOffsetReset", $"expected earliest or latest, was '{AutoOffsetReset}'");
        if (BatchMaxRecords is < 1 or > 100_000) yield return new ConfigProblem($"{SectionName}:BatchMaxRecords", $"must be 1..100000, was {BatchMaxRecords}");
        if (BatchMaxDelayMs is < 1 or > 10_000) yield return new ConfigProblem($"{SectionName}:BatchMaxDelayMs", $"must be 1..10000, was {BatchMaxDelayMs}");
        if (IdleTickMs is < 10 or > 10_000) yield return new ConfigProblem($"{SectionName}:IdleTickMs", $"must be 10..10000, was {IdleTickMs}");
    }
}
