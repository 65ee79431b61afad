using System.Collections.Concurrent;
using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.DevTools.Embedded;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Worker;

/// <summary>The whole path on real parts: mock Kafka cluster → worker host → real redis-server.</summary>
public sealed class WorkerEndToEndTests() : LiveStackTest("chat", 4)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));
    private static (string, byte[]) Record(string id, string conversation, SenderKind sender, double at, string text = "您好", ChatEventKind kind = ChatEventKind.Message, string shop = "shop-a")
    {
        var m = new ChatMessage
        {
            MessageId = id, ConversationId = conversation, ShopId = shop, Sender = sender,
            SenderId = sender == SenderKind.Buyer ? "b-" + conversation : "agent-7", AgentId = "agent-7",
            Text = text, SentAt = T0.AddSeconds(at), Event = kind,
        };
        return (conversation, ChatMessageJson.ToUtf8(m));
    }

    /// <summary>A script with a known outcome: one slow reply (c1), one unanswered buyer closed (c2), one fine (c3).</summary>
    private static List<(string, byte[])> Script() =>
    [
        Record("m1", "c1", SenderKind.Buyer, 0, "请问满300减50吗"),
        Record("m2", "c2", SenderKind.Buyer, 1, "在吗"),
        Record("m3", "c3", SenderKind.Buyer, 2, "有货吗"),
        Record("m4", "c3", SenderKind.Agent, 8, "有的亲"),
        Record("m5", "c1", SenderKind.Agent, 50, "是的，满300减50"),
        Record("m6", "c2", SenderKind.System, 60, "", ChatEventKind.Close),
    ];

    [Fact]
    public async Task Worker_WritesExactAlertsToStreamsAndAllThreeChannelFamilies()
    {
        var received = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        var sub = Redis.GetSubscriber();
        foreach (var channel in new[] { "alerts", "alerts:rule:*", "alerts:shop:*" })
        {
            var family = channel;
            await sub.SubscribeAsync(new RedisChannel(channel, channel.EndsWith('*') ? RedisChannel.PatternMode.Pattern : RedisChannel.PatternMode.Literal),
                (_, value) => received.GetOrAdd(family, _ => []).Add(value!));
        }

        Kafka.Produce(Topic, Script());
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString);

        var alerts = await AlertStreams.WaitForAsync(Redis, a => a.Count >= 2, TimeSpan.FromSeconds(30), "slow + unanswered alerts");
        Assert.Equal(2, alerts.Count);
        var slow = Assert.Single(alerts, a => a.Rule == "slow_response");
        Assert.Equal("c1", slow.ConversationId);
        Assert.Equal(["m1", "m5"], slow.MessageIds);
        Assert.Equal(AlertIds.ForConversation("slow_response", "c1", "m1"), slow.AlertId);
        var unanswered = Assert.Single(alerts, a => a.Rule == "unanswered_buyer");
        Assert.Equal(["m2"], unanswered.MessageIds);
        Assert.Equal(T0.AddSeconds(60), unanswered.EventTime);

        // Each family delivers each alert exactly once.
        await WaitUntil(() => new[] { "alerts", "alerts:rule:*", "alerts:shop:*" }.All(f => received.TryGetValue(f, out var bag) && bag.Count >= 2), "pub/sub deliveries");
        foreach (var family in new[] { "alerts", "alerts:rule:*", "alerts:shop:*" })
        {
            var ids = received[family].Select(j => AlertJson.Parse(j).AlertId).Order().ToList();
            Assert.Equal(alerts.Select(a => a.AlertId).Order().ToList(), ids);
        }

        // The inspectors' group exists on the store stream from id 0.
        var groups = await Redis.GetDatabase().StreamGroupInfoAsync("alerts:stream:{shop-a}");
        Assert.Contains(groups, g => g.Name == "inspectors");
    }

    [Fact]
    public async Task MalformedRecord_GoesToDeadLetterTopicWithReason_AndLaterRecordsAreProcessed()
    {
        var records = new List<(string, byte[])>
        {
            ("c9", Encoding.UTF8.GetBytes("{not json")),
            ("c9", Encoding.UTF8.GetBytes("""{"messageId":"x","conversationId":"c9","shopId":"shop-a","sender":"robot","senderId":"r","text":"hi","sentAt":"2026-11-11T00:00:00+08:00"}""")),
        };
        records.AddRange(Script());
        Kafka.Produce(Topic, records);
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString);

        await AlertStreams.WaitForAsync(Redis, a => a.Count >= 2, TimeSpan.FromSeconds(30), "alerts after the bad records");
        var dead = Kafka.ReadAll(Topic + ".dlq", 2, TimeSpan.FromSeconds(20));
        Assert.Equal(2, dead.Count);
        var reasons = dead.Select(d => Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes("dlq.reason"))).Order().ToList();
        Assert.StartsWith("invalid JSON", reasons[0], StringComparison.Ordinal);
        Assert.Contains("unknown sender 'robot'", reasons[1], StringComparison.Ordinal);
        Assert.All(dead, d => Assert.Equal(Topic, Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes("dlq.source.topic"))));
        Assert.Contains(dead, d => Encoding.UTF8.GetString(d.Message.Value) == "{not json");
    }

    [Fact]
    public async Task RestartedWorker_AndAFullRedelivery_DoNotDuplicateAlerts()
    {
        Kafka.Produce(Topic, Script());
        var group = "g-" + Topic;
        await using (var first = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, group, RedisServer.ConnectionString))
        {
            await AlertStreams.WaitForAsync(Redis, a => a.Count >= 2, TimeSpan.FromSeconds(30), "first run's alerts");
        }

        // Same group again (resumes from the commit) and a new group (re-reads everything, as after a crash before any commit).
        await using (var again = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, group, RedisServer.ConnectionString))
        await using (var fresh = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, group + "-replay", RedisServer.ConnectionString))
        {
            await WaitUntil(() => fresh.Status.Records >= Script().Count, "the re-read of every record");
        }
        var alerts = await AlertStreams.ReadAllAsync(Redis);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(2, alerts.Select(a => a.AlertId).Distinct().Count());
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
