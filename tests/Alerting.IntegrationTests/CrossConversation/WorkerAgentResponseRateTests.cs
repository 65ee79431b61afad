using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.DevTools.Embedded;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.CrossConversation;

/// <summary>agent_response_rate_low end to end: mock Kafka → real worker (rule enabled) → facts in Redis → one alert in the store stream.</summary>
// Two partitions, every record on partition 0: the empty partition 1 must not hold the evaluation back.
public sealed class WorkerAgentResponseRateTests() : LiveStackTest("agentrate", 2)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));
    private static (string, byte[]) Record(string id, string conversation, SenderKind sender, double at, string text = "在吗")
        => (conversation, ChatMessageJson.ToUtf8(new ChatMessage
        {
            MessageId = id, ConversationId = conversation, ShopId = "shop-a", Sender = sender,
            SenderId = sender == SenderKind.Buyer ? "b-" + conversation : "agent-7", AgentId = "agent-7",
            Text = text, SentAt = T0.AddSeconds(at),
        }));

    [Fact]
    public async Task Worker_RecordsAgentFacts_AndWritesTheAgentAlertOnce()
    {
        var config = Path.Combine(Dir, "rules.json");
        await File.WriteAllTextAsync(config, """
            { "Rules": { "AgentResponseRate": { "Enabled": true, "WindowMinutes": 5, "StepMinutes": 1, "SettleSeconds": 180,
                "MinWaits": 3, "MinReplyRate": 0, "MinAnswerRatio": 0 } } }
            """);
        // Five buyers, each answered after 60 s (30-second response rate 0), then a later agent message moves the clock on.
        var records = new List<(string, byte[])>();
        for (var i = 0; i < 5; i++)
        {
            records.Add(Record($"b{i}", $"c{i}", SenderKind.Buyer, i * 10));
            records.Add(Record($"a{i}", $"c{i}", SenderKind.Agent, (i * 10) + 60, "在的"));
        }
        records.Add(Record("a-late", "c9", SenderKind.Agent, 600, "您好"));
        Kafka.Produce(Topic, records, _ => 0);

        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString, config);

        await AlertStreams.WaitForAsync(Redis, a => a.Exists(x => x.Rule == AgentResponseRates.RuleName), TimeSpan.FromSeconds(30), "agent_response_rate_low");
        await Task.Delay(TimeSpan.FromSeconds(2)); // more flushes and evaluations: still one alert
        var db = Redis.GetDatabase();
        var alerts = await AlertStreams.ReadAsync(db, "shop-a");
        var alert = Assert.Single(alerts, a => a.Rule == AgentResponseRates.RuleName);
        Assert.Equal("agent-7", alert.AgentId);
        Assert.Equal(AlertIds.ForGroup(AgentResponseRates.RuleName, "shop-a", "agent-7", T0), alert.AlertId);
        Assert.Equal(T0.AddMinutes(1), alert.EventTime);
        Assert.Equal(5, (int)alert.Evidence["waits"]!);
        Assert.Equal(0, (int)alert.Evidence["answeredInTime"]!);
        Assert.Equal(["b0", "b1", "b2", "b3", "b4"], alert.MessageIds);

        // The global low watermark the alert was judged on is on /metrics (past the evaluation point).
        using var http = new HttpClient { BaseAddress = worker.BaseAddress };
        var scrape = Metrics.PrometheusText.WithoutScope(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        var line = scrape.Split('\n').Single(l => l.StartsWith("alerting_worker_agent_evaluation_watermark_seconds ", StringComparison.Ordinal));
        Assert.True(long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= T0.AddMinutes(1).ToUnixTimeSeconds(), line);

        // The facts are in Redis, per store, agent and step.
        var server = Redis.GetServers()[0];
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "alerts:agent:*")) keys.Add(key);
        Assert.NotEmpty(keys);
    }
}
