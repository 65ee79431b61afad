using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Replay;
using Alerting.DevTools.Verbs;
using Alerting.IntegrationTests.Faults;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Simulation;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>
/// A generated Double 11 script with its replay oracle (as <see cref="FaultScenario"/>), a mock Kafka topic, and a
/// connection to a Redis Cluster; reads the store streams from every primary (SCAN is per node in a cluster).
/// </summary>
public sealed class ClusterScenario : IAsyncDisposable
{
    private ClusterScenario(KafkaTestCluster kafka, ConnectionMultiplexer redis, string dir, string topic, List<SimulatedMessage> messages,
        string configFile, HashSet<string> expected, HashSet<string> allowed, DateTimeOffset lastSentAt)
    {
        Kafka = kafka;
        Redis = redis;
        Directory = dir;
        Topic = topic;
        Messages = messages;
        ConfigFile = configFile;
        Expected = expected;
        Allowed = allowed;
        LastSentAt = lastSentAt;
    }

    public KafkaTestCluster Kafka { get; }
    public ConnectionMultiplexer Redis { get; }
    public string Directory { get; }
    public string Topic { get; }
    public string Group => "g-" + Topic;
    public List<SimulatedMessage> Messages { get; }
    public string ConfigFile { get; }

    /// <summary>Every alert event replay raises, batch alerts at their final revision only (what must be in the streams).</summary>
    public HashSet<string> Expected { get; }

    /// <summary>Every alert event replay raises (intermediate batch revisions allowed, not required).</summary>
    public HashSet<string> Allowed { get; }

    public DateTimeOffset LastSentAt { get; }

    public static async Task<ClusterScenario> CreateAsync(string clusterConnectionString, int seed, int conversations, int partitions = 4)
    {
        var topic = $"cluster-{seed}-" + Guid.NewGuid().ToString("N")[..6];
        var kafka = KafkaTestCluster.Start();
        kafka.CreateTopic(topic, partitions);
        kafka.CreateTopic(topic + ".dlq", 1);
        var redis = await ConnectionMultiplexer.ConnectAsync(clusterConnectionString);
        var dir = System.IO.Directory.CreateTempSubdirectory("alerting-cluster-").FullName;

        var generator = new ChatTrafficGenerator(new SimulationOptions { Seed = seed, Conversations = conversations, ConversationsPerMinute = 120, Stores = 24 });
        var messages = generator.Generate().ToList();
        var configFile = Path.Combine(dir, "rules.json");
        await File.WriteAllTextAsync(configFile, DemoVerb.DemoRulesJson(generator.Promotions));
        var (rules, problems, _) = ConfigFiles.LoadRules(configFile);
        Assert.True(rules is not null, string.Join("; ", problems));
        var replayed = new List<Alert>();
        var jsonl = string.Join('\n', messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)));
        ReplayRunner.Run(new StringReader(jsonl), rules!, replayed.Add, (line, reason) => Assert.Fail($"line {line}: {reason}"));
        var expected = FaultScenario.FinalRevisions(replayed).Select(FaultScenario.Key).ToHashSet();
        return new ClusterScenario(kafka, redis, dir, topic, messages, configFile, expected, replayed.Select(FaultScenario.Key).ToHashSet(),
            messages.Max(m => m.Message.SentAt));
    }

    /// <summary>Produces messages [from, to) of the script, keyed by conversation.</summary>
    public void Produce(int from, int to) => Kafka.Produce(Topic, Messages.Skip(from).Take(to - from).Select(m => (m.Key, m.Utf8Json)));

    /// <summary>Every alert in every <c>alerts:stream:*</c> of every primary.</summary>
    public async Task<List<Alert>> ReadAllAsync()
    {
        var db = Redis.GetDatabase();
        var all = new List<Alert>();
        foreach (var server in RedisTestCluster.Primaries(Redis))
        {
            await foreach (var key in server.KeysAsync(pattern: "alerts:stream:*"))
            {
                var entries = await db.StreamRangeAsync(key, "-", "+");
                all.AddRange(entries.Select(e => AlertJson.Parse(e["alert"]!)));
            }
        }
        return all;
    }

    /// <summary>Number of distinct primaries holding at least one store stream.</summary>
    public async Task<int> PrimariesWithStreamsAsync()
    {
        var n = 0;
        foreach (var server in RedisTestCluster.Primaries(Redis))
        {
            await foreach (var _ in server.KeysAsync(pattern: "alerts:stream:*")) { n++; break; }
        }
        return n;
    }

    public async Task<List<Alert>> WaitForAsync(Func<List<Alert>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        List<Alert> alerts = [];
        do
        {
            try
            {
                alerts = await ReadAllAsync();
                if (condition(alerts)) return alerts;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // A node is down or a failover is in progress: read again.
            }
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for {what}; have {alerts.Select(FaultScenario.Key).Count(Expected.Contains)} of {Expected.Count} expected");
    }

    public Task WaitForProgressAsync(double fraction, TimeSpan timeout)
        => WaitForAsync(a => a.Select(FaultScenario.Key).Count(Expected.Contains) >= Expected.Count * fraction, timeout, $"{fraction:P0} of the expected alerts");

    /// <summary>The store streams hold every expected alert event exactly once; beyond replay only deadlines after the last message.</summary>
    public async Task<List<Alert>> AssertExactlyOnceAsync(TimeSpan timeout)
    {
        var live = await WaitForAsync(a => Expected.IsSubsetOf(a.Select(FaultScenario.Key)), timeout, "every expected alert in the streams");
        var duplicates = live.GroupBy(FaultScenario.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} alert event(s) written twice, e.g. {duplicates.FirstOrDefault()}");
        var finalRevision = Allowed.Select(k => k.Split('/')).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Max(p => int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture)));
        var extras = live.Where(a => !Allowed.Contains(FaultScenario.Key(a)) && a.EventTime <= LastSentAt
            && !(finalRevision.TryGetValue(a.AlertId, out var max) && a.Revision <= max)).ToList();
        Assert.True(extras.Count == 0, $"{extras.Count} unexpected alert(s), e.g. {extras.Select(e => $"{e.Rule} {e.ConversationId} {e.Status} at {e.EventTime}").FirstOrDefault()}");
        return live;
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        Kafka.Dispose();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
