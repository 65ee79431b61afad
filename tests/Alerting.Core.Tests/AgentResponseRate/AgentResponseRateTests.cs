using Alerting.Core.Alerts;
using Alerting.Core.Rules.AgentResponseRate;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Core.Tests.AgentResponseRate;

public sealed class AgentResponseRateTests
{
    /// <summary>2026-11-11 00:00 Beijing time: a 30-minute fixed window starts here.</summary>
    private static readonly DateTimeOffset Midnight = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly AgentResponseRateOptions Defaults = new() { Enabled = true };

    private static AgentActivity Answered(string id, DateTimeOffset at, double waitSeconds, string agent = "agent-07", int buyerMessages = 1, string conversation = "c-1")
        => new("shop-a", agent, conversation, AgentActivityKind.WaitAnswered, id, at, buyerMessages, TimeSpan.FromSeconds(waitSeconds));

    private static AgentActivity Unanswered(string id, DateTimeOffset at, string agent = "agent-07", int buyerMessages = 1, string conversation = "c-1")
        => new("shop-a", agent, conversation, AgentActivityKind.WaitUnanswered, id, at, buyerMessages);

    private static AgentActivity Said(string id, DateTimeOffset at, string agent = "agent-07", string conversation = "c-1")
        => new("shop-a", agent, conversation, AgentActivityKind.AgentMessage, id, at);

    /// <summary>n waits a minute apart from <paramref name="start"/>, the first <paramref name="slow"/> answered in 60 s, the rest in 10 s; each answered by two agent messages.</summary>
    private static List<AgentActivity> Shift(DateTimeOffset start, int n, int slow, string agent = "agent-07", string prefix = "b")
    {
        var facts = new List<AgentActivity>();
        for (var i = 0; i < n; i++)
        {
            var at = start.AddMinutes(i);
            facts.Add(Answered($"{prefix}-{i}", at, i < slow ? 60 : 10, agent, conversation: $"c-{i}"));
            facts.Add(Said($"{prefix}-{i}-r1", at.AddSeconds(i < slow ? 60 : 10), agent, $"c-{i}"));
            facts.Add(Said($"{prefix}-{i}-r2", at.AddSeconds(70), agent, $"c-{i}"));
        }
        return facts;
    }

    private static AgentResponseRateAggregator Aggregator(AgentResponseRateOptions? options = null, Func<string, DateTimeOffset, bool>? open = null)
        => new(_ => options ?? Defaults, open, new FakeTimeProvider(Midnight));

    [Fact]
    public void Measure_CountsWaitsAnswersInTimeAndMessagesWithinHalfOpenWindow()
    {
        var facts = new[]
        {
            Answered("w1", Midnight, 30), Answered("w2", Midnight.AddMinutes(1), 31, buyerMessages: 3),
            Unanswered("w3", Midnight.AddMinutes(2), buyerMessages: 2), Said("m1", Midnight.AddSeconds(30)),
            Said("m2", Midnight.AddMinutes(30)), Answered("w4", Midnight.AddMinutes(-1), 1),
        };

        var s = AgentResponseRates.Measure(facts, Midnight, Midnight.AddMinutes(30), Defaults);

        Assert.Equal(new AgentWindowStats(Waits: 3, Answered: 2, AnsweredInTime: 1, AgentMessages: 1, BuyerMessages: 6), s);
        Assert.Equal(1.0 / 3, s.ResponseRate!.Value, 6);
        Assert.Equal(2.0 / 3, s.ReplyRate!.Value, 6);
        Assert.Equal(1.0 / 6, s.AnswerRatio!.Value, 6);
    }

    [Fact]
    public void Merge_AnsweredBeatsUnansweredInEitherOrderAndIsIdempotent()
    {
        var late = Answered("w1", Midnight, 200);
        var missed = Unanswered("w1", Midnight);

        Assert.Equal(late, AgentActivity.Merge(late, missed));
        Assert.Equal(late, AgentActivity.Merge(missed, late));
        Assert.Equal(late, AgentActivity.Merge(late, late));
        Assert.Equal(late.FactId, missed.FactId);
        Assert.Equal("w:c-1:w1", late.FactId);
    }

