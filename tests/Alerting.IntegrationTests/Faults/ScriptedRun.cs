using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Replay;
using Alerting.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Faults;

/// <summary>
/// A hand-written message script run against its replay oracle: the rules file, what replay raises, and a
/// live stack — mock Kafka topic, redis-server and N worker processes in one consumer group — to produce the
/// script into in two halves, optionally killing the first worker in between (the cross-conversation fault
/// tests: batch wrong answers, agent-level rates).
/// </summary>
public sealed class ScriptedRun : IAsyncDisposable
{
    private readonly string _dir;
    private readonly Func<string, int>? _partitionOf;

    private ScriptedRun(string dir, IReadOnlyList<ChatMessage> messages, List<Alert> replayed, KafkaTestCluster kafka, string topic,
        RedisServer redisServer, ConnectionMultiplexer redis, Func<string, int>? partitionOf)
    {
        _dir = dir;
        Messages = messages;
        Replayed = replayed;
        Kafka = kafka;
        Topic = topic;
        RedisServer = redisServer;
        Redis = redis;
        _partitionOf = partitionOf;
    }

    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Every alert event replay raises for the script (the oracle).</summary>
    public List<Alert> Replayed { get; }

    public KafkaTestCluster Kafka { get; }
    public string Topic { get; }
    public RedisServer RedisServer { get; }
    public ConnectionMultiplexer Redis { get; }
    public List<WorkerProcess> Workers { get; } = [];

    /// <param name="partitionOf">Where each conversation's records go; default Kafka's key partitioner.</param>
    public static async Task<ScriptedRun> StartAsync(string name, string rulesJson, IReadOnlyList<ChatMessage> messages, int partitions,
        Func<string, int>? partitionOf = null)
    {
        var dir = Directory.CreateTempSubdirectory($"alerting-{name}-").FullName;
        var config = Path.Combine(dir, "rules.json");
        await File.WriteAllTextAsync(config, rulesJson);
        var (rules, problems, _) = ConfigFiles.LoadRules(config);
        Assert.True(rules is not null, string.Join("; ", problems));
        var replayed = new List<Alert>();
        ReplayRunner.Run(new StringReader(string.Join('\n', messages.Select(ChatMessageJson.ToJson))), rules!, replayed.Add, (_, reason) => Assert.Fail(reason));

        var topic = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
        var kafka = KafkaTestCluster.Start();
        kafka.CreateTopic(topic, partitions);
        kafka.CreateTopic(topic + ".dlq", 1);
        var redisServer = await RedisServer.StartNewAsync();
        // The test's own reads (polling while worker processes and the rest of the suite load the machine) get more
        // than the 5 s default: a reply already in the socket was once not read in time (thread pool starved).
        var redis = await ConnectionMultiplexer.ConnectAsync(redisServer.ConnectionString + ",syncTimeout=20000,asyncTimeout=20000");
        return new ScriptedRun(dir, messages, replayed, kafka, topic, redisServer, redis, partitionOf);
    }

    /// <summary>Starts <paramref name="instances"/> worker processes in the run's consumer group.</summary>
    public void StartWorkers(int instances)
    {
        for (var i = 0; i < instances; i++)
            Workers.Add(WorkerProcess.Start(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString, Path.Combine(_dir, "rules.json")));
    }

    /// <summary>Produces the script's messages [from, to), keyed by conversation.</summary>
    public void Produce(int from, int to)
        => Kafka.Produce(Topic, Messages.Skip(from).Take(to - from).Select(m => (m.ConversationId, ChatMessageJson.ToUtf8(m))), _partitionOf);

    public async ValueTask DisposeAsync()
    {
        foreach (var w in Workers) await w.DisposeAsync();
        await Redis.DisposeAsync();
        await RedisServer.DisposeAsync();
        Kafka.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
