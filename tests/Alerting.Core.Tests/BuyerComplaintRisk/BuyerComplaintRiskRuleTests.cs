using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.BuyerComplaintRisk;
using Alerting.Core.Tests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static Alerting.Core.Tests.TestKit.TextRuleKit;

namespace Alerting.Core.Tests.BuyerComplaintRisk;

public sealed class BuyerComplaintRiskRuleTests(ITestOutputHelper output) : IDisposable
{
    private const string Rule = BuyerComplaintRiskRule.RuleName;
    private readonly string _dir = Directory.CreateTempSubdirectory("alerting-bcr-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Evaluate_OnCrossWozUtterancesAsBuyerMessages_NoFalseAlarm()
    {
        var (_, hits) = CrossWozHits(new BuyerComplaintRiskRule(new BuyerComplaintRiskOptions()), SenderKind.Buyer, output);
        Assert.Equal(0, hits);
    }

    [Fact]
    public void Emotion_NoHumanAnswerWithinTheTime_EscalatesToHighAtTheDeadline()
    {
        var chat = new ChatScript().Buyer(0, "b1", "到底有没有人？？？").Bot(5).ClockTo(59);
        var first = Assert.Single(chat.Of(Rule));
        Assert.Equal((Severity.Medium, 0, AlertStatus.Firing), (first.Severity, first.Revision, first.Status));
        chat.ClockTo(61);
        var revisions = chat.Of(Rule).ToList();
        Assert.Equal(2, revisions.Count);
        var escalated = revisions[1];
        Assert.Equal((Severity.High, 1), (escalated.Severity, escalated.Revision));
        Assert.Equal(first.AlertId, escalated.AlertId);
        Assert.Equal(ChatScript.Origin.AddSeconds(60), escalated.EventTime);
        chat.ClockTo(600);
        Assert.Equal(2, chat.Of(Rule).Count());
    }

    [Fact]
    public void Emotion_HumanAnswersInTime_DoesNotEscalate_ALaterUnansweredSignalDoes()
    {
        var chat = new ChatScript().Buyer(0, "b1", "气死我了").Agent(20, "a1").ClockTo(200);
        Assert.Single(chat.Of(Rule));
        chat.Buyer(210, "b2", "什么态度").ClockTo(269);
        Assert.Single(chat.Of(Rule)); // same conversation, same tier: no second alert
        chat.ClockTo(271);
        Assert.Equal([0, 1], chat.Of(Rule).Select(a => a.Revision));
        Assert.Equal(ChatScript.Origin.AddSeconds(270), chat.Of(Rule).Last().EventTime);
    }

    [Fact]
    public void Threat_AfterEmotion_UpdatesTheAlertToCritical_AndDoesNotEscalateAgain()
    {
        var chat = new ChatScript().Buyer(0, "b1", "第三次问了").Buyer(10, "b2", "再不回我就投诉").ClockTo(500);
        var alerts = chat.Of(Rule).ToList();
        Assert.Equal(2, alerts.Count);
        Assert.Equal((Severity.Critical, 1), (alerts[1].Severity, alerts[1].Revision));
        Assert.Equal(["b1", "b2"], alerts[1].MessageIds);
        Assert.Equal(alerts[0].AlertId, alerts[1].AlertId);
    }

    [Fact]
    public void Close_WithResolveOnClose_ResolvesWhenTheLastBuyerMessageIsCalm_NotWhenAngry()
    {
        var calm = new ChatScript(("Rules:BuyerComplaintRisk:ResolveOnClose", "true"))
            .Buyer(0, "b1", "差评警告").Agent(10, "a1", "非常抱歉，马上给您补发").Buyer(20, "b2", "好的谢谢").Close(30);
        var resolved = calm.Of(Rule).Last();
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal(calm.Of(Rule).First().AlertId, resolved.AlertId);

        var angry = new ChatScript(("Rules:BuyerComplaintRisk:ResolveOnClose", "true")).Buyer(0, "b1", "差评警告").Agent(10, "a1").Buyer(20, "b2", "垃圾店").Close(30);
        Assert.DoesNotContain(angry.Of(Rule), a => a.Status == AlertStatus.Resolved);

        var off = new ChatScript().Buyer(0, "b1", "差评警告").Agent(10, "a1").Buyer(20, "b2", "好的").Close(30);
        Assert.DoesNotContain(off.Of(Rule), a => a.Status == AlertStatus.Resolved);
    }

    [Fact]
    public void Checkpoint_PendingEscalation_IsRestoredAndFiresOnTheNewOwner()
    {
        var first = new ChatScript().Buyer(0, "b1", "骗子吧");
        var (changed, _) = first.Pipeline.TakeChanges();
        var saved = changed.Select(ConversationStateCodec.Encode).ToList();
        Assert.Equal(2, saved[0][0]); // buyer signals only: version 2 (version 3 adds repeated_reply's state)

        var second = new ChatScript();
        second.Pipeline.Restore(saved.Select(ConversationStateCodec.Decode));
        second.ClockTo(61);
        var escalated = Assert.Single(second.Of(Rule));
        Assert.Equal((Severity.High, 1), (escalated.Severity, escalated.Revision));
        Assert.Equal(first.Of(Rule).Single().AlertId, escalated.AlertId);
    }

    [Fact]
    public void Codec_ConversationWithoutSignals_IsStillWrittenAsVersion1()
    {
        var bytes = ConversationStateCodec.Encode(new ConversationState { ConversationId = "c", ShopId = "s" });
        Assert.Equal(1, bytes[0]);
        var s = new ConversationState
        {
            ConversationId = "c", ShopId = "s",
            BuyerSignals = new BuyerSignalState { RiskMessageId = "m-1", RiskSince = ChatScript.Origin, RiskLevel = Severity.Medium, RiskRevision = 2, EscalateAt = ChatScript.Origin.AddSeconds(60), LastBuyerNegative = true },
        };
        Assert.Equivalent(s.BuyerSignals, ConversationStateCodec.Decode(ConversationStateCodec.Encode(s)).BuyerSignals);
    }

    [Fact]
    public void Options_EscalationOffForAStore_NeverEscalatesThere()
    {
        var chat = new ChatScript(("Rules:Stores:shop-a:BuyerComplaintRisk:EscalateAfterSeconds", "0")).Buyer(0, "b1", "受够了").ClockTo(3600);
        Assert.Single(chat.Of(Rule));
    }

    [Theory]
    [InlineData("""{ "ThreatSeverity": "huge" }""", "Rules:BuyerComplaintRisk:ThreatSeverity", "unknown severity 'huge'")]
    [InlineData("""{ "EscalateAfterSeconds": -1 }""", "Rules:BuyerComplaintRisk:EscalateAfterSeconds", "was -1")]
    [InlineData("""{ "PunctuationRun": 1 }""", "Rules:BuyerComplaintRisk:PunctuationRun", "was 1")]
    [InlineData("""{ "AddThreatTerms": [ "告" ] }""", "Rules:BuyerComplaintRisk:AddThreatTerms:0", "single character")]
    [InlineData("""{ "ResolveOnClosed": true }""", "Rules:BuyerComplaintRisk:ResolveOnClosed", "did you mean 'ResolveOnClose'")]
    public void Options_Invalid_AreRefusedWithPathAndReason(string section, string path, string reason)
    {
        var problems = RefusedProblems(_dir, "BuyerComplaintRisk", section);
        Assert.Contains(problems, p => p.Path == path && p.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Reload_StoreAddsAThreatTerm_TakesEffectAndABadChangeKeepsTheLastGood()
    {
        var file = Path.Combine(_dir, "rules.json");
        File.WriteAllText(file, """{ "Rules": { } }""");
        var (source, problems) = ReloadingRulesSource.Start(_dir, false, null, NullLogger.Instance, new FakeTimeProvider(), TimeSpan.Zero);
        Assert.Empty(problems);
        using var rules = source!;
        Assert.Empty(Run(rules.Current, "shop-a", "我要找平台小二"));

        File.WriteAllText(file, """{ "Rules": { "Stores": { "shop-a": { "BuyerComplaintRisk": { "AddThreatTerms": [ "找平台小二" ] } } } } }""");
        Assert.True(rules.CheckForChanges());
        Assert.Equal(Severity.Critical, Assert.Single(Run(rules.Current, "shop-a", "我要找平台小二")).Severity);
        Assert.Empty(Run(rules.Current, "shop-b", "我要找平台小二"));

        File.WriteAllText(file, """{ "Rules": { "BuyerComplaintRisk": { "EmotionSeverity": "meh" } } }""");
        Assert.False(rules.CheckForChanges());
        Assert.Single(Run(rules.Current, "shop-a", "我要找平台小二"));
    }

    private static List<Alert> Run(RulesSnapshot snapshot, string shop, string text)
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(snapshot), TimeProvider.System);
        var alerts = new List<Alert>();
        pipeline.Process(ChatScript.Msg("m-1", SenderKind.Buyer, 0, text, shop: shop), alerts);
        return [.. alerts.Where(a => a.Rule == Rule)];
    }
}
