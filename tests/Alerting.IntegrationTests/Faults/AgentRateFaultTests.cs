using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Replay;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.IntegrationTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Faults;

/// <summary>
/// The delivery fault tests' agent-level case: six agents whose conversations are spread over twelve
/// partitions of a thirteen-partition topic (the last one stays empty); two of them answer every other
/// buyer too slowly, one answers some buyers only after their unanswered deadline. Every
/// <c>agent_response_rate_low</c> alert — id, evaluation point and every number of its evidence — must be
/// the one replay computes, with one instance, with three, and with one of two killed midway (its
/// partitions stall until the survivor takes them over; nothing may be judged on the facts the survivor
/// alone has by then).
/// </summary>
public sealed class AgentRateFaultTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Only shop-r has the rule; shop-tail's late agent messages move every partition's clock past the script.</summary>
    private const string Rules = """
        { "Rules": { "Stores": { "shop-r": { "AgentResponseRate": {
            "Enabled": true, "WindowMinutes": 10, "StepMinutes": 5, "ResponseSeconds": 30, "SettleSeconds": 180,
            "MinResponseRate": 0.8, "MinReplyRate": 0.9, "MinAnswerRatio": 0, "MinWaits": 5 } } } } }
        """;

    private static ChatMessage Message(string id, string conversation, string shop, SenderKind sender, string agent, DateTimeOffset at, string text) => new()
    {
        MessageId = id, ConversationId = conversation, ShopId = shop, Sender = sender,
        SenderId = sender == SenderKind.Buyer ? "b-" + conversation : agent, AgentId = agent, Text = text, SentAt = at,
    };

    /// <summary>
    /// 48 conversations, agent = conversation mod 6, five questions each over 40 minutes. agent-0 and agent-1
    /// answer every other question after 50 s (30-second response rate ≈ 0.5); agent-2 answers every third
    /// question after 250 s — past the unanswered deadline (180 s) and the settle time, so whether the reply
    /// is already consumed when a window is judged depends on which partition is ahead; everyone else
    /// answers after 8 s. Then 100 agent messages of another store, 90 minutes later.
    /// </summary>
    private static List<ChatMessage> Script()
    {
        var list = new List<ChatMessage>();
        for (var c = 0; c < 48; c++)
        {
            var conversation = $"ar-{c:00}";
            var agent = $"agent-{c % 6}";
            for (var k = 0; k < 5; k++)
            {
                var asked = T0.AddMinutes((k * 8) + (c % 8)).AddSeconds(c * 7 % 60);
                var delay = c % 6 < 2 && (k + c) % 2 == 0 ? 50 : c % 6 == 2 && (k + c) % 3 == 0 ? 250 : 8;
                list.Add(Message($"{conversation}-q{k}", conversation, "shop-r", SenderKind.Buyer, agent, asked, "这个什么时候发货？"));
                list.Add(Message($"{conversation}-a{k}", conversation, "shop-r", SenderKind.Agent, agent, asked.AddSeconds(delay), "亲，今天下单明天发货哦"));
            }
        }
        for (var i = 0; i < 100; i++)
            list.Add(Message($"tail-{i}", $"tail-{i:000}", "shop-tail", SenderKind.Agent, "agent-t", T0.AddMinutes(90).AddSeconds(i), "您好"));
        return [.. list.OrderBy(m => m.SentAt)];
    }

    /// <summary>Partitions 0–11 by a stable hash of the conversation; 12 gets nothing.</summary>
    private static int PartitionOf(string conversation) => (conversation.Aggregate(17, (h, ch) => unchecked((h * 31) + ch)) & int.MaxValue) % 12;

    /// <summary>What must match: id, evaluation point, agent, conversation, messages and the evidence.</summary>
    private static string Comparable(Alert a)
        => $"{a.AlertId} {a.Status} r{a.Revision} {a.EventTime:O} {a.AgentId} {a.ConversationId} [{string.Join(",", a.MessageIds)}] {a.Evidence.ToJsonString()}";

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(2, true)]
    public async Task SlowAgentsAcrossPartitions_RaiseTheReplayedAgentAlerts(int instances, bool killOne)
    {
        var dir = Directory.CreateTempSubdirectory("alerting-agentrate-").FullName;
        var config = Path.Combine(dir, "rules.json");
        await File.WriteAllTextAsync(config, Rules);
        var messages = Script();
        var (rules, problems, _) = ConfigFiles.LoadRules(config);
        Assert.True(rules is not null, string.Join("; ", problems));
        var replayed = new List<Alert>();
        ReplayRunner.Run(new StringReader(string.Join('\n', messages.Select(ChatMessageJson.ToJson))), rules!, replayed.Add, (l, r) => Assert.Fail(r));
        var expected = replayed.Where(a => a.Rule == AgentResponseRates.RuleName).Select(Comparable).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count >= 4, $"the script should make replay raise agent alerts, got {expected.Count}");
        Assert.All(replayed.Where(a => a.Rule == AgentResponseRates.RuleName), a => Assert.Contains(a.AgentId, new[] { "agent-0", "agent-1", "agent-2" }));
        Assert.Contains(replayed, a => a.Rule == AgentResponseRates.RuleName && a.AgentId == "agent-2" && a.Evidence["below"]!.ToJsonString().Contains("reply_rate", StringComparison.Ordinal));

        var topic = "agentrate-" + Guid.NewGuid().ToString("N")[..8];
        using var kafka = KafkaTestCluster.Start();
        kafka.CreateTopic(topic, 13); // partition 12 stays empty: it must not hold the evaluation back
        kafka.CreateTopic(topic + ".dlq", 1);
        await using var redisServer = await RedisServer.StartNewAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisServer.ConnectionString);
        var workers = new List<WorkerProcess>();
        try
        {
            for (var i = 0; i < instances; i++)
                workers.Add(WorkerProcess.Start(kafka.BootstrapServers, topic, "g-" + topic, redisServer.ConnectionString, config));
            var half = messages.Count / 2;
            kafka.Produce(topic, messages.Take(half).Select(m => (m.ConversationId, ChatMessageJson.ToUtf8(m))), PartitionOf);
            if (killOne)
            {
                var db = redis.GetDatabase();
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while (await db.SortedSetLengthAsync("alerts:agenteval:stores") == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
                Assert.True(await db.SortedSetLengthAsync("alerts:agenteval:stores") > 0, "the workers should have recorded agent facts");
                workers[0].Kill();
            }
            kafka.Produce(topic, messages.Skip(half).Select(m => (m.ConversationId, ChatMessageJson.ToUtf8(m))), PartitionOf);

            var live = await AlertStreams.WaitForAsync(redis, a => a.Count(x => x.Rule == AgentResponseRates.RuleName) >= expected.Count,
                TimeSpan.FromSeconds(120), $"{expected.Count} agent alerts");
            await Task.Delay(TimeSpan.FromSeconds(3)); // later evaluations must not add or change anything
            live = await AlertStreams.ReadAllAsync(redis);
            var actual = live.Where(a => a.Rule == AgentResponseRates.RuleName).Select(Comparable).Order(StringComparer.Ordinal).ToList();
            output.WriteLine($"{instances} instance(s){(killOne ? ", one killed" : "")}: {actual.Count} agent alert(s), replay {expected.Count}");
            foreach (var line in actual) output.WriteLine(line);
            Assert.Equal(expected, actual);
            Assert.Equal(live.Count, live.Select(a => $"{a.AlertId}/{a.Status}/{a.Revision}").Distinct().Count());
        }
        finally
        {
            foreach (var w in workers) await w.DisposeAsync();
            Directory.Delete(dir, true);
        }
    }
}
