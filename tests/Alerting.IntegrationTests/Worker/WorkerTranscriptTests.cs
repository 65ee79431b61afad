using System.Text.Json.Nodes;
using Alerting.Core.Messages;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Redis;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Worker;

/// <summary>
/// Transcripts through the real worker (embedded broker, real redis-server): the consume loop's write step keeps
/// each conversation's messages, before the batch's alerts; no buyer id, numbers masked; off with one setting.
/// </summary>
public sealed class WorkerTranscriptTests() : LiveStackTest("transcript", 2)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 21, 0, 0, TimeSpan.FromHours(8));
    private const string BuyerId = "tb_buyer_778812";

    private static List<(string Key, byte[] Value)> Conversation(string shop, string conversation)
    {
        ChatMessage M(int n, SenderKind sender, string text) => new()
        {
            MessageId = $"{conversation}-m{n}", ConversationId = conversation, ShopId = shop, Sender = sender,
            SenderId = sender == SenderKind.Buyer ? BuyerId : "agent-07", AgentId = "agent-07", Text = text, SentAt = T0.AddSeconds(n * 5),
        };
        var messages = new[]
        {
            M(1, SenderKind.Buyer, "亲，我的手机13912345670，满300减50的券怎么还没到呢？"),
            M(2, SenderKind.Agent, "爱买不买，你自己看"),
            M(3, SenderKind.Buyer, "什么态度啊😡"),
        };
        return messages.Select(m => (conversation, ChatMessageJson.ToUtf8(m))).ToList();
    }

    [Fact]
    public async Task Worker_KeepsTheTranscript_BeforeTheAlertAppears_WithoutBuyerIdsOrFullNumbers()
    {
        Kafka.Produce(Topic, [.. Conversation("shop-t", "c-t1"), .. Conversation("shop-u", "c-t1")]);
        var key = new RedisKeys(new RedisAlertingOptions()).Transcript("shop-t", "c-t1");
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString);
        var alerts = await AlertStreams.WaitForAsync(Redis, a => a.Any(x => x.Rule == "rude_language" && x.ShopId == "shop-t"), TimeSpan.FromSeconds(60), "the rude reply's alert");
        // Read at once when the alert is seen: the transcript was written before it, in the same batch's write step.
        var rude = alerts.First(x => x.Rule == "rude_language" && x.ShopId == "shop-t");
        var entries = (await Redis.GetDatabase().ListRangeAsync(key)).Select(v => JsonNode.Parse(v.ToString())!.AsObject()).ToList();
        Assert.Contains(entries, e => rude.MessageIds.Contains((string?)e["messageId"]));

        await AlertStreams.WaitForAsync(Redis, _ => Redis.GetDatabase().ListLength(key) == 3, TimeSpan.FromSeconds(30), "all three messages in the transcript");
        var raw = (await Redis.GetDatabase().ListRangeAsync(key)).Select(v => v.ToString()).ToList();
        Assert.Equal(["c-t1-m1", "c-t1-m2", "c-t1-m3"], raw.Select(r => (string?)JsonNode.Parse(r)!["messageId"]));
        Assert.Equal(["buyer", "agent", "buyer"], raw.Select(r => (string?)JsonNode.Parse(r)!["role"]));
        Assert.All(raw, r => Assert.DoesNotContain(BuyerId, r, StringComparison.Ordinal));
        Assert.All(raw, r => Assert.DoesNotContain("13912345670", r, StringComparison.Ordinal));
        Assert.Contains("139****5670", raw[0], StringComparison.Ordinal);
        Assert.True(await Redis.GetDatabase().KeyTimeToLiveAsync(key) > TimeSpan.FromDays(6));
        // The same conversation id in another store is another transcript.
        await AlertStreams.WaitForAsync(Redis, _ => Redis.GetDatabase().ListLength(new RedisKeys(new RedisAlertingOptions()).Transcript("shop-u", "c-t1")) == 3,
            TimeSpan.FromSeconds(30), "shop-u's own transcript");
    }

    [Fact]
    public async Task TranscriptsOff_WritesNoTranscript_AndAlertsAsBefore()
    {
        Kafka.Produce(Topic, Conversation("shop-t", "c-off"));
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString,
            overrides: new Dictionary<string, string?> { ["Transcripts:Enabled"] = "false" });
        await AlertStreams.WaitForAsync(Redis, a => a.Any(x => x.Rule == "rude_language"), TimeSpan.FromSeconds(60), "the rude reply's alert");
        await worker.StopAsync();
        var server = Redis.GetServer(Redis.GetEndPoints()[0]);
        Assert.Empty(server.Keys(pattern: "alerts:transcript:*"));
    }
}
