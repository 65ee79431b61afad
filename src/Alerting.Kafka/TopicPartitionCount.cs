using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Alerting.Kafka;

/// <summary>
/// How many partitions the chat topic has, from the cluster's metadata (an admin client on the worker's
/// brokers and security settings), refreshed at most every <see cref="RefreshInterval"/>. The agent-level
/// evaluation needs it: it waits for the progress of <b>every</b> partition, not only the ones this
/// instance owns. Thread-safe.
/// </summary>
public sealed class TopicPartitionCount : IDisposable
{
    /// <summary>Consumer properties that also apply to an admin client (connection and security).</summary>
    private static readonly string[] SharedPrefixes = ["security.", "sasl.", "ssl.", "enable.ssl.", "enable.sasl.", "socket.", "broker.", "client.dns", "reconnect.", "https."];

    private readonly KafkaOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private IAdminClient? _admin;
    private int? _count;
    private long _refreshedAt;

    public TopicPartitionCount(KafkaOptions options, TimeProvider time, ILogger<TopicPartitionCount> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
    }

    public static TimeSpan RefreshInterval { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The topic's partition count, or null while it has never been read (brokers unreachable, no such topic).</summary>
    public int? Get()
    {
        lock (_gate)
        {
            if (_count is not null && _time.GetElapsedTime(_refreshedAt) < RefreshInterval) return _count;
            try
            {
                _admin ??= Build();
                var metadata = _admin.GetMetadata(_options.Topic, TimeSpan.FromSeconds(5));
                var topic = metadata.Topics.FirstOrDefault(t => t.Topic == _options.Topic);
                if (topic is { Error.IsError: false, Partitions.Count: > 0 }) _count = topic.Partitions.Count;
                else KafkaLog.PartitionCountUnknown(_logger, _options.Topic, topic?.Error.Reason ?? "not in the metadata");
            }
            catch (KafkaException ex)
            {
                KafkaLog.PartitionCountUnknown(_logger, _options.Topic, ex.Error.Reason);
            }
            _refreshedAt = _time.GetTimestamp();
            return _count;
        }
    }

    private IAdminClient Build()
    {
        var config = new AdminClientConfig { BootstrapServers = _options.BootstrapServers, ClientId = "alerting-metadata" };
        foreach (var (k, v) in _options.Consumer)
            if (SharedPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))) config.Set(k, v);
        return new AdminClientBuilder(config)
            .SetLogHandler((_, m) => KafkaLog.Librdkafka(_logger, KafkaLog.LevelOf(m.Level), m.Facility, m.Message))
            .Build();
    }

    public void Dispose() => _admin?.Dispose();
}
