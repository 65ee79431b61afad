using Alerting.Core.Alerts;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.IntegrationTests.Redis;
using Alerting.Redis;
using Alerting.Redis.CrossConversation;

namespace Alerting.IntegrationTests.CrossConversation;

/// <summary>agent_response_rate_low facts in a real redis-server: merged by id, order-free, same alert from any evaluator.</summary>
public sealed class AgentActivityTrackerTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly AgentResponseRateOptions Defaults = new() { Enabled = true };

    /// <summary>n waits a minute apart, the first <paramref name="slow"/> answered in 60 s, the rest in 10 s, each followed by two agent messages.</summary>
    private static List<AgentActivity> Shift(DateTimeOffset start, int n, int slow, string agent, string prefix)
    {
        var facts = new List<AgentActivity>();
        for (var i = 0; i < n; i++)
        {
            var at = start.AddMinutes(i);
            var wait = TimeSpan.FromSeconds(i < slow ? 60 : 10);
            facts.Add(new AgentActivity("shop-a", agent, $"{prefix}-c{i}", AgentActivityKind.WaitAnswered, $"{prefix}-{i}", at, 1, wait));
            facts.Add(new AgentActivity("shop-a", agent, $"{prefix}-c{i}", AgentActivityKind.AgentMessage, $"{prefix}-{i}-r1", at + wait));
            facts.Add(new AgentActivity("shop-a", agent, $"{prefix}-c{i}", AgentActivityKind.AgentMessage, $"{prefix}-{i}-r2", at.AddSeconds(70)));
        }
        return facts;
    }

    private static List<AgentActivity> Traffic()
    {
        var facts = new List<AgentActivity>();
        facts.AddRange(Shift(Midnight, 40, 6, "agent-01", "x"));
        facts.AddRange(Shift(Midnight.AddMinutes(2), 30, 1, "agent-02", "y")); // 2 slow of ≥ 11 with the late one: never below 80 %
        facts.AddRange(Shift(Midnight.AddMinutes(5), 20, 12, "客服 小王", "z"));
        // Reported unanswered by the deadline, answered late afterwards: one wait, answered.
        facts.Add(new AgentActivity("shop-a", "agent-02", "y-late", AgentActivityKind.WaitUnanswered, "y-late-1", Midnight.AddMinutes(3), 2));
        facts.Add(new AgentActivity("shop-a", "agent-02", "y-late", AgentActivityKind.WaitAnswered, "y-late-1", Midnight.AddMinutes(3), 2, TimeSpan.FromSeconds(400)));
        return facts;
    }

    /// <summary>Once per step, never exactly on a step boundary (a clock that ticks when records arrive).</summary>
    private static IEnumerable<DateTimeOffset> EveryStep() => Enumerable.Range(1, 18).Select(i => Midnight.AddMinutes(5 * i).AddSeconds(i % 3 == 0 ? 37 : 0));

    private static string Comparable(Alert a)
    {
        a.DetectedAt = default;
        return AlertJson.ToJson(a);
    }

    private static async Task<List<string>> EvaluateEveryStepAsync(AgentActivityTracker tracker, RedisAlertSink sink)
    {
        var raised = new List<Alert>();
        foreach (var at in EveryStep())
        {
            var alerts = await tracker.EvaluateAsync("shop-a", at, CancellationToken.None);
            await sink.WriteAsync(alerts, CancellationToken.None);
            raised.AddRange(alerts);
        }
        return raised.Select(Comparable).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task RecordAsync_UnansweredAndAnsweredInEitherOrder_StoresTheAnsweredWaitOnce()
    {
        await using var host = await RedisTestHost.StartAsync();
        var tracker = new AgentActivityTracker(host.Connection, host.Options, _ => Defaults);
        var missed = new AgentActivity("shop-a", "agent-02", "c-9", AgentActivityKind.WaitUnanswered, "m-1", Midnight.AddMinutes(1), 2);
        var late = missed with { Kind = AgentActivityKind.WaitAnswered, Wait = TimeSpan.FromSeconds(400) };

        await tracker.RecordAsync([late], CancellationToken.None);
        await tracker.RecordAsync([missed, missed], CancellationToken.None);

        var key = tracker.FactsKey("shop-a", "agent-02", Midnight);
        Assert.Equal($"alerts:agent:{{shop-a}}:agent-02:{Midnight.ToUnixTimeSeconds()}", key.ToString());
        var stored = Assert.Single(await host.Db.HashGetAllAsync(key));
        Assert.Equal("w:c-9:m-1", (string?)stored.Name);
        Assert.Equal(late, AgentActivityTracker.Decode("shop-a", "agent-02", (string)stored.Value!));
        Assert.Equal(["agent-02"], (await host.Db.SetMembersAsync(tracker.AgentsKey("shop-a", Midnight))).Select(v => (string?)v));
        Assert.True(await host.Db.KeyTimeToLiveAsync(key) > TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task EvaluateAsync_EveryStep_OneAlertPerLowAgentPerFixedWindowInTheStream()
    {
        await using var host = await RedisTestHost.StartAsync();
        var tracker = new AgentActivityTracker(host.Connection, host.Options, _ => Defaults);
        var sink = new RedisAlertSink(host.Connection, host.Options);
        await tracker.RecordAsync(Traffic(), CancellationToken.None);

        await EvaluateEveryStepAsync(tracker, sink);

        var entries = (await host.Db.StreamRangeAsync("alerts:stream:{shop-a}")).Select(e => AlertJson.Parse((string)e["alert"]!)).ToList();
        Assert.Equal(entries.Count, entries.Select(a => a.AlertId).Distinct().Count());
        Assert.Contains(entries, a => a.AgentId == "客服 小王");
        Assert.Contains(entries, a => a.AgentId == "agent-01");
        Assert.DoesNotContain(entries, a => a.AgentId == "agent-02");
        var memory = new AgentResponseRateAggregator(_ => Defaults, null, TimeProvider.System);
        memory.Observe(Traffic());
        var expected = memory.AdvanceTo(Midnight.AddHours(2)).Select(Comparable).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, entries.Select(Comparable).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The 3-minute manual response rate through Redis: bot-reply facts are stored and read back like the others, and
    /// the tracker raises what the in-memory aggregator raises — an alert for the agent whose buyers waited 200 s for
    /// anyone, none for the one whose assisting bot answered at once.
    /// </summary>
    [Fact]
    public async Task EvaluateAsync_ManualResponseRateWithBotReplies_SameAlertsAsInMemory()
    {
        var options = new AgentResponseRateOptions { Enabled = true, MinResponseRate = 0, MinReplyRate = 0, MinAnswerRatio = 0, MinManualResponseRate = 0.8 };
        var morning = new DateTimeOffset(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));
        var facts = new List<AgentActivity>();
        foreach (var (agent, botHelps) in new[] { ("agent-late", false), ("agent-bot", true) })
        {
            for (var i = 0; i < 12; i++)
            {
                var at = morning.AddMinutes(i);
                var id = $"{agent}-{i}";
                facts.Add(new AgentActivity("shop-a", agent, $"c-{id}", AgentActivityKind.WaitAnswered, $"w-{id}", at, 1, TimeSpan.FromSeconds(200), at.AddSeconds(200)));
                facts.Add(new AgentActivity("shop-a", agent, $"c-{id}", AgentActivityKind.AgentMessage, $"h-{id}", at.AddSeconds(200)));
                if (botHelps) facts.Add(new AgentActivity("shop-a", agent, $"c-{id}", AgentActivityKind.BotReply, $"b-{id}", at.AddSeconds(2)));
            }
        }

        await using var host = await RedisTestHost.StartAsync();
        var tracker = new AgentActivityTracker(host.Connection, host.Options, _ => options);
        await tracker.RecordAsync(facts, CancellationToken.None);
        await tracker.RecordAsync(facts.Where(f => f.Kind == AgentActivityKind.BotReply).ToList(), CancellationToken.None); // redelivered

        var stored = await host.Db.HashGetAllAsync(tracker.FactsKey("shop-a", "agent-bot", morning));
        var bots = stored.Select(e => AgentActivityTracker.Decode("shop-a", "agent-bot", (string)e.Value!)).Where(f => f.Kind == AgentActivityKind.BotReply).ToList();
        // Facts are kept per step (5 minutes): the first key holds the bot replies of 10:00–10:05, once each.
        var firstStep = facts.Where(f => f.AgentId == "agent-bot" && f.Kind == AgentActivityKind.BotReply && f.At < morning.AddMinutes(5)).ToList();
        Assert.Equal(5, firstStep.Count);
        Assert.Equal(firstStep.OrderBy(f => f.MessageId, StringComparer.Ordinal), bots.OrderBy(f => f.MessageId, StringComparer.Ordinal));

        var raised = new List<Alert>();
        for (var step = 1; step <= 12; step++)
            raised.AddRange(await tracker.EvaluateAsync("shop-a", morning.AddMinutes(5 * step).AddSeconds(step % 3 == 0 ? 37 : 0), CancellationToken.None));
        var memory = new AgentResponseRateAggregator(_ => options, null, TimeProvider.System);
        memory.Observe(facts);
        var expected = memory.AdvanceTo(morning.AddHours(1)).Select(Comparable).Order(StringComparer.Ordinal).ToList();

        var alert = Assert.Single(raised.Select(Comparable).Distinct().Select(AlertJson.Parse));
        Assert.Equal("agent-late", alert.AgentId);
        Assert.Equal("manual_response_rate", Assert.Single(alert.Evidence["below"]!.AsArray())!.GetValue<string>());
        Assert.Equal(expected, raised.Select(Comparable).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EvaluateAsync_LowOnlyAtTheWindowsLastPointAndNoCallExactlyThere_StillAlerts()
    {
        await using var host = await RedisTestHost.StartAsync();
        var tracker = new AgentActivityTracker(host.Connection, host.Options, _ => Defaults);
        // 10 waits 00:20…00:29: only the point 00:30 sees ≥ 10 of them.
        await tracker.RecordAsync(Shift(Midnight.AddMinutes(20), 10, 3, "agent-09", "q"), CancellationToken.None);

        Assert.Empty(await tracker.EvaluateAsync("shop-a", Midnight.AddMinutes(29), CancellationToken.None));
        var alert = Assert.Single(await tracker.EvaluateAsync("shop-a", Midnight.AddMinutes(31), CancellationToken.None));

        Assert.Equal(Midnight.AddMinutes(30), alert.EventTime);
        Assert.Equal(AlertIds.ForGroup("agent_response_rate_low", "shop-a", "agent-09", Midnight), alert.AlertId);
    }

    [Fact]
    public async Task TwoWorkersRecordShuffledSplitAndRedelivered_SameAlertsAsOneWorker()
    {
        List<string> reference;
        await using (var single = await RedisTestHost.StartAsync())
        {
            var tracker = new AgentActivityTracker(single.Connection, single.Options, _ => Defaults);
            await tracker.RecordAsync(Traffic(), CancellationToken.None);
            reference = await EvaluateEveryStepAsync(tracker, new RedisAlertSink(single.Connection, single.Options));
        }

        await using var shared = await RedisTestHost.StartAsync();
        await using var second = await RedisConnection.ConnectAsync(shared.Options);
        var trackers = new[]
        {
            new AgentActivityTracker(shared.Connection, shared.Options, _ => Defaults),
            new AgentActivityTracker(second, shared.Options, _ => Defaults),
        };
        var random = new Random(42);
        var shuffled = Traffic().OrderBy(_ => random.Next()).ToList();
        var parts = new[] { new List<List<AgentActivity>>(), new List<List<AgentActivity>>() };
        for (var i = 0; i < shuffled.Count; i += 9)
        {
            var slice = shuffled.Skip(i).Take(9).ToList();
            parts[random.Next(2)].Add(slice);
            if (random.Next(3) == 0) parts[random.Next(2)].Add(slice);
        }
        await Task.WhenAll(parts.Select((batches, w) => Task.Run(async () =>
        {
            foreach (var batch in batches) await trackers[w].RecordAsync(batch, CancellationToken.None);
        })));
        // The other worker evaluates this time.
        var split = await EvaluateEveryStepAsync(trackers[1], new RedisAlertSink(second, shared.Options));

        Assert.NotEmpty(reference);
        Assert.Equal(reference, split);
    }

    [Fact]
    public async Task RecordAsync_RegistersTheStore_AndEveryChangedStepIsJudgedAgain()
    {
        await using var host = await RedisTestHost.StartAsync();
        var tracker = new AgentActivityTracker(host.Connection, host.Options, _ => Defaults);
        await tracker.RecordAsync(Shift(Midnight.AddMinutes(12), 3, 0, "agent-01", "a"), CancellationToken.None);

        // Waits 00:12–00:14, the last agent message 00:15:10: latest step 00:15; judging starts at the first, 00:10.
        Assert.Equal([("shop-a", Midnight.AddMinutes(15))], await tracker.StoresAsync(CancellationToken.None));
        Assert.Equal(Midnight.AddMinutes(10), await tracker.BeginJudgementAsync("shop-a", CancellationToken.None));

        // A fact of step 00:15 changes while 00:10–00:20 is being judged: the cursor only moves to 00:15.
        await tracker.RecordAsync(Shift(Midnight.AddMinutes(16), 1, 0, "agent-02", "b"), CancellationToken.None);
        Assert.Equal(Midnight.AddMinutes(15), await tracker.AdvanceCursorAsync("shop-a", Midnight.AddMinutes(20), CancellationToken.None));
        Assert.Equal(Midnight.AddMinutes(15), await tracker.BeginJudgementAsync("shop-a", CancellationToken.None));
        Assert.Equal(Midnight.AddMinutes(20), await tracker.AdvanceCursorAsync("shop-a", Midnight.AddMinutes(20), CancellationToken.None));

        // Redelivered facts change nothing and mark nothing.
        await tracker.RecordAsync(Shift(Midnight.AddMinutes(16), 1, 0, "agent-02", "b"), CancellationToken.None);
        Assert.Equal(Midnight.AddMinutes(20), await tracker.BeginJudgementAsync("shop-a", CancellationToken.None));
        Assert.Equal(Midnight.AddMinutes(20), await tracker.AdvanceCursorAsync("shop-a", Midnight.AddMinutes(20), CancellationToken.None));

        // A late fact (00:11) between two judgements: the next one starts back at its step.
        await tracker.RecordAsync(Shift(Midnight.AddMinutes(11), 1, 0, "agent-03", "c"), CancellationToken.None);
        Assert.Equal(Midnight.AddMinutes(10), await tracker.BeginJudgementAsync("shop-a", CancellationToken.None));
        Assert.Equal(Midnight.AddMinutes(25), await tracker.AdvanceCursorAsync("shop-a", Midnight.AddMinutes(25), CancellationToken.None));

        // Forgetting a store is refused if a newer fact came since it was read.
        await tracker.ForgetStoreAsync("shop-a", Midnight.AddMinutes(10), CancellationToken.None);
        Assert.Single(await tracker.StoresAsync(CancellationToken.None));
        await tracker.ForgetStoreAsync("shop-a", Midnight.AddMinutes(15), CancellationToken.None);
        Assert.Empty(await tracker.StoresAsync(CancellationToken.None));
        Assert.Null(await tracker.BeginJudgementAsync("shop-b", CancellationToken.None));
    }

    [Fact]
    public async Task HoldLeaseAsync_OneEvaluatorAtATime_UntilTheLeaseExpires()
    {
        await using var host = await RedisTestHost.StartAsync();
        var tracker = new AgentActivityTracker(host.Connection, host.Options, _ => Defaults);

        Assert.True(await tracker.HoldLeaseAsync("w-1", TimeSpan.FromMilliseconds(600), CancellationToken.None));
        Assert.False(await tracker.HoldLeaseAsync("w-2", TimeSpan.FromMilliseconds(600), CancellationToken.None));
        Assert.True(await tracker.HoldLeaseAsync("w-1", TimeSpan.FromMilliseconds(600), CancellationToken.None));
        // w-1 died: its lease runs out (polled, bounded, so a slow machine does not make this flaky).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await tracker.HoldLeaseAsync("w-2", TimeSpan.FromSeconds(30), CancellationToken.None) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(await tracker.HoldLeaseAsync("w-2", TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.False(await tracker.HoldLeaseAsync("w-1", TimeSpan.FromMilliseconds(600), CancellationToken.None));

        // A worker that stops hands the lease over at once; releasing someone else's lease does nothing.
        await tracker.ReleaseLeaseAsync("w-1", CancellationToken.None);
        Assert.False(await tracker.HoldLeaseAsync("w-3", TimeSpan.FromSeconds(10), CancellationToken.None));
        await tracker.ReleaseLeaseAsync("w-2", CancellationToken.None);
        Assert.True(await tracker.HoldLeaseAsync("w-3", TimeSpan.FromSeconds(10), CancellationToken.None));
    }
}
