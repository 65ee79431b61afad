using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.AgentResponseRate;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Core.Tests.AgentResponseRate;

/// <summary>The 3-minute manual response rate option of agent_response_rate_low: table of turns, config, alert, pipeline facts.</summary>
public sealed class ManualResponseRateTests
{
    /// <summary>10:00 Beijing time, inside the default 08:00–23:00 window.</summary>
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly AgentResponseRateOptions On = new() { Enabled = true, MinManualResponseRate = 0.8 };

    private static AgentActivity Wait(string id, double at, double? answeredAfter, string conversation = "c-1")
        => answeredAfter is { } a
            ? new("shop-a", "agent-7", conversation, AgentActivityKind.WaitAnswered, id, T0.AddSeconds(at), 1, TimeSpan.FromSeconds(a), T0.AddSeconds(at + a))
            : new("shop-a", "agent-7", conversation, AgentActivityKind.WaitUnanswered, id, T0.AddSeconds(at), 1);

    private static AgentActivity Human(string id, double at, string conversation = "c-1")
        => new("shop-a", "agent-7", conversation, AgentActivityKind.AgentMessage, id, T0.AddSeconds(at));

    private static AgentActivity Bot(string id, double at, string conversation = "c-1")
        => new("shop-a", "agent-7", conversation, AgentActivityKind.BotReply, id, T0.AddSeconds(at));

