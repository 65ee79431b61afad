using Alerting.DevTools.Embedded;
using Confluent.Kafka;

namespace Alerting.IntegrationTests.Infrastructure;

/// <summary>
/// A Kafka-protocol broker for one test: the embedded librdkafka mock cluster, or a real cluster
/// when <c>KAFKA_BOOTSTRAP_SERVERS</c> is set (topics then get unique names per test).
/// </summary>
public sealed class KafkaTestCluster : IDisposable
{
    private readonly EmbeddedKafkaCluster? _embedded;

    private KafkaTestCluster(EmbeddedKafkaCluster? embedded, string bootstrap)
    {
        _embedded = embedded;
        BootstrapServers = bootstrap;
    }

    public string BootstrapServers { get; }

    public static KafkaTestCluster Start()
    {
        var external = Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS");
        if (!string.IsNullOrWhiteSpace(external)) return new KafkaTestCluster(null, external);
        var embedded = EmbeddedKafkaCluster.Start(brokers: 1);
        return new KafkaTestCluster(embedded, embedded.BootstrapServers);
    }

    public void CreateTopic(string topic, int partitions)
    {
        if (_embedded is not null)
        {
            _embedded.CreateTopic(topic, partitions);
            return;
        }
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Produces records keyed by conversation and waits until all are acknowledged. With
    /// <paramref name="partitionOf"/> each record goes to the partition it names for the key (e.g. to leave one empty).
    /// </summary>
    public void Produce(string topic, IEnumerable<(string Key, byte[] Value)> records, Func<string, int>? partitionOf = null, int? maxMessageBytes = null)
    {
        var config = new ProducerConfig { BootstrapServers = BootstrapServers, Acks = Acks.All, LingerMs = 2 };
        if (maxMessageBytes is { } max) config.MessageMaxBytes = max;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        var errors = new List<string>();
        foreach (var (key, value) in records)
        {
            var message = new Message<string, byte[]> { Key = key, Value = value };
            void Report(DeliveryReport<string, byte[]> r) { if (r.Error.IsError) lock (errors) errors.Add(r.Error.Reason); }
            if (partitionOf is null) producer.Produce(topic, message, Report);
            else producer.Produce(new TopicPartition(topic, partitionOf(key)), message, Report);
        }
        producer.Flush(TimeSpan.FromSeconds(30));
        if (errors.Count > 0) throw new InvalidOperationException($"{errors.Count} record(s) not produced: {errors[0]}");
    }

    /// <summary>Reads every record of a topic (e.g. the dead-letter topic) until <paramref name="expected"/> are seen or the timeout passes.</summary>
    public List<ConsumeResult<string?, byte[]>> ReadAll(string topic, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<string?, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is { IsPartitionEOF: false }) results.Add(r);
        }
        consumer.Close();
        return results;
    }

    public void Dispose() => _embedded?.Dispose();
}
