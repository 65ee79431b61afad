using StackExchange.Redis;

namespace Alerting.IntegrationTests.Infrastructure;

/// <summary>
/// Base of the tests that run the live path: a Kafka-protocol broker with the test's own topic (and its
/// dead-letter topic), its own redis-server, a connection to it and a temp folder for config files.
/// </summary>
public abstract class LiveStackTest(string topicPrefix, int partitions) : IAsyncLifetime
{
    protected string Topic { get; } = $"{topicPrefix}-{Guid.NewGuid().ToString("N")[..8]}";
    protected KafkaTestCluster Kafka { get; private set; } = null!;
    protected RedisServer RedisServer { get; private set; } = null!;
    protected ConnectionMultiplexer Redis { get; private set; } = null!;
    /// <summary>A temp folder of the test's own (config files), deleted afterwards.</summary>
    protected string Dir { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Kafka = KafkaTestCluster.Start();
        Kafka.CreateTopic(Topic, partitions);
        Kafka.CreateTopic(Topic + ".dlq", 1);
        RedisServer = await RedisServer.StartNewAsync();
        Redis = await ConnectionMultiplexer.ConnectAsync(RedisServer.ConnectionString);
        Dir = Directory.CreateTempSubdirectory("alerting-test-").FullName;
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await RedisServer.DisposeAsync();
        Kafka.Dispose();
        Directory.Delete(Dir, true);
    }
}
