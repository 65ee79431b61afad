using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Alerting.IntegrationTests.Redis;
using Alerting.Redis;
using Alerting.Redis.CrossConversation;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.CrossConversation;

/// <summary>batch_wrong_promo_answer on a real redis-server: the tracker, the sink, and several "workers" sharing one Redis.</summary>
public sealed class BatchWrongAnswerTrackerTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly BatchWrongPromoAnswerOptions Defaults = new();

    private static Alert Wrong(string messageId, string agent, string conversation, DateTimeOffset at, string stated = "满200减50") => new()
    {
        AlertId = AlertIds.ForConversation("wrong_promo_answer", conversation, messageId),
        Rule = "wrong_promo_answer",
        Severity = Severity.High,
        ShopId = "shop-a",
        ConversationId = conversation,
        AgentId = agent,
        MessageIds = [messageId],
        EventTime = at,
        DetectedAt = at,
        Summary = $"满减门槛说错：活动为满300减50，客服回复{stated}",
        Evidence = new JsonObject
        {
            ["promotion"] = "d11-main", ["kind"] = "threshold_discount", ["expected"] = "满300减50",
            ["stated"] = stated, ["statedText"] = stated, ["start"] = 0, ["length"] = stated.Length,
        },
        ConfigVersion = "v1",
    };

    private static List<Alert> DistinctAgents(int n, DateTimeOffset start)
        => Enumerable.Range(1, n).Select(i => Wrong($"m-{i:D3}", $"agent-{i:D2}", $"c-{i}", start.AddSeconds(i))).ToList();

    private static (BatchWrongAnswerTracker Tracker, BatchDetectingAlertSink Sink) Worker(RedisTestHost host, IConnectionMultiplexer? connection = null, BatchWrongPromoAnswerOptions? options = null)
    {
        var o = options ?? Defaults;
        var redis = connection ?? host.Connection;
        var tracker = new BatchWrongAnswerTracker(redis, host.Options, _ => o);
        return (tracker, new BatchDetectingAlertSink(new RedisAlertSink(redis, host.Options), tracker));
    }

    private static async Task<List<Alert>> BatchEntriesAsync(RedisTestHost host)
    {
        var entries = await host.Db.StreamRangeAsync("alerts:stream:{shop-a}");
        return entries.Select(e => AlertJson.Parse((string)e["alert"]!))
            .Where(a => a.Rule == WrongAnswerBatch.RuleName).ToList();
    }

    private static string Comparable(Alert a)
    {
        a.DetectedAt = default;
        return AlertJson.ToJson(a);
    }

    [Fact]
    public async Task WriteAsync_ThirdDistinctAgent_OneCriticalBatchAlertInTheStoreStream()
    {
        await using var host = await RedisTestHost.StartAsync();
        var (_, sink) = Worker(host);
        var answers = DistinctAgents(3, Midnight);

        await sink.WriteAsync(answers[..2], CancellationToken.None);
        Assert.Empty(await BatchEntriesAsync(host));
        await sink.WriteAsync(answers[2..], CancellationToken.None);

        var batch = Assert.Single(await BatchEntriesAsync(host));
        Assert.Equal(AlertIds.ForGroup("batch_wrong_promo_answer", "shop-a", "d11-main|满200减50", Midnight), batch.AlertId);
        Assert.Equal(Severity.Critical, batch.Severity);
        Assert.Equal(0, batch.Revision);
        Assert.Equal(["m-001", "m-002", "m-003"], batch.MessageIds);
        Assert.Equal(3, (await host.Db.StreamRangeAsync("alerts:stream:{shop-a}")).Count(e => (string?)e["rule"] == "wrong_promo_answer"));
        var counters = await host.Db.HashGetAllAsync("alerts:count:{shop-a}:202611101600");
        Assert.Equal(1, (int)counters.Single(c => c.Name == "rule:batch_wrong_promo_answer").Value);
    }

    [Fact]
    public async Task WriteAsync_FiveConversationsOfOneAgent_FiresByConversationsWithRevision0AndRevision2()
    {
        await using var host = await RedisTestHost.StartAsync();
        var (_, sink) = Worker(host);
        var answers = Enumerable.Range(1, 5).Select(i => Wrong($"m-{i}", "agent-01", $"c-{i}", Midnight.AddSeconds(i))).ToList();

        foreach (var a in answers[..4]) await sink.WriteAsync([a], CancellationToken.None);
        Assert.Empty(await BatchEntriesAsync(host));
        await sink.WriteAsync(answers[4..], CancellationToken.None);

        var batch = await BatchEntriesAsync(host);
        Assert.Equal([0, 2], batch.Select(a => a.Revision));
        Assert.Single(batch.Select(a => a.AlertId).Distinct());
        Assert.Equal(["conversations"], batch[1].Evidence["reached"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public async Task WriteAsync_BatchGrows_UpdatedInPlaceWithRevisionPlusOne()
    {
        await using var host = await RedisTestHost.StartAsync();
        var (_, sink) = Worker(host);
        var answers = DistinctAgents(5, Midnight);

        foreach (var a in answers) await sink.WriteAsync([a], CancellationToken.None);

        var batch = await BatchEntriesAsync(host);
        Assert.Equal([0, 1, 2], batch.Select(a => a.Revision));
        Assert.Single(batch.Select(a => a.AlertId).Distinct());
        Assert.Equal([3, 4, 5], batch.Select(a => a.MessageIds.Count));
        Assert.Equal(5, (int?)batch[^1].Evidence["agentCount"]);
    }

    [Fact]
    public async Task WriteAsync_AnswersEitherSideOfWindowBoundary_NoBatchUntilOneWindowHasThree()
    {
        await using var host = await RedisTestHost.StartAsync();
        var (_, sink) = Worker(host);
        var boundary = Midnight.AddMinutes(10);

        await sink.WriteAsync([
            Wrong("b-1", "agent-1", "c-1", boundary.AddMilliseconds(-1)),
            Wrong("b-2", "agent-2", "c-2", boundary.AddMinutes(-10)),
            Wrong("a-3", "agent-3", "c-3", boundary),
            Wrong("a-4", "agent-4", "c-4", boundary.AddMinutes(10).AddMilliseconds(-1)),
        ], CancellationToken.None);
        Assert.Empty(await BatchEntriesAsync(host));
        await sink.WriteAsync([Wrong("a-5", "agent-5", "c-5", boundary.AddMinutes(5))], CancellationToken.None);

        var batch = Assert.Single(await BatchEntriesAsync(host));
        Assert.Equal(AlertIds.ForGroup("batch_wrong_promo_answer", "shop-a", "d11-main|满200减50", boundary), batch.AlertId);
        Assert.Equal(["a-3", "a-5", "a-4"], batch.MessageIds);
    }

    [Fact]
    public async Task WriteAsync_SameAlertsObservedAgain_NothingNewInTheStream()
    {
        await using var host = await RedisTestHost.StartAsync();
        var (tracker, sink) = Worker(host);
        var answers = DistinctAgents(4, Midnight);
        var first = await sink.WriteWithBatchesAsync(answers, CancellationToken.None);

        var again = await tracker.ObserveAsync(answers, CancellationToken.None);
        var second = await sink.WriteWithBatchesAsync(answers, CancellationToken.None);

        Assert.Equal(4 + 2, first.Written);
        Assert.Equal([0, 1], again.Select(a => a.Revision));
        Assert.Equal(new AlertWriteResult(0, 6), second);
        Assert.Equal([0, 1], (await BatchEntriesAsync(host)).Select(a => a.Revision));
    }

    [Fact]
    public async Task WriteAsync_CrashAfterObserveBeforeWrite_RedeliveryStillDeliversTheBatch()
    {
        await using var host = await RedisTestHost.StartAsync();
        var (tracker, sink) = Worker(host);
        var answers = DistinctAgents(3, Midnight);

        _ = await tracker.ObserveAsync(answers, CancellationToken.None); // the worker dies before writing
        await sink.WriteAsync(answers, CancellationToken.None);          // the new owner replays the records

        Assert.Equal([0], (await BatchEntriesAsync(host)).Select(a => a.Revision));
    }

    [Fact]
    public async Task ObserveAsync_MemberHash_KeyedByStoreTagWithBaseAndTtl()
    {
        await using var host = await RedisTestHost.StartAsync();
        var (tracker, _) = Worker(host);
        var alertId = AlertIds.ForGroup("batch_wrong_promo_answer", "shop-a", "d11-main|满200减50", Midnight);

        await tracker.ObserveAsync(DistinctAgents(2, Midnight), CancellationToken.None);

        var key = tracker.BatchKey("shop-a", alertId);
        Assert.Equal($"alerts:batch:{{shop-a}}:{alertId}", key.ToString());
        var hash = (await host.Db.HashGetAllAsync(key)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(["_base", "m:m-001", "m:m-002"], hash.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("3", hash["_base"]);
        Assert.Equal("agent-01", (string?)JsonNode.Parse(hash["m:m-001"])!["a"]);
        var ttl = await host.Db.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2));
    }

    [Fact]
    public async Task ObserveAsync_ThresholdRaisedMidWindow_RevisionBaseStaysTheStoredOne()
    {
        await using var host = await RedisTestHost.StartAsync();
        var options = new BatchWrongPromoAnswerOptions();
        var tracker = new BatchWrongAnswerTracker(host.Connection, host.Options, _ => options);
        var answers = DistinctAgents(5, Midnight);
        Assert.Equal([0], (await tracker.ObserveAsync(answers[..3], CancellationToken.None)).Select(a => a.Revision));

        options = new BatchWrongPromoAnswerOptions { MinAgents = 4 };
        var raised = await tracker.ObserveAsync(answers[3..], CancellationToken.None);

        Assert.Equal([0, 2], raised.Select(a => a.Revision));
    }

    public static TheoryData<int> Seeds => [11, 12, 13];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task TwoWorkersSplitShuffledAndRedelivered_SameFinalAlertAsOneWorkerInOrder(int seed)
    {
        // 12 wrong answers of one template (7 agents, 9 conversations) plus a second template under the threshold.
        var answers = new List<Alert>();
        for (var i = 0; i < 12; i++) answers.Add(Wrong($"m-{i:D2}", $"agent-{i % 7}", $"c-{i % 9}", Midnight.AddSeconds(7 * i)));
        answers.Add(Wrong("x-1", "agent-1", "c-1", Midnight.AddMinutes(1), "满100减50"));
        answers.Add(Wrong("x-2", "agent-2", "c-2", Midnight.AddMinutes(2), "满100减50"));

        Dictionary<string, string> reference;
        await using (var single = await RedisTestHost.StartAsync())
        {
            var (_, sink) = Worker(single);
            foreach (var a in answers) await sink.WriteAsync([a], CancellationToken.None);
            reference = Final(await BatchEntriesAsync(single));
        }
        var memory = new BatchWrongAnswerAggregator(_ => Defaults, TimeProvider.System);
        var inMemory = Final(answers.Select(a => memory.Observe([a])).SelectMany(x => x).ToList());

        await using var shared = await RedisTestHost.StartAsync();
        await using var secondConnection = await RedisConnection.ConnectAsync(shared.Options);
        var workers = new[] { Worker(shared), Worker(shared, secondConnection) };
        var random = new Random(seed);
        var shuffled = answers.OrderBy(_ => random.Next()).ToList();
        // Partitions spread over two instances: each worker gets its own records, in small batches, concurrently,
        // and some batches are delivered twice (a rebalance replay).
        var parts = new[] { new List<List<Alert>>(), new List<List<Alert>>() };
        for (var i = 0; i < shuffled.Count;)
        {
            var take = random.Next(1, 4);
            var slice = shuffled.Skip(i).Take(take).ToList();
            parts[random.Next(2)].Add(slice);
            if (random.Next(3) == 0) parts[random.Next(2)].Add(slice);
            i += take;
        }
        await Task.WhenAll(parts.Select((batches, w) => Task.Run(async () =>
        {
            foreach (var batch in batches) await workers[w].Sink.WriteAsync(batch, CancellationToken.None);
        })));
        var split = Final(await BatchEntriesAsync(shared));

        Assert.Single(reference);
        Assert.Equal(reference, split);
        Assert.Equal(reference, inMemory);
        Assert.Contains("\"revision\":9", reference.Values.Single(), StringComparison.Ordinal);

        static Dictionary<string, string> Final(List<Alert> events)
            => events.GroupBy(a => a.AlertId).ToDictionary(g => g.Key, g => Comparable(g.MaxBy(a => a.Revision)!));
    }
}
