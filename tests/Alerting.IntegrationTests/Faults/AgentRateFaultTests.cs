using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.IntegrationTests.Infrastructure;
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
    /// answers after 8 s. Then 100 agent messages of the same store in new conversations, 90 minutes later
    /// (a store's deadlines and progress run on that store's own clock: another store's records could not move it).
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
            list.Add(Message($"tail-{i}", $"tail-{i:000}", "shop-r", SenderKind.Agent, "agent-t", T0.AddMinutes(90).AddSeconds(i), "您好"));
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
        // Partition 12 stays empty: it must not hold the evaluation back.
        await using var run = await ScriptedRun.StartAsync("agentrate", Rules, Script(), partitions: 13, PartitionOf);
        var replayed = run.Replayed.Where(a => a.Rule == AgentResponseRates.RuleName).ToList();
        var expected = replayed.Select(Comparable).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count >= 4, $"the script should make replay raise agent alerts, got {expected.Count}");
        Assert.All(replayed, a => Assert.Contains(a.AgentId, new[] { "agent-0", "agent-1", "agent-2" }));
        Assert.Contains(replayed, a => a.AgentId == "agent-2" && a.Evidence["below"]!.ToJsonString().Contains("reply_rate", StringComparison.Ordinal));

        run.StartWorkers(instances);
        var half = run.Messages.Count / 2;
        run.Produce(0, half);
        if (killOne)
        {
            var db = run.Redis.GetDatabase();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (await db.SortedSetLengthAsync("alerts:agenteval:stores") == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(await db.SortedSetLengthAsync("alerts:agenteval:stores") > 0, "the workers should have recorded agent facts");
            run.Workers[0].Kill();
        }
        run.Produce(half, run.Messages.Count);

        await AlertStreams.WaitForAsync(run.Redis, a => a.Count(x => x.Rule == AgentResponseRates.RuleName) >= expected.Count,
            TimeSpan.FromSeconds(120), $"{expected.Count} agent alerts");
        await Task.Delay(TimeSpan.FromSeconds(3)); // later evaluations must not add or change anything
        var live = await AlertStreams.ReadAllAsync(run.Redis);
        var actual = live.Where(a => a.Rule == AgentResponseRates.RuleName).Select(Comparable).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"{instances} instance(s){(killOne ? ", one killed" : "")}: {actual.Count} agent alert(s), replay {expected.Count}");
        foreach (var line in actual) output.WriteLine(line);
        Assert.Equal(expected, actual);
        Assert.Equal(live.Count, live.Select(a => $"{a.AlertId}/{a.Status}/{a.Revision}").Distinct().Count());
    }
}