    /// <summary>Scripts of one agent's facts and the (turns, in time) the measure must give over [T0, T0 + 30 min).</summary>
    public static TheoryData<string, AgentActivity[], int, int> Cases() => new()
    {
        { "human reply at 60 s", [Wait("w1", 0, 60), Human("h1", 60)], 1, 1 },
        { "human reply at exactly 180 s counts", [Wait("w1", 0, 180), Human("h1", 180)], 1, 1 },
        { "human reply at 181 s is late", [Wait("w1", 0, 181), Human("h1", 181)], 1, 0 },
        { "bot reply at 5 s, human at 400 s: the bot's reply counts", [Bot("b1", 5), Wait("w1", 0, 400), Human("h1", 400)], 1, 1 },
        { "bot reply at 200 s, human at 400 s: both late", [Bot("b1", 200), Wait("w1", 0, 400), Human("h1", 400)], 1, 0 },
        { "bot reply before the turn started does not answer it", [Bot("b1", -10), Wait("w1", 0, 400), Human("h1", 400)], 1, 0 },
        { "bot answers, human never replies in this turn but did earlier", [Human("h0", -100), Bot("b1", 30), Wait("w1", 0, null)], 1, 1 },
        { "conversation handled wholly by a bot is left out", [Bot("b1", 3), Wait("w1", 0, null)], 0, 0 },
        { "wholly bot, several turns: all left out", [Bot("b1", 3), Wait("w1", 0, null), Bot("b2", 63), Wait("w2", 60, null)], 0, 0 },
        { "unanswered turn with a human elsewhere in the conversation: counted, late", [Human("h0", -300), Wait("w1", 0, null)], 1, 0 },
        { "bot reply after the next turn started belongs to the next", [Human("h0", -300), Wait("w1", 0, null), Wait("w2", 100, 300), Human("h2", 400), Bot("b1", 120)], 2, 1 },
        { "turn before the daily window is not counted", [Wait("w1", -3 * 3600, 60), Human("h1", -3 * 3600 + 60)], 0, 0 },
        { "turn after 23:00 is not counted", [Wait("w1", 13 * 3600 + 60, 10), Human("h1", 13 * 3600 + 70)], 0, 0 },
        { "two conversations, one late one in time", [Wait("w1", 0, 20, "c-1"), Human("h1", 20, "c-1"), Wait("w2", 60, 500, "c-2"), Human("h2", 560, "c-2")], 2, 1 },
        { "human reply later than the settle time counts as none", [Wait("w1", 0, 2000), Human("h1", 2000), Human("h0", -5)], 1, 0 },
        { "bot reply later than the settle time does not count", [Human("h0", -5), Bot("b1", 1790 + 250), Wait("w1", 1790, null)], 1, 0 },
        { "a wait reported unanswered and answered later is one turn", [Wait("w1", 0, null), Wait("w1", 0, 200), Human("h1", 200)], 1, 0 },
        { "wait outside the rolling window is not counted", [Wait("w1", -60, 10), Human("h1", -50)], 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Measure_CountsTurnsAndRepliesInTime(string what, AgentActivity[] facts, int turns, int inTime)
    {
        var daily = new AgentResponseRateOptions { Enabled = true, MinManualResponseRate = 0.8 };
        var m = ManualResponseRate.Measure(facts, T0, T0.AddMinutes(30), daily);
        Assert.True((turns, inTime) == (m.Turns, m.InTime), $"{what}: turns {m.Turns}, in time {m.InTime}");
        // Order-free: the same facts reversed give the same measure.
        var reversed = ManualResponseRate.Measure(facts.Reverse(), T0, T0.AddMinutes(30), daily);
        Assert.Equal(m.Late, reversed.Late);
        Assert.Equal(m.Turns - m.InTime, m.Late.Count);
    }

    [Fact]
    public void Measure_AllDayWindow_CountsNightTurnsToo()
    {
        var allDay = new AgentResponseRateOptions { Enabled = true, MinManualResponseRate = 0.8, ManualResponseOpens = "", ManualResponseCloses = "" };
        Assert.Empty(allDay.Validate("x"));
        var night = new[] { Wait("w1", -8 * 3600, 30), Human("h1", -8 * 3600 + 30) };
        Assert.Equal(1, ManualResponseRate.Measure(night, T0.AddHours(-9), T0, allDay).Turns);
        Assert.Equal(0, ManualResponseRate.Measure(night, T0.AddHours(-9), T0, On).Turns);
    }

    [Fact]
    public void Off_TheMeasureIsNotTakenAndTheAlertHasNoManualFields()
    {
        var facts = ManyTurns(12, late: 12);
        var s = AgentResponseRates.Measure(facts, T0, T0.AddMinutes(30), new AgentResponseRateOptions { Enabled = true, MinResponseRate = 0, MinReplyRate = 0, MinAnswerRatio = 0 });
        Assert.Null(s.Manual);
        Assert.Null(s.ManualResponseRate);
    }

    /// <summary>n turns a minute apart from T0, each in its own conversation: the first <paramref name="late"/> answered by a human at 200 s (within 30 s by counted time otherwise).</summary>
    private static List<AgentActivity> ManyTurns(int n, int late, bool botHelps = false)
    {
        var facts = new List<AgentActivity>();
        for (var i = 0; i < n; i++)
        {
            var at = i * 60.0;
            var after = i < late ? 200 : 20;
            facts.Add(Wait($"w{i}", at, after, $"c-{i}"));
            facts.Add(Human($"h{i}", at + after, $"c-{i}"));
            if (botHelps) facts.Add(Bot($"b{i}", at + 2, $"c-{i}"));
        }
        return facts;
    }

    [Fact]
    public void Alert_ManualRateBelowTarget_NamesItInSummaryBelowAndEvidence()
    {
        // Only the manual measure is on, so the alert is about it alone.
        var options = new AgentResponseRateOptions { Enabled = true, MinResponseRate = 0, MinReplyRate = 0, MinAnswerRatio = 0, MinManualResponseRate = 0.8 };
        var aggregator = new AgentResponseRateAggregator(_ => options, null, new FakeTimeProvider(T0));
        aggregator.Observe(ManyTurns(12, late: 4));
        var alert = Assert.Single(aggregator.AdvanceTo(T0.AddMinutes(30).AddSeconds(240)));
        Assert.Equal("agent_response_rate_low", alert.Rule);
        Assert.Contains("3分钟人工响应率", alert.Summary, StringComparison.Ordinal);
        Assert.Equal("manual_response_rate", Assert.Single(alert.Evidence!["below"]!.AsArray())!.GetValue<string>());
        // The earliest low point: 00:10 past T0, the first 10 turns in its window, 4 of them late.
        Assert.Equal(T0.AddMinutes(10), alert.EventTime);
        Assert.Equal(10, alert.Evidence["manualTurns"]!.GetValue<int>());
        Assert.Equal(6, alert.Evidence["manualAnsweredInTime"]!.GetValue<int>());
        Assert.Equal(0.6, alert.Evidence["manualResponseRate"]!.GetValue<double>());
        Assert.Equal(["w0", "w1", "w2", "w3"], alert.MessageIds);
    }

    [Fact]
    public void Alert_AssistingBotRepliesInTime_KeepTheRateUp()
    {
        var options = new AgentResponseRateOptions { Enabled = true, MinResponseRate = 0, MinReplyRate = 0, MinAnswerRatio = 0, MinManualResponseRate = 0.8 };
        var aggregator = new AgentResponseRateAggregator(_ => options, null, new FakeTimeProvider(T0));
        aggregator.Observe(ManyTurns(12, late: 12, botHelps: true));
        Assert.Empty(aggregator.AdvanceTo(T0.AddHours(2)));
    }

    [Fact]
    public void Alert_TooFewTurns_NoAlert()
    {
        var options = new AgentResponseRateOptions { Enabled = true, MinResponseRate = 0, MinReplyRate = 0, MinAnswerRatio = 0, MinManualResponseRate = 0.8 };
        var aggregator = new AgentResponseRateAggregator(_ => options, null, new FakeTimeProvider(T0));
        aggregator.Observe(ManyTurns(9, late: 9));
        Assert.Empty(aggregator.AdvanceTo(T0.AddHours(2)));
    }

    [Theory]
    [InlineData("MinManualResponseRate", "1.5", "Rules:AgentResponseRate:MinManualResponseRate")]
    [InlineData("MinManualResponseRate", "-0.1", "Rules:AgentResponseRate:MinManualResponseRate")]
    [InlineData("ManualResponseSeconds", "0", "Rules:AgentResponseRate:ManualResponseSeconds")]
    [InlineData("ManualResponseOpens", "8点", "Rules:AgentResponseRate:ManualResponseOpens")]
    [InlineData("ManualResponseCloses", "25:00", "Rules:AgentResponseRate:ManualResponseCloses")]
    [InlineData("ManualResponseCloses", "08:00", "Rules:AgentResponseRate:ManualResponseCloses")]
    [InlineData("ManualResponseCloses", "", "Rules:AgentResponseRate:ManualResponseCloses")]
    [InlineData("ManualResponseTimeZone", "Mars/Olympus", "Rules:AgentResponseRate:ManualResponseTimeZone")]
    public void Config_BadManualSetting_IsRefusedWithItsPath(string field, string value, string path)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create($"Rules:AgentResponseRate:{field}", (string?)value)]).Build();
        var built = RulesSnapshotBuilder.Build(config);
        Assert.Null(built.Snapshot);
        Assert.Contains(built.Problems, p => p.Path == path);
    }

    [Fact]
    public void Config_PerStoreManualRate_IsBound()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([
            KeyValuePair.Create("Rules:Stores:shop-b:AgentResponseRate:Enabled", (string?)"true"),
            KeyValuePair.Create("Rules:Stores:shop-b:AgentResponseRate:MinManualResponseRate", (string?)"0.85"),
            KeyValuePair.Create("Rules:Stores:shop-b:AgentResponseRate:ManualResponseOpens", (string?)"09:00"),
        ]).Build();
        var built = RulesSnapshotBuilder.Build(config);
        Assert.True(built.Snapshot is not null, string.Join("; ", built.Problems));
        var b = built.Snapshot!.ForShop("shop-b").AgentResponseRate;
        Assert.Equal(0.85, b.MinManualResponseRate);
        Assert.Equal("09:00", b.ManualResponseOpens);
        Assert.Equal("23:00", b.ManualResponseCloses);
        Assert.Equal(0, built.Snapshot.ForShop("shop-a").AgentResponseRate.MinManualResponseRate);
    }

    private static ChatMessage Msg(string id, SenderKind sender, double at, string text)
        => new()
        {
            MessageId = id, ConversationId = "c1", ShopId = "shop-a", Sender = sender,
            SenderId = sender switch { SenderKind.Buyer => "b-1", SenderKind.Bot => "bot-shop-a", _ => "agent-7" }, AgentId = "agent-7",
            Text = text, SentAt = T0.AddSeconds(at), Event = ChatEventKind.Message,
        };

    [Theory]
    [InlineData("0.8", 1)]
    [InlineData("0", 0)]
    public void Pipeline_EmitsBotReplies_OnlyWhenTheManualRateIsOn(string target, int botFacts)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([
            KeyValuePair.Create("Rules:AgentResponseRate:Enabled", (string?)"true"),
            KeyValuePair.Create("Rules:AgentResponseRate:MinManualResponseRate", (string?)target),
        ]).Build();
        var pipeline = new PartitionPipeline(new FixedRulesSource(RulesSnapshotBuilder.Build(config).Snapshot!), TimeProvider.System);
        var alerts = new List<Alert>();
        pipeline.Process(Msg("m1", SenderKind.Buyer, 0, "这个有货吗？"), alerts);
        pipeline.Process(Msg("m2", SenderKind.Bot, 2, "亲，有货的哦，48小时内发货"), alerts);
        pipeline.Process(Msg("m3", SenderKind.Agent, 200, "亲亲在的，有货呢"), alerts);
        var facts = new List<AgentActivity>();
        pipeline.DrainActivity(facts);
        var bots = facts.Where(f => f.Kind == AgentActivityKind.BotReply).ToList();
        Assert.Equal(botFacts, bots.Count);
        if (botFacts == 1)
        {
            Assert.Equal(new AgentActivity("shop-a", "agent-7", "c1", AgentActivityKind.BotReply, "m2", T0.AddSeconds(2)), bots[0]);
            Assert.Equal("m2", bots[0].FactId);
            // The turn (unanswered at its 180 s deadline, then answered by the human at 200 s: one turn), with
            // the assisting bot's reply at 2 s as its first valid reply.
            var m = ManualResponseRate.Measure(facts, T0, T0.AddMinutes(30), new AgentResponseRateOptions { Enabled = true, MinManualResponseRate = 0.8 });
            Assert.Equal((1, 1), (m.Turns, m.InTime));
        }
    }
}
