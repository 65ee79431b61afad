using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Rules.ResponseWarning;
using Alerting.Core.Tests.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using static Alerting.Core.Tests.ResponseWarning.ResponseWarningCasesTests;

namespace Alerting.Core.Tests.ResponseWarning;

/// <summary><c>response_warning</c>: options, registration, checkpoint and codec, hot reload, the late path and the resolution reasons.</summary>
public sealed class ResponseWarningRuleTests
{
    private const string Rule = ResponseWarningRule.RuleName;

    [Fact]
    public void OffByDefault_Registered_AndInTheCatalog()
    {
        Assert.DoesNotContain(RulesSnapshot.BuiltInDefaults().Defaults.Rules, r => r is ResponseWarningRule);
        Assert.Contains(new ChatScript(On).Rules.Defaults.Rules, r => r is ResponseWarningRule);
        var row = RuleCatalog.Find(Rule);
        Assert.NotNull(row);
        Assert.Equal(Severity.Low, row.DefaultSeverity);
        Assert.Equal("即将超时预警", RuleCatalog.ChineseLabel(Rule));
    }

    [Theory]
    [InlineData("ShareOfThreshold", "0", "Rules:ResponseWarning:ShareOfThreshold")]
    [InlineData("ShareOfThreshold", "1", "Rules:ResponseWarning:ShareOfThreshold")]
    [InlineData("ShareOfThreshold", "-0.5", "Rules:ResponseWarning:ShareOfThreshold")]
    [InlineData("ShareOfThreshold", "NaN", "Rules:ResponseWarning:ShareOfThreshold")]
    [InlineData("Severity", "urgent", "Rules:ResponseWarning:Severity")]
    [InlineData("Share", "0.5", "Rules:ResponseWarning:Share")]
    public void Config_BadValue_IsRefusedWithItsPath(string field, string value, string path)
    {
        var built = RulesSnapshotBuilder.Build(new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create($"Rules:ResponseWarning:{field}", (string?)value)]).Build());
        Assert.Null(built.Snapshot);
        Assert.Contains(built.Problems, p => p.Path == path);
    }

    [Fact]
    public void Config_PerStore_ShareAndSeverity_AndFirstResponseThreshold()
    {
        // shop-a warns at half of a 60 s first-response threshold, as high; shop-b keeps the global defaults.
        var config = new[]
        {
            On, ("Rules:Stores:shop-a:ResponseWarning:ShareOfThreshold", "0.5"), ("Rules:Stores:shop-a:ResponseWarning:Severity", "high"),
            ("Rules:Stores:shop-a:SlowResponse:FirstResponseThresholdSeconds", "60"),
        };
        var chat = new ChatScript(config);
        chat.Send(ChatScript.Msg("a1", SenderKind.Buyer, 0, "在吗？", "c1"));
        chat.Send(ChatScript.Msg("b1", SenderKind.Buyer, 0, "在吗？", "c9", shop: "shop-b"));
        chat.ClockTo(29);
        Assert.Equal(["b1"], chat.Of(Rule).Select(a => a.MessageIds[0]));
        chat.ClockTo(31);
        var a = Assert.Single(chat.Of(Rule), x => x.ShopId == "shop-a");
        Assert.Equal(Severity.High, a.Severity);
        Assert.Equal(ChatScript.Origin.AddSeconds(30), a.EventTime);
        Assert.Equal(60, a.Evidence!["thresholdSeconds"]!.GetValue<double>());
    }

    [Fact]
    public void Timer_FiresAtTheWarningPoint_WithTheOwnerAndEvidence()
    {
        var chat = Run("B@0:在吗？有货吗\nB@5:？？\nW@21", On);
        var w = Assert.Single(chat.Of(Rule));
        Assert.Equal(AlertStatus.Firing, w.Status);
        Assert.Equal(ChatScript.Origin.AddSeconds(20.01), w.EventTime);
        Assert.Equal("agent-1", w.AgentId);
        Assert.Equal("timer", w.Evidence!["firedBy"]!.GetValue<string>());
        Assert.Equal(2, w.Evidence["buyerMessages"]!.GetValue<int>());
        Assert.Contains("买家已等待20秒", w.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplyPastTheWarningPoint_BeforeTheClockReachedIt_RaisesAndResolvesInOneRecord()
    {
        // Reply at 24 s: the clock (24 − 5 s disorder) has not reached 20.01 s, so the timer has not fired.
        var chat = Run("B@0:在吗\nA@24:在的亲", On);
        var both = chat.Of(Rule).ToList();
        Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], both.Select(a => a.Status));
        Assert.Equal("late", both[0].Evidence!["firedBy"]!.GetValue<string>());
        Assert.Equal(ChatScript.Origin.AddSeconds(20.01), both[0].EventTime);
        // The same alert id and event time as when the timer fired first.
        var timed = Run("B@0:在吗\nW@21\nA@24:在的亲", On).Of(Rule).ToList();
        Assert.Equal(both.Select(a => (a.AlertId, a.Status, a.EventTime)), timed.Select(a => (a.AlertId, a.Status, a.EventTime)));
    }

    [Fact]
    public void Superseded_NamesTheSlowResponseAlert_AndWithSlowResponseOffStillSaysSuperseded()
    {
        var chat = Run("B@0:在吗\nA@45:在的亲", On);
        var end = Assert.Single(chat.Of(Rule), a => a.Status == AlertStatus.Resolved);
        var slow = Assert.Single(chat.Of("slow_response"));
        Assert.Equal(slow.AlertId, end.Evidence!["supersededBy"]!.GetValue<string>());
        Assert.Contains("预警转为回复超时", end.Summary, StringComparison.Ordinal);

        var noSlow = Run("B@0:在吗\nA@45:在的亲", On, ("Rules:SlowResponse:Enabled", "false"));
        Assert.Empty(noSlow.Of("slow_response"));
        var end2 = Assert.Single(noSlow.Of(Rule), a => a.Status == AlertStatus.Resolved);
        Assert.Equal("superseded", end2.Evidence!["reason"]!.GetValue<string>());
        Assert.Null(end2.Evidence["supersededBy"]);
    }

    [Fact]
    public void Checkpoint_WarnedWait_RestoredOwnerResolvesIt_AndAWaitingOneStillWarns()
    {
        var first = Run("B@0#c1:在吗\nB@30#c2:有人吗\nW@25", On);
        Assert.Single(first.Of(Rule));
        var (changed, _) = first.Pipeline.TakeChanges();
        var saved = changed.ToDictionary(s => s.ConversationId, ConversationStateCodec.Encode);
        Assert.Equal(4, saved["c1"][0]);
        Assert.InRange(saved["c2"][0], (byte)1, (byte)3); // no open warning: an older format

        var second = new ChatScript(On);
        second.Pipeline.Restore(saved.Values.Select(ConversationStateCodec.Decode));
        Assert.Equal("m1", second.Pipeline.Conversations.Single(c => c.ConversationId == "c1").WarnedMessageId);
        second.Send(ChatScript.Msg("m9", SenderKind.Agent, 40, "在的亲", "c1"));
        var end = Assert.Single(second.Of(Rule));
        Assert.Equal(AlertStatus.Resolved, end.Status);
        Assert.Equal(ResponseWarningRule.AlertIdFor("c1", "m1"), end.AlertId);
        // c2's timer was re-armed on restore: it fires as the clock moves on.
        second.ClockTo(60);
        Assert.Single(second.Of(Rule), a => a.ConversationId == "c2" && a.Status == AlertStatus.Firing);
    }

    [Fact]
    public void Codec_V4_RoundTripsTheWarning_AndOlderVersionsStillLoad()
    {
        var state = new ConversationState { ConversationId = "c", ShopId = "s", FirstWaitingMessageId = "m1", WaitingSince = ChatScript.Origin, WaitingCount = 1, WarnedMessageId = "m1" };
        var v4 = ConversationStateCodec.Encode(state);
        Assert.Equal(4, v4[0]);
        Assert.Equal("m1", ConversationStateCodec.Decode(v4).WarnedMessageId);
        state.RepeatedReplies = new Rules.RepeatedReply.RepeatedReplyState { LastReplyHash = 42 };
        var both = ConversationStateCodec.Decode(ConversationStateCodec.Encode(state));
        Assert.Equal("m1", both.WarnedMessageId);
        Assert.Equal(42UL, both.RepeatedReplies!.LastReplyHash);
        // Without an open warning the older versions are written, and read back without one.
        state.WarnedMessageId = null;
        var v3 = ConversationStateCodec.Encode(state);
        Assert.Equal(3, v3[0]);
        Assert.Null(ConversationStateCodec.Decode(v3).WarnedMessageId);
        state.RepeatedReplies = null;
        Assert.Equal(1, ConversationStateCodec.Encode(state)[0]);
        // A version-3 record claiming the warning part is refused (that part exists only from version 4).
        v4[0] = 3;
        Assert.Throws<InvalidDataException>(() => ConversationStateCodec.Decode(v4));
    }

    [Fact]
    public void Memento_CopiesTheWarnedMessage()
    {
        var state = new ConversationState { ConversationId = "c", ShopId = "s", WarnedMessageId = "m1" };
        var saved = state.Save();
        state.WarnedMessageId = null;
        state.Restore(saved);
        Assert.Equal("m1", state.WarnedMessageId);
    }

    private sealed class SwitchableRules(RulesSnapshot first) : IRulesSource
    {
        public RulesSnapshot Current { get; set; } = first;
    }

    private static RulesSnapshot Build(params (string Key, string? Value)[] config)
        => RulesSnapshotBuilder.Build(new ConfigurationBuilder().AddInMemoryCollection(config.Select(c => KeyValuePair.Create(c.Key, c.Value))).Build()).Snapshot!;

    [Fact]
    public void HotReload_TurnedOnMidWait_WarnsFromTheNextRecord_AndTurnedOffStopsTheTimer()
    {
        var source = new SwitchableRules(Build());
        var pipeline = new PartitionPipeline(source, new FakeTimeProvider(ChatScript.Origin));
        var alerts = new List<Alert>();
        pipeline.Process(ChatScript.Msg("m1", SenderKind.Buyer, 0, "在吗"), alerts);
        source.Current = Build(On);
        pipeline.Process(ChatScript.Msg("m2", SenderKind.Buyer, 3, "？"), alerts);
        pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(21), alerts);
        Assert.Single(alerts, a => a.Rule == Rule);

        // Off again: a new wait's queued timer does not fire.
        pipeline.Process(ChatScript.Msg("m3", SenderKind.Agent, 22, "在的"), alerts);
        pipeline.Process(ChatScript.Msg("m4", SenderKind.Buyer, 30, "多少钱"), alerts);
        source.Current = Build();
        pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(100), alerts);
        Assert.DoesNotContain(alerts, a => a.Rule == Rule && a.MessageIds[0] == "m4");
    }

    [Fact]
    public void HotReload_RaisedThreshold_MovesThePendingTimer()
    {
        var source = new SwitchableRules(Build(On));
        var pipeline = new PartitionPipeline(source, new FakeTimeProvider(ChatScript.Origin));
        var alerts = new List<Alert>();
        pipeline.Process(ChatScript.Msg("m1", SenderKind.Buyer, 0, "在吗"), alerts);
        source.Current = Build(On, ("Rules:SlowResponse:FirstResponseThresholdSeconds", "90"));
        pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(30), alerts);
        Assert.Empty(alerts);
        pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(61), alerts);
        var w = Assert.Single(alerts);
        Assert.Equal(ChatScript.Origin.AddSeconds(60.03), w.EventTime);
    }

    [Fact]
    public void OneStoresClock_NeverWarnsAnotherStore()
    {
        var chat = new ChatScript(On);
        chat.Send(ChatScript.Msg("a1", SenderKind.Buyer, 0, "在吗", "c1"));
        // shop-b's records run an hour ahead: shop-a's buyer has waited 0 s of shop-a's time.
        chat.Send(ChatScript.Msg("b1", SenderKind.Buyer, 3600, "你好", "c2", shop: "shop-b"));
        chat.Send(ChatScript.Msg("b2", SenderKind.Agent, 3605, "您好", "c2", shop: "shop-b"));
        Assert.Empty(chat.Of(Rule));
    }

    [Fact]
    public void LateEarlierBuyerMessage_AfterTheWarning_RaisesNoSecondWarning()
    {
        // m3 is dated before m1 and arrives 40 s late (beyond the allowed disorder): the wait is renamed, the warning is not.
        var chat = Run("B@0:在吗\nW@25\nB@-10:？？\nW@60\nA@61:在的亲", On);
        var warnings = chat.Of(Rule).ToList();
        Assert.Single(warnings, a => a.Status == AlertStatus.Firing);
        var end = Assert.Single(warnings, a => a.Status == AlertStatus.Resolved);
        Assert.Equal(ResponseWarningRule.AlertIdFor("c1", "m1"), end.AlertId);
    }

    [Fact]
    public void WaitEndedWhileTheRuleWasOff_DoesNotHoldBackTheNextWarning()
    {
        var source = new SwitchableRules(Build(On));
        var pipeline = new PartitionPipeline(source, new FakeTimeProvider(ChatScript.Origin));
        var alerts = new List<Alert>();
        pipeline.Process(ChatScript.Msg("m1", SenderKind.Buyer, 0, "在吗"), alerts);
        pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(21), alerts);
        source.Current = Build();
        pipeline.Process(ChatScript.Msg("m2", SenderKind.Agent, 22, "在的"), alerts);
        source.Current = Build(On);
        pipeline.Process(ChatScript.Msg("m3", SenderKind.Buyer, 60, "多少钱"), alerts);
        pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(90), alerts);
        Assert.Equal(["m1", "m3"], alerts.Where(a => a.Rule == Rule && a.Status == AlertStatus.Firing).Select(a => a.MessageIds[0]));
    }
}