    [Fact]
    public void AdvanceTo_ResponseRateBelowTarget_OneAlertPerAgentPerFixedWindowAtEarliestLowPoint()
    {
        var aggregator = Aggregator();
        // 12 waits a minute apart from 00:00, the first 3 slow: low as soon as ≥ 10 waits are in a rolling window.
        aggregator.Observe(Shift(Midnight, 12, 3));

        var raised = aggregator.AdvanceTo(Midnight.AddMinutes(30).AddSeconds(240));

        var alert = Assert.Single(raised);
        Assert.Equal("agent_response_rate_low", alert.Rule);
        Assert.Equal(AlertIds.ForGroup("agent_response_rate_low", "shop-a", "agent-07", Midnight), alert.AlertId);
        Assert.Equal("agent-07", alert.AgentId);
        Assert.Equal(Severity.Medium, alert.Severity);
        Assert.Equal(Midnight.AddMinutes(10), alert.EventTime); // 00:10: window [23:40, 00:10) holds waits 00:00…00:09, 3 slow = 70%
        Assert.Equal(["b-0", "b-1", "b-2"], alert.MessageIds);
        Assert.Equal("c-0", alert.ConversationId);
        Assert.Equal(["response_rate"], alert.Evidence["below"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(10, (int?)alert.Evidence["waits"]);
        Assert.Equal(0.7, (double?)alert.Evidence["responseRate"]);
        Assert.Equal("2026-11-10T23:40:00.000+08:00", (string?)alert.Evidence["windowStart"]);
        Assert.Equal("客服agent-07近30分钟服务指标偏低：30秒应答率70%（目标80%）", alert.Summary);
    }

    [Fact]
    public void AdvanceTo_StillLowInNextFixedWindow_AlertsAgainWithNewId()
    {
        var aggregator = Aggregator();
        aggregator.Observe(Shift(Midnight, 12, 3));
        var first = Assert.Single(aggregator.AdvanceTo(Midnight.AddMinutes(31)));

        aggregator.Observe(Shift(Midnight.AddMinutes(30), 12, 6, prefix: "n"));
        var second = Assert.Single(aggregator.AdvanceTo(Midnight.AddHours(2)));

        Assert.NotEqual(first.AlertId, second.AlertId);
        Assert.Equal(AlertIds.ForGroup("agent_response_rate_low", "shop-a", "agent-07", Midnight.AddMinutes(30)), second.AlertId);
    }

    [Fact]
    public void AdvanceTo_BeforeSettleTime_EvaluatesNothingYet()
    {
        var aggregator = Aggregator();
        aggregator.Observe(Shift(Midnight, 12, 3));

        Assert.Empty(aggregator.AdvanceTo(Midnight.AddMinutes(10).AddSeconds(239)));
        Assert.Single(aggregator.AdvanceTo(Midnight.AddMinutes(10).AddSeconds(240)));
    }

    [Fact]
    public void AdvanceTo_FewerWaitsThanMinimum_NoAlertEvenIfAllSlow()
    {
        var aggregator = Aggregator();
        aggregator.Observe(Shift(Midnight, 9, 9));

        Assert.Empty(aggregator.AdvanceTo(Midnight.AddHours(2)));
    }

    [Fact]
    public void AdvanceTo_ReplyRateAndAnswerRatioLow_BothNamed()
    {
        var aggregator = Aggregator(new AgentResponseRateOptions { Enabled = true, MinResponseRate = 0 });
        var facts = Enumerable.Range(0, 10).Select(i => i < 2 ? Unanswered($"u-{i}", Midnight.AddMinutes(i), buyerMessages: 2) : Answered($"a-{i}", Midnight.AddMinutes(i), 5)).ToList<AgentActivity>();
        facts.AddRange(Enumerable.Range(0, 8).Select(i => Said($"r-{i}", Midnight.AddMinutes(i).AddSeconds(5))));
        aggregator.Observe(facts);

        var alert = Assert.Single(aggregator.AdvanceTo(Midnight.AddHours(1)));

        Assert.Equal(["reply_rate", "answer_ratio"], alert.Evidence["below"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["u-0", "u-1"], alert.MessageIds);
        Assert.Equal("客服agent-07近30分钟服务指标偏低：回复率80%（目标95%），答问比0.67（目标1.00）", alert.Summary);
    }

    [Fact]
    public void AdvanceTo_StoreClosedAtEvaluationPoints_NoAlert()
    {
        var aggregator = Aggregator(open: (_, t) => t >= Midnight.AddHours(8));
        aggregator.Observe(Shift(Midnight, 12, 6));

        Assert.Empty(aggregator.AdvanceTo(Midnight.AddHours(2)));
    }

    [Fact]
    public void AdvanceTo_AgentsJudgedSeparately()
    {
        var aggregator = Aggregator();
        aggregator.Observe([.. Shift(Midnight, 12, 3, "agent-01", "x"), .. Shift(Midnight, 12, 0, "agent-02", "y")]);

        var alert = Assert.Single(aggregator.AdvanceTo(Midnight.AddHours(1)));

        Assert.Equal("agent-01", alert.AgentId);
    }

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Observe_AnyOrderSplitAndRedelivery_SameAlerts(int seed)
    {
        var facts = new List<AgentActivity>();
        facts.AddRange(Shift(Midnight, 25, 5, "agent-01", "x"));
        facts.AddRange(Shift(Midnight.AddMinutes(3), 20, 9, "agent-02", "y"));
        // A wait first reported unanswered, answered late by the same agent (from another partition's view).
        facts.Add(Unanswered("late", Midnight.AddMinutes(4), "agent-02", conversation: "c-z"));
        facts.Add(Answered("late", Midnight.AddMinutes(4), 400, "agent-02", conversation: "c-z"));
        var reference = Aggregator();
        reference.Observe(facts);
        var expected = reference.AdvanceTo(Midnight.AddHours(3)).Select(a => AlertJson.ToJson(a)).ToList();

        var random = new Random(seed);
        var shuffled = facts.OrderBy(_ => random.Next()).ToList();
        var aggregator = Aggregator();
        for (var i = 0; i < shuffled.Count; i += 7)
        {
            var slice = shuffled.Skip(i).Take(7).ToList();
            aggregator.Observe(slice);
            if (random.Next(3) == 0) aggregator.Observe(slice);
        }
        var actual = aggregator.AdvanceTo(Midnight.AddHours(3)).Select(a => AlertJson.ToJson(a)).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void AlertFor_LaterCallInSameFixedWindow_ReturnsTheSameAlert()
    {
        var facts = Shift(Midnight, 12, 3);

        var atFirst = AgentResponseRates.AlertFor("shop-a", "agent-07", facts, Midnight.AddMinutes(10), Defaults, _ => true, Midnight);
        var later = AgentResponseRates.AlertFor("shop-a", "agent-07", facts, Midnight.AddMinutes(30), Defaults, _ => true, Midnight);

        Assert.NotNull(atFirst);
        Assert.Equal(AlertJson.ToJson(atFirst), AlertJson.ToJson(later!));
    }

    [Theory]
    [InlineData(nameof(AgentResponseRateOptions.WindowMinutes), 2880)]
    [InlineData(nameof(AgentResponseRateOptions.StepMinutes), 7)]
    [InlineData(nameof(AgentResponseRateOptions.MinResponseRate), 1.5)]
    [InlineData(nameof(AgentResponseRateOptions.MinReplyRate), -0.1)]
    [InlineData(nameof(AgentResponseRateOptions.MinAnswerRatio), -1)]
    [InlineData(nameof(AgentResponseRateOptions.MinWaits), 0)]
    [InlineData(nameof(AgentResponseRateOptions.ResponseSeconds), 0)]
    [InlineData(nameof(AgentResponseRateOptions.SettleSeconds), -1)]
    public void Validate_BadValue_NamesThePath(string field, double value)
    {
        var o = new AgentResponseRateOptions();
        var property = typeof(AgentResponseRateOptions).GetProperty(field)!;
        property.SetValue(o, property.PropertyType == typeof(int) ? (object)(int)value : value);

        var problem = Assert.Single(o.Validate("Rules:AgentResponseRate"));

        Assert.Equal($"Rules:AgentResponseRate:{field}", problem.Path);
        Assert.Empty(new AgentResponseRateOptions().Validate("Rules:AgentResponseRate"));
    }

    [Fact]
    public void Measure_AReplyAfterTheSettleTime_CountsAsUnanswered_WhicheverVersionIsStored()
    {
        // Settle 240 s: at E = 00:30 a reply counts if it came by 00:34.
        var e = Midnight.AddMinutes(30);
        var justInTime = Answered("w1", Midnight.AddMinutes(29), 10) with { AnsweredAt = e.AddSeconds(240) };
        var tooLate = Answered("w2", Midnight.AddMinutes(29), 600) with { AnsweredAt = e.AddSeconds(241) };
        var reportedMissed = Unanswered("w2", Midnight.AddMinutes(29));

        var withLateReply = AgentResponseRates.Measure([justInTime, tooLate], Midnight, e, Defaults);
        var beforeTheReply = AgentResponseRates.Measure([justInTime, reportedMissed], Midnight, e, Defaults);

        Assert.Equal(new AgentWindowStats(Waits: 2, Answered: 1, AnsweredInTime: 1, AgentMessages: 0, BuyerMessages: 2), withLateReply);
        Assert.Equal(beforeTheReply, withLateReply);
        // At the next point the same late reply is within the settle time and counts.
        Assert.Equal(2, AgentResponseRates.Measure([justInTime, tooLate], Midnight.AddMinutes(5), e.AddMinutes(5), Defaults).Answered);
    }

    [Fact]
    public void AlertFor_LateReplyListsTheWaitAsFailing_SameAlertAsWithTheUnansweredVersion()
    {
        var o = new AgentResponseRateOptions { Enabled = true, MinResponseRate = 0, MinAnswerRatio = 0, MinReplyRate = 0.95, MinWaits = 10 };
        var facts = Shift(Midnight, 10, 0).Where(f => f.Kind != AgentActivityKind.AgentMessage).ToList();
        var lateVersion = facts.Select(f => f.MessageId == "b-9" ? f with { Wait = TimeSpan.FromMinutes(20), AnsweredAt = f.At.AddMinutes(20) } : f).ToList();
        var missedVersion = facts.Select(f => f.MessageId == "b-9" ? new AgentActivity(f.ShopId, f.AgentId, f.ConversationId, AgentActivityKind.WaitUnanswered, f.MessageId, f.At, f.BuyerMessages) : f).ToList();

        var late = AgentResponseRates.AlertFor("shop-a", "agent-07", lateVersion, Midnight.AddMinutes(10), o, _ => true, Midnight);
        var missed = AgentResponseRates.AlertFor("shop-a", "agent-07", missedVersion, Midnight.AddMinutes(10), o, _ => true, Midnight);

        Assert.NotNull(late);
        Assert.Equal(AlertJson.ToJson(missed!), AlertJson.ToJson(late));
        Assert.Equal(["b-9"], late.MessageIds);
    }
}
