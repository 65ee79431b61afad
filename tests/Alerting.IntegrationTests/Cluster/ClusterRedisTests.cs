using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Alerting.Core.Alerts;
using Alerting.Core.Pipeline;
using Alerting.IntegrationTests.Redis;
using Alerting.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>
/// The Redis adapter on a real Redis Cluster: every script's keys must share a slot (a script touching two
/// slots fails with CROSSSLOT), writes for stores on different primaries, pub/sub seen from any node,
/// checkpoints, retention on every primary. Each test has its own key prefixes on the shared cluster.
/// </summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class ClusterRedisTests(RedisClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private RedisAlertingOptions Options(string prefix) => new()
    {
        ConnectionString = fixture.Cluster.ConnectionString,
        StreamKeyPrefix = prefix + ":stream:",
        SeenKeyPrefix = prefix + ":seen:",
        CounterKeyPrefix = prefix + ":count:",
        StateKeyPrefix = prefix + ":state:",
        OverflowKeyPrefix = prefix + ":overflow:",
        ChannelPrefix = prefix,
        AttemptTimeout = TimeSpan.FromSeconds(2),
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(500),
        BreakerBreakDuration = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>Store ids that land on every primary: plain, Chinese, with braces and spaces (percent-encoded in the tag).</summary>
    private static List<string> Shops(int n) => Enumerable.Range(0, n)
        .Select(i => (i % 4) switch { 0 => $"shop-{i}", 1 => $"店铺 {i}", 2 => $"{{brace}}-{i}", _ => $"s:{i}%x" }).ToList();

    private static List<Alert> AlertsFor(IEnumerable<string> shops)
    {
        var alerts = new List<Alert>();
        foreach (var shop in shops)
        {
            alerts.Add(TestAlerts.Rude(shop, "a-1"));
            alerts.Add(TestAlerts.Rude(shop, "a-2", agentId: null));
            alerts.Add(TestAlerts.Rude(shop, "a-2", revision: 1));
            alerts.Add(TestAlerts.Rude(shop, "a-1", AlertStatus.Resolved));
        }
        return alerts;
    }

    [Fact]
    public async Task AlertSink_StoresOnEveryPrimary_EachEventWrittenOnce_RedeliveryWritesNothing()
    {
        var options = Options("t-sink");
        await using var redis = await RedisConnection.ConnectAsync(options);
        var sink = new RedisAlertSink(redis, options);
        var keys = new RedisKeys(options);
        var shops = Shops(24);
        var alerts = AlertsFor(shops);

        var first = await sink.WriteAsync(alerts, CancellationToken.None);
        Assert.Equal(new AlertWriteResult(alerts.Count, 0), first);
        // Redelivery (a crash before the offsets were stored, a replay): the same events again, shuffled.
        var again = await sink.WriteAsync(alerts.OrderBy(a => a.ShopId.GetHashCode(StringComparison.Ordinal)).ToList(), CancellationToken.None);
        Assert.Equal(new AlertWriteResult(0, alerts.Count), again);

        var db = redis.GetDatabase();
        var endpoints = new HashSet<string>();
        foreach (var shop in shops)
        {
            var stream = keys.Stream(shop);
            endpoints.Add((await db.IdentifyEndpointAsync(stream))!.ToString()!);
            var entries = await db.StreamRangeAsync(stream);
            Assert.Equal(["a-1/firing/0", "a-2/firing/0", "a-2/firing/1", "a-1/resolved/0"],
                entries.Select(e => $"{e["alertId"]}/{e["status"]}/{e["revision"]}").ToArray());
            Assert.All(entries, e => Assert.Equal(shop, AlertJson.Parse(e["alert"]!).ShopId));
            var groups = await db.StreamGroupInfoAsync(stream);
            Assert.Equal("inspectors", Assert.Single(groups).Name);
            var counter = await db.HashGetAllAsync(keys.Counter(shop, alerts[0].EventTime));
            var c = counter.ToDictionary(h => (string)h.Name!, h => (long)h.Value);
            Assert.Equal(2, c["total"]);
            Assert.Equal(1, c["revised"]);
            Assert.Equal(1, c["resolved"]);
        }
        Assert.Equal(3, endpoints.Count); // the stores really are spread over the three primaries
        output.WriteLine($"{alerts.Count} alert events for {shops.Count} stores on {endpoints.Count} primaries: written once, redelivery wrote nothing");
    }

    [Fact]
    public async Task AlertSink_ClassicPublishFromScripts_ReachesSubscribersOfEveryFamily_WhateverNodeOwnsTheStore()
    {
        var options = Options("t-pub");
        await using var redis = await RedisConnection.ConnectAsync(options);
        await using var listener = await ConnectionMultiplexer.ConnectAsync(fixture.Cluster.ConnectionString);
        var keys = new RedisKeys(options);
        var shops = Shops(12);
        var all = new ConcurrentQueue<string>();
        var byRule = new ConcurrentQueue<string>();
        var byShop = new ConcurrentQueue<string>();
        var sub = listener.GetSubscriber();
        await sub.SubscribeAsync(keys.AllChannel, (_, m) => all.Enqueue(m!));
        await sub.SubscribeAsync(RedisChannel.Pattern("t-pub:rule:*"), (_, m) => byRule.Enqueue(m!));
        foreach (var shop in shops) await sub.SubscribeAsync(keys.ShopChannel(shop), (_, m) => byShop.Enqueue(m!));

        var alerts = AlertsFor(shops);
        await new RedisAlertSink(redis, options).WriteAsync(alerts, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        while ((all.Count < alerts.Count || byRule.Count < alerts.Count || byShop.Count < alerts.Count) && clock.Elapsed < Bound) await Task.Delay(20);

        var expected = alerts.Select(a => System.Text.Encoding.UTF8.GetString(AlertJson.ToUtf8(a))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, all.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(expected, byRule.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(expected, byShop.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Checkpoints_PartitionsOnEveryPrimary_ClaimSaveChunkedLoad_AndStaleOwnerFenced()
    {
        var options = Options("t-ckpt");
        options.CheckpointChunkSize = 3; // 10 entries: staging hash + commit, both in the partition's slot
        await using var redis = await RedisConnection.ConnectAsync(options);
        var store = new PartitionCheckpointStore(redis, options);
        var keys = new RedisKeys(options);
        var db = redis.GetDatabase();
        var endpoints = new HashSet<string>();
        for (var p = 0; p < 12; p++)
        {
            var stale = await store.ClaimAsync("g {x}", "chat.messages", p, CancellationToken.None);
            var epoch = await store.ClaimAsync("g {x}", "chat.messages", p, CancellationToken.None);
            Assert.True(epoch > stale);
            var entries = Enumerable.Range(0, 10).ToDictionary(i => $"shop-{i}\u001fc-{p}-{i}", i => new byte[] { (byte)p, (byte)i });
            await store.SaveAsync("g {x}", "chat.messages", p, epoch, 100 + p, entries.ToList(), [], CancellationToken.None);
            await store.SaveAsync("g {x}", "chat.messages", p, epoch, 200 + p, [entries.First()], [entries.Keys.Last()], CancellationToken.None);
            await Assert.ThrowsAsync<CheckpointFencedException>(() =>
                store.SaveAsync("g {x}", "chat.messages", p, stale, 5, entries.ToList(), [], CancellationToken.None));

            var loaded = await store.LoadAsync("g {x}", "chat.messages", p, CancellationToken.None);
            Assert.NotNull(loaded);
            Assert.Equal(200 + p, loaded.NextOffset);
            Assert.Equal(entries.Keys.SkipLast(1).Order(StringComparer.Ordinal), loaded.Entries.Keys.Order(StringComparer.Ordinal));
            Assert.All(loaded.Entries, e => Assert.Equal(entries[e.Key], e.Value));
            endpoints.Add((await db.IdentifyEndpointAsync(keys.State("g {x}", "chat.messages", p)))!.ToString()!);
        }
        Assert.Equal(3, endpoints.Count);
    }

    [Fact]
    public async Task Retention_StreamsOnEveryPrimary_AllFoundArchivedAndTrimmed_NothingLost()
    {
        var options = Options("t-ret");
        await using var redis = await RedisConnection.ConnectAsync(options);
        var keys = new RedisKeys(options);
        var shops = Shops(24);
        var alerts = AlertsFor(shops);
        await new RedisAlertSink(redis, options).WriteAsync(alerts, CancellationToken.None);

        // 15 days on: past the hard maximum age (14 d), so the never-read entries move to the overflow streams
        // (archive script: store stream + overflow stream, one slot), and the overflow keeps them (cut at 21 d).
        var report = await new StreamRetention(redis, options).TrimAsync(DateTimeOffset.UtcNow.AddDays(15), CancellationToken.None);
        Assert.Equal(0, report.FailedStreams);
        Assert.Equal(shops.Select(s => keys.Stream(s).ToString()).Order(StringComparer.Ordinal), report.Streams.Select(s => s.StreamKey).Order(StringComparer.Ordinal));
        var db = redis.GetDatabase();
        foreach (var shop in shops)
        {
            Assert.Equal(0, await db.StreamLengthAsync(keys.Stream(shop)));
            var overflow = (RedisKey)(options.OverflowKeyPrefix + RedisKeys.ShopTag(shop));
            Assert.Equal(4, await db.StreamLengthAsync(overflow));
        }
    }

    [Fact]
    public async Task AlertSink_WaitForOneReplica_EveryReplicaHoldsTheBatchWhenWriteReturns()
    {
        var options = Options("t-wait");
        options.WaitForReplicas = 1;
        await using var redis = await RedisConnection.ConnectAsync(options);
        var keys = new RedisKeys(options);
        var shops = Shops(12);
        var alerts = AlertsFor(shops);
        var result = await new RedisAlertSink(redis, options).WriteAsync(alerts, CancellationToken.None);
        Assert.Equal(new AlertWriteResult(alerts.Count, 0), result);
        // WAIT returned for each primary: its replica has every entry already (read from the replica itself).
        var db = redis.GetDatabase();
        foreach (var shop in shops) Assert.Equal(4, await db.StreamLengthAsync(keys.Stream(shop), CommandFlags.DemandReplica));
    }

    [Fact]
    public async Task AlertSink_WaitForMoreReplicasThanExist_BatchIsNeverReportedWritten_AndRetriesAreDuplicates()
    {
        var options = Options("t-wait2");
        options.WaitForReplicas = 2; // each primary has one replica
        options.WaitTimeout = TimeSpan.FromMilliseconds(50);
        options.MaxRetryAttempts = 3;
        await using var redis = await RedisConnection.ConnectAsync(options);
        var alerts = AlertsFor(Shops(4));
        var error = await Assert.ThrowsAsync<RedisServerException>(() => new RedisAlertSink(redis, options).WriteAsync(alerts, CancellationToken.None));
        Assert.StartsWith("NOREPLICAS", error.Message, StringComparison.Ordinal);
        // The scripts ran (once each: the rounds after the first found the dedupe keys), but the caller was told
        // the batch is not written, so it stores no offsets; without the requirement the batch counts as delivered.
        options.WaitForReplicas = 0;
        Assert.Equal(new AlertWriteResult(0, alerts.Count), await new RedisAlertSink(redis, options).WriteAsync(alerts, CancellationToken.None));
        var keys = new RedisKeys(options);
        foreach (var shop in Shops(4)) Assert.Equal(4, await redis.GetDatabase().StreamLengthAsync(keys.Stream(shop)));
    }

    [Fact]
    public void KeyNames_EveryPrefixRefusesBraces_AndAnEmptyStoreIdHasNoTag()
    {
        var problems = new RedisAlertingOptions { OverflowKeyPrefix = "alerts:{o}:" }.Validate();
        Assert.Contains(problems, p => p.ToString().Contains("Redis:OverflowKeyPrefix", StringComparison.Ordinal) && p.ToString().Contains("hash tags", StringComparison.Ordinal));
        var console = new Alerting.InspectorConsole.ConsoleOptionsValidator().Validate(null, new Alerting.InspectorConsole.ConsoleOptions { KeyPrefix = "console:{x}:" });
        Assert.True(console.Failed);
        Assert.Contains(console.Failures!, f => f.StartsWith("Console:KeyPrefix: must not contain '{'", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => RedisKeys.ShopTag(""));
        Assert.Equal("{%7Bbrace%7D-1}", RedisKeys.ShopTag("{brace}-1"));
    }
}
