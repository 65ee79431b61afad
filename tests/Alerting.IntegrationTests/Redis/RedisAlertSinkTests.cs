using Alerting.Core.Alerts;
using Alerting.Redis;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Redis;

public sealed class RedisAlertSinkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WriteAsync_NewAlert_AppendsStreamEntryPublishesOnThreeChannelsAndCounts()
    {
        await using var host = await RedisTestHost.StartAsync();
        await using var listener = await ConnectionMultiplexer.ConnectAsync(host.Server.ConnectionString);
        var sub = listener.GetSubscriber();
        var all = await sub.SubscribeAsync(RedisChannel.Literal("alerts"));
        var byRule = await sub.SubscribeAsync(RedisChannel.Literal("alerts:rule:rude_language"));
        var byShop = await sub.SubscribeAsync(RedisChannel.Literal("alerts:shop:shop-a"));
        var sink = new RedisAlertSink(host.Connection, host.Options);
        var alert = TestAlerts.Rude();
        var json = AlertJson.ToJson(alert);

        var result = await sink.WriteAsync([alert], CancellationToken.None);

        Assert.Equal(new AlertWriteResult(1, 0), result);
        Assert.Equal(json, await Wait.NextAsync(all, Timeout));
        Assert.Equal(json, await Wait.NextAsync(byRule, Timeout));
        Assert.Equal(json, await Wait.NextAsync(byShop, Timeout));

        var entries = await host.Db.StreamRangeAsync("alerts:stream:{shop-a}");
        var entry = Assert.Single(entries);
        Assert.Equal(["alertId", "rule", "status", "revision", "alert"], entry.Values.Select(v => (string)v.Name!));
        Assert.Equal("a-1", entry["alertId"]);
        Assert.Equal("rude_language", entry["rule"]);
        Assert.Equal("firing", entry["status"]);
        Assert.Equal("0", entry["revision"]);
        Assert.Equal(json, entry["alert"]);
        Assert.Contains("客服使用不文明用语", json, StringComparison.Ordinal);

        // eventTime 2026-11-11T00:00:05+08:00 is 2026-11-10 16:00 UTC.
        const string counterKey = "alerts:count:{shop-a}:202611101600";
        var counters = (await host.Db.HashGetAllAsync(counterKey)).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        Assert.Equal(new Dictionary<string, long>
        {
            ["total"] = 1, ["rule:rude_language"] = 1, ["severity:high"] = 1,
            ["agent:agent-07"] = 1, ["rule:rude_language:agent:agent-07"] = 1,
        }, counters);
        var counterTtl = await host.Db.KeyTimeToLiveAsync(counterKey);
        Assert.InRange(counterTtl!.Value, TimeSpan.FromDays(8) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(8));

        var seenTtl = await host.Db.KeyTimeToLiveAsync("alerts:seen:{shop-a}:a-1:firing:0");
        Assert.InRange(seenTtl!.Value, TimeSpan.FromDays(8) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(8));
    }

    [Fact]
    public async Task WriteAsync_SameAlertAgain_IsDuplicateAndChangesNothing()
    {
        await using var host = await RedisTestHost.StartAsync();
        await using var listener = await ConnectionMultiplexer.ConnectAsync(host.Server.ConnectionString);
        var all = await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal("alerts"));
        var sink = new RedisAlertSink(host.Connection, host.Options);
        var alert = TestAlerts.Rude();
        await sink.WriteAsync([alert], CancellationToken.None);
        Assert.Equal(AlertJson.ToJson(alert), await Wait.NextAsync(all, Timeout));

        var again = await sink.WriteAsync([alert, TestAlerts.Rude()], CancellationToken.None);

        Assert.Equal(new AlertWriteResult(0, 2), again);
        Assert.Equal(1, await host.Db.StreamLengthAsync("alerts:stream:{shop-a}"));
        Assert.Equal(1, (long)await host.Db.HashGetAsync("alerts:count:{shop-a}:202611101600", "total"));
        // Nothing was published for the duplicates: the next message on the channel is our marker.
        await host.Connection.GetSubscriber().PublishAsync(RedisChannel.Literal("alerts"), "marker");
        Assert.Equal("marker", await Wait.NextAsync(all, Timeout));
    }

    [Fact]
    public async Task WriteAsync_NewRevisionAndResolution_AreWrittenOnceEach()
    {
        await using var host = await RedisTestHost.StartAsync();
        var sink = new RedisAlertSink(host.Connection, host.Options);
        Alert[] events =
        [
            TestAlerts.Rude(),
            TestAlerts.Rude(revision: 1),
            TestAlerts.Rude(status: AlertStatus.Resolved, revision: 1),
        ];

        var firstAppended = new List<Alert>();
        var first = await sink.WriteAsync(events, CancellationToken.None, firstAppended);
        var replayAppended = new List<Alert>();
        var replay = await sink.WriteAsync([.. events, TestAlerts.Rude(revision: 2)], CancellationToken.None, replayAppended);

        Assert.Equal(new AlertWriteResult(3, 0), first);
        Assert.Equal(events, firstAppended);
        Assert.Equal(new AlertWriteResult(1, 3), replay);
        Assert.Equal(2, Assert.Single(replayAppended).Revision); // only the new event would be notified
        var entries = await host.Db.StreamRangeAsync("alerts:stream:{shop-a}");
        Assert.Equal(["firing/0", "firing/1", "resolved/1", "firing/2"], entries.Select(e => $"{e["status"]}/{e["revision"]}"));
        var counters = (await host.Db.HashGetAllAsync("alerts:count:{shop-a}:202611101600")).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        Assert.Equal(1, counters["total"]);
        Assert.Equal(2, counters["revised"]);
        Assert.Equal(1, counters["resolved"]);
        Assert.Equal(1, counters["rule:rude_language:resolved"]);
    }

    [Fact]
    public async Task WriteAsync_FirstAlertOfStore_CreatesInspectorsGroupFromIdZero()
    {
        await using var host = await RedisTestHost.StartAsync();
        var sink = new RedisAlertSink(host.Connection, host.Options);

        await sink.WriteAsync([TestAlerts.Rude(alertId: "a-1"), TestAlerts.Rude(alertId: "a-2")], CancellationToken.None);

        var group = Assert.Single(await host.Db.StreamGroupInfoAsync("alerts:stream:{shop-a}"));
        Assert.Equal("inspectors", group.Name);
        Assert.Equal("0-0", group.LastDeliveredId);
        var read = await host.Db.StreamReadGroupAsync("alerts:stream:{shop-a}", "inspectors", "console-1", ">");
        Assert.Equal(["a-1", "a-2"], read.Select(e => (string)e["alertId"]!));
    }

    [Fact]
    public async Task WriteAsync_OddShopId_IsPercentEncodedInKeysAndChannel()
    {
        await using var host = await RedisTestHost.StartAsync();
        await using var listener = await ConnectionMultiplexer.ConnectAsync(host.Server.ConnectionString);
        const string shop = "店铺{1}: a%b";
        const string encoded = "%E5%BA%97%E9%93%BA%7B1%7D%3A%20a%25b";
        var byShop = await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal("alerts:shop:" + encoded));
        var sink = new RedisAlertSink(host.Connection, host.Options);
        var alert = TestAlerts.Rude(shopId: shop);

        await sink.WriteAsync([alert], CancellationToken.None);

        Assert.Equal(AlertJson.ToJson(alert), await Wait.NextAsync(byShop, Timeout));
        Assert.Equal(1, await host.Db.StreamLengthAsync("alerts:stream:{" + encoded + "}"));
        Assert.True(await host.Db.KeyExistsAsync("alerts:seen:{" + encoded + "}:a-1:firing:0"));
        Assert.True(await host.Db.KeyExistsAsync("alerts:count:{" + encoded + "}:202611101600"));
        var keys = new RedisKeys(host.Options);
        var slot = host.Connection.HashSlot(keys.Stream(shop));
        Assert.Equal(slot, host.Connection.HashSlot(keys.Seen(shop, "a-1", "firing", 0)));
        Assert.Equal(slot, host.Connection.HashSlot(keys.Counter(shop, alert.EventTime)));
    }

    [Theory]
    [InlineData("shop-a_1.x", "shop-a_1.x")]
    [InlineData("店铺 A", "%E5%BA%97%E9%93%BA%20A")]
    [InlineData("s{x}:1", "s%7Bx%7D%3A1")]
    [InlineData("a%b", "a%25b")]
    [InlineData("😀", "%F0%9F%98%80")]
    public void Encode_CharactersOutsideSafeSet_ArePercentEncodedPerUtf8Byte(string shopId, string expected)
        => Assert.Equal(expected, RedisKeys.Encode(shopId));

    [Fact]
    public async Task WriteAsync_AfterScriptCacheFlush_FallsBackToEvalAndWrites()
    {
        await using var host = await RedisTestHost.StartAsync(o => o.MaxRetryAttempts = 1);
        var sink = new RedisAlertSink(host.Connection, host.Options);
        await sink.WriteAsync([TestAlerts.Rude(alertId: "a-1")], CancellationToken.None);

        await host.Db.ExecuteAsync("SCRIPT", "FLUSH");
        var result = await sink.WriteAsync([TestAlerts.Rude(alertId: "a-2")], CancellationToken.None);

        Assert.Equal(new AlertWriteResult(1, 0), result);
        Assert.Equal(2, await host.Db.StreamLengthAsync("alerts:stream:{shop-a}"));
    }

    [Fact]
    public async Task WriteAsync_BatchLargerThanBatchSize_WritesEveryAlertToItsStoreStream()
    {
        await using var host = await RedisTestHost.StartAsync(o => o.BatchSize = 64);
        var sink = new RedisAlertSink(host.Connection, host.Options);
        var alerts = Enumerable.Range(0, 300).Select(i => TestAlerts.Rude(shopId: $"shop-{i % 3}", alertId: $"a-{i}")).ToList();

        var result = await sink.WriteAsync(alerts, CancellationToken.None);

        Assert.Equal(new AlertWriteResult(300, 0), result);
        for (var s = 0; s < 3; s++) Assert.Equal(100, await host.Db.StreamLengthAsync($"alerts:stream:{{shop-{s}}}"));
    }

    [Fact]
    public void Validate_DedupeTtlNotLongerThanRetention_NamesTheConfigPath()
    {
        var options = new RedisAlertingOptions { DedupeTtl = TimeSpan.FromDays(7), BatchSize = 0 };

        var problems = options.Validate();

        Assert.Contains(problems, p => p.Path == "Redis:DedupeTtl");
        Assert.Contains(problems, p => p.Path == "Redis:BatchSize");
        Assert.Empty(new RedisAlertingOptions().Validate());
    }

    [Fact]
    public void Validate_CrossConversationSection_IsBoundAndCheckedWithRedis()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:CrossConversation:AgentEvaluationInterval"] = "00:00:00.01",
            ["Redis:CrossConversation:ProgressKeyPrefix"] = "alerts:agent:",
        }).Build();
        var options = config.GetSection("Redis").Get<RedisAlertingOptions>(o => o.ErrorOnUnknownConfiguration = true)!;

        var problems = options.Validate();

        Assert.Equal(TimeSpan.FromMilliseconds(10), options.CrossConversation.AgentEvaluationInterval);
        Assert.Contains(problems, p => p.Path == "Redis:CrossConversation:AgentEvaluationInterval");
        Assert.Contains(problems, p => p.Path == "Redis:CrossConversation:AgentKeyPrefix" && p.Reason.Contains("must differ", StringComparison.Ordinal));
    }
}
