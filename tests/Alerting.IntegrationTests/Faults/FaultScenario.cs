using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Replay;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Simulation;
using Alerting.DevTools.Verbs;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Faults;

/// <summary>
/// A deterministic message script with a known expected alert set (replay of the same records and
/// config: the oracle), its own topic, DLQ, redis-server and config, for the delivery fault tests.
/// </summary>
public sealed class FaultScenario : IAsyncDisposable
{
    private readonly Alerting.Core.Config.RulesSnapshot _rules;

    private FaultScenario(Alerting.Core.Config.RulesSnapshot rules, KafkaTestCluster kafka, RedisServer redisServer, ConnectionMultiplexer redis, string dir, string topic,
        List<SimulatedMessage> messages, string configFile, HashSet<string> expected, DateTimeOffset lastSentAt)
    {
        _rules = rules;
        Kafka = kafka;
        RedisServer = redisServer;
        Redis = redis;
        Directory = dir;
        Topic = topic;
        Messages = messages;
        ConfigFile = configFile;
        Expected = expected;
        LastSentAt = lastSentAt;
    }

    public KafkaTestCluster Kafka { get; }
    public RedisServer RedisServer { get; }
    public ConnectionMultiplexer Redis { get; }
    public string Directory { get; }
    public string Topic { get; }
    public string Group => "g-" + Topic;
    public List<SimulatedMessage> Messages { get; }
    public string ConfigFile { get; }
    /// <summary>
    /// Every alert event (alertId/status/revision) that must reach the streams: what replay raises, except
    /// that a batch alert is required only at its final revision (a live flush may skip intermediate ones).
    /// </summary>
    public HashSet<string> Expected { get; }

    /// <summary>Every alert event replay raises, intermediate batch revisions included (allowed, not required).</summary>
    public HashSet<string> Allowed { get; private init; } = [];
    public DateTimeOffset LastSentAt { get; }

    /// <param name="redisArgs">Extra redis-server arguments (e.g. <c>--aclfile</c>).</param>
    /// <param name="redisAuth">Appended to the connection string of the scenario's own checks (e.g. <c>,user=worker,password=…</c>).</param>
    public static async Task<FaultScenario> CreateAsync(int seed, int conversations, int partitions = 4, bool appendOnlyRedis = false,
        IReadOnlyList<string>? redisArgs = null, string redisAuth = "")
    {
        var topic = $"fault-{seed}-" + Guid.NewGuid().ToString("N")[..6];
        var kafka = KafkaTestCluster.Start();
        kafka.CreateTopic(topic, partitions);
        kafka.CreateTopic(topic + ".dlq", 1);
        var redisServer = await RedisServer.StartNewAsync(appendOnlyRedis, redisArgs);
        var redis = await ConnectionMultiplexer.ConnectAsync(redisServer.ConnectionString + redisAuth);
        var dir = System.IO.Directory.CreateTempSubdirectory("alerting-fault-").FullName;

        var generator = new ChatTrafficGenerator(new SimulationOptions { Seed = seed, Conversations = conversations, ConversationsPerMinute = 120 });
        var messages = generator.Generate().ToList();
        var configFile = Path.Combine(dir, "rules.json");
        await File.WriteAllTextAsync(configFile, DemoVerb.DemoRulesJson(generator.Promotions));
        var (rules, problems, _) = ConfigFiles.LoadRules(configFile);
        Assert.True(rules is not null, string.Join("; ", problems));
        var replayed = new List<Alert>();
        var jsonl = string.Join('\n', messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)));
        ReplayRunner.Run(new StringReader(jsonl), rules!, replayed.Add, (line, reason) => Assert.Fail($"line {line}: {reason}"));
        var expected = FinalRevisions(replayed).Select(Key).ToHashSet();
        return new FaultScenario(rules!, kafka, redisServer, redis, dir, topic, messages, configFile, expected, messages.Max(m => m.Message.SentAt))
        {
            Allowed = replayed.Select(Key).ToHashSet(),
        };
    }

    /// <summary>Each (alertId, status) at its highest revision.</summary>
    public static IEnumerable<Alert> FinalRevisions(IEnumerable<Alert> alerts)
        => alerts.GroupBy(a => (a.AlertId, a.Status)).Select(g => g.MaxBy(a => a.Revision)!);

    public static string Key(Alert a) => $"{a.AlertId}/{Alert.StatusName(a.Status)}/{a.Revision}";

    /// <summary>Produces messages [from, to) of the script, keyed by conversation.</summary>
    public void Produce(int from, int to) => Kafka.Produce(Topic, Messages.Skip(from).Take(to - from).Select(m => (m.Key, m.Utf8Json)));

    /// <summary>Expected alert events of the first <paramref name="prefix"/> messages alone (replayed on their own).</summary>
    public HashSet<string> ExpectedWithin(int prefix)
    {
        var set = new HashSet<string>();
        var jsonl = string.Join('\n', Messages.Take(prefix).Select(m => Encoding.UTF8.GetString(m.Utf8Json)));
        ReplayRunner.Run(new StringReader(jsonl), _rules, a => set.Add(Key(a)), (_, _) => { });
        return set;
    }

    /// <summary>Waits until at least <paramref name="count"/> of the given alert events are in Redis.</summary>
    public Task WaitForAsync(HashSet<string> events, int count, TimeSpan timeout)
        => AlertStreams.WaitForAsync(Redis, a => a.Select(Key).Count(events.Contains) >= count, timeout, $"{count} of {events.Count} alert events");

    /// <summary>Waits until some of the expected alerts are in Redis (the stream is well under way).</summary>
    public Task WaitForProgressAsync(double fraction, TimeSpan timeout)
        => AlertStreams.WaitForAsync(Redis, a => a.Select(Key).Count(Expected.Contains) >= Expected.Count * fraction, timeout, $"{fraction:P0} of the expected alerts");

    /// <summary>
    /// The fault tests' assertion: the store streams hold every expected alert event exactly once —
    /// nothing missing, nothing twice. Beyond the script's oracle only deadlines after the last
    /// message may appear (idle partitions follow the wall clock once caught up).
    /// </summary>
    public async Task AssertExactlyOnceAsync(TimeSpan timeout)
    {
        var live = await AlertStreams.WaitForAsync(Redis, a => Expected.IsSubsetOf(a.Select(Key)), timeout, "every expected alert in the streams");
        var duplicates = live.GroupBy(Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} alert event(s) written twice, e.g. {duplicates.FirstOrDefault()}");
        // A batch's intermediate revisions depend on flush boundaries; any revision up to replay's final one is fine.
        var finalRevision = Allowed.Select(k => k.Split('/')).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Max(p => int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture)));
        var extras = live.Where(a => !Allowed.Contains(Key(a)) && a.EventTime <= LastSentAt
            && !(finalRevision.TryGetValue(a.AlertId, out var max) && a.Revision <= max)).ToList();
        Assert.True(extras.Count == 0, $"{extras.Count} unexpected alert(s), e.g. {extras.Select(e => $"{e.Rule} {e.ConversationId} {e.Status} at {e.EventTime}").FirstOrDefault()}");
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await RedisServer.DisposeAsync();
        Kafka.Dispose();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
