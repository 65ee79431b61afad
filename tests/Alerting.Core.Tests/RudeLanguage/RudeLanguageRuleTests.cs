using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.RudeLanguage;
using Microsoft.Extensions.Configuration;
using static Alerting.Core.Tests.RudeLanguage.RudeLanguageTestKit;

namespace Alerting.Core.Tests.RudeLanguage;

/// <summary>Alert shape, which records are looked at, options and normalization switches.</summary>
public sealed class RudeLanguageRuleTests
{
    [Fact]
    public void Evaluate_WhenSeveralTermsMatch_RaisesOneAlertWithEveryMatchInTheEvidence()
    {
        const string text = "亲，你是傻*逼吗？爱买不买";
        var alerts = Evaluate(DefaultRule, Agent(text, messageId: "m-000002"));

        var alert = Assert.Single(alerts);
        Assert.Equal("rude_language", alert.Rule);
        Assert.Equal(AlertIds.ForConversation("rude_language", "c-42", "m-000002"), alert.AlertId);
        Assert.Equal(Severity.High, alert.Severity);
        Assert.Equal("shop-a", alert.ShopId);
        Assert.Equal("c-42", alert.ConversationId);
        Assert.Equal("agent-07", alert.AgentId);
        Assert.Equal(["m-000002"], alert.MessageIds);
        Assert.Equal(SentAt, alert.EventTime);
        Assert.Equal(default, alert.DetectedAt);
        Assert.Equal("客服回复含不当用语：傻逼（辱骂）、爱买不买（服务态度）", alert.Summary);
        Assert.Equal(text, (string?)alert.Evidence["text"]);
        Assert.Equal(
            [
                new EvidenceMatch("傻逼", "傻*逼", "insult", "high", 4, 3),
                new EvidenceMatch("爱买不买", "爱买不买", "bad_attitude", "high", 9, 4),
            ],
            Matches(alert));
    }

    [Fact]
    public void Evaluate_EvidenceSerializesInTheContractShape()
    {
        var alert = EvaluateOne(DefaultRule, "你是sb吗")!;
        var json = AlertJson.ToJson(alert);
        Assert.Contains("\"evidence\":{\"matches\":[{\"term\":\"傻逼\",\"matched\":\"sb\",\"category\":\"insult\",\"severity\":\"high\",\"start\":2,\"length\":2}],\"text\":\"你是sb吗\"}", json, StringComparison.Ordinal);
        Assert.Contains("\"rule\":\"rude_language\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SeverityIsTheHighestOfTheMatches()
    {
        var alert = EvaluateOne(DefaultRule, "自己看吧，滚蛋，操你妈")!;
        Assert.Equal(Severity.Critical, alert.Severity);
        Assert.Equal(["自己看吧", "滚蛋", "操你妈"], Matches(alert).Select(m => m.Term));
    }

    [Fact]
    public void Evaluate_MatchInsideALongerMatch_IsReportedOnceAsTheLongerOne()
    {
        var alert = EvaluateOne(DefaultRule, "去你妈的")!;
        var match = Assert.Single(Matches(alert));
        Assert.Equal("去你妈的", match.Term);
        Assert.Equal("critical", match.Severity);
    }

    [Fact]
    public void Evaluate_MoreSevereMatchInsideALongerOne_IsKeptAndSetsTheSeverity()
    {
        var rule = new RudeLanguageRule(new RudeLanguageOptions
        {
            AddTerms = [new RudeLanguageTerm { Term = "说你傻逼", Category = "insult", Severity = "low" }],
        });
        var alert = EvaluateOne(rule, "不是说你傻逼")!;
        Assert.Equal(Severity.High, alert.Severity);
        Assert.Equal(["说你傻逼", "傻逼"], Matches(alert).Select(m => m.Term));
    }

    [Fact]
    public void Evaluate_TwoWholeMessageTermsTogether_BothFire()
    {
        var alert = EvaluateOne(DefaultRule, "不知道，随便你！")!;
        Assert.Equal(["不知道", "随便你"], Matches(alert).Select(m => m.Term));
        Assert.Null(EvaluateOne(DefaultRule, "不知道您喜欢哪款，随便你挑"));
    }

    [Fact]
    public void Evaluate_WhenAgentIdMissing_UsesSenderId()
    {
        var alert = Assert.Single(Evaluate(DefaultRule, Agent("傻逼", agentId: null)));
        Assert.Equal("agent-07-account", alert.AgentId);
    }

    [Theory]
    [InlineData(SenderKind.Buyer)]
    [InlineData(SenderKind.Bot)]
    [InlineData(SenderKind.System)]
    public void Evaluate_WhenSenderIsNotAnAgent_RaisesNothing(SenderKind sender)
        => Assert.Empty(Evaluate(DefaultRule, Agent("傻逼，爱买不买", sender: sender)));

    [Theory]
    [InlineData(ChatEventKind.Transfer)]
    [InlineData(ChatEventKind.Close)]
    public void Evaluate_WhenRecordIsNotAMessage_RaisesNothing(ChatEventKind kind)
        => Assert.Empty(Evaluate(DefaultRule, Agent("傻逼", kind: kind)));

    [Fact]
    public void Evaluate_WhenDisabled_RaisesNothing()
        => Assert.Null(EvaluateOne(new RudeLanguageRule(new RudeLanguageOptions { Enabled = false }), "傻逼"));

    [Fact]
    public void Evaluate_EmptyText_RaisesNothing() => Assert.Null(EvaluateOne(DefaultRule, ""));

    [Fact]
    public void Evaluate_SameMessageTwice_GivesTheSameAlertId()
    {
        var first = EvaluateOne(DefaultRule, "滚蛋")!;
        var second = EvaluateOne(DefaultRule, "滚蛋")!;
        Assert.Equal(first.AlertId, second.AlertId);
    }

    [Fact]
    public void Evaluate_CleanMessages_AllocateNothing()
    {
        var message = Agent("亲，您好，这款连衣裙有S、M、L三个码，马上给您发货哦。Hello, the USB cable is 2m long.");
        var alerts = new List<Alert>();
        var context = new Rules.RuleContext();
        for (var i = 0; i < 1000; i++) DefaultRule.Evaluate(message, context, alerts); // warm up (tiering)
        const int Messages = 10_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Messages; i++) DefaultRule.Evaluate(message, context, alerts);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(alerts);
        // Less than one byte per message: nothing is allocated per message (a one-off runtime
        // allocation, e.g. while a method is promoted to optimized code, is tolerated).
        Assert.True(allocated < Messages, $"{allocated} bytes allocated for {Messages} clean messages");
    }

    [Fact]
    public void Evaluate_SharedAcrossThreads_GivesTheSameResults()
    {
        var texts = new[] { "傻逼", "操作很简单", "你是sb吗", "usb接口", "爱买不买", "不知道", "我不知道您的尺码" };
        var expected = texts.Select(t => EvaluateOne(DefaultRule, t) is not null).ToArray();
        Parallel.For(0, 2000, i =>
        {
            var t = i % texts.Length;
            var alerts = Evaluate(DefaultRule, Agent(texts[t], messageId: $"m-{i}"));
            Assert.Equal(expected[t], alerts.Count == 1);
        });
    }

    [Fact]
    public void Options_RemoveTerms_DropsATermWithItsVariants()
    {
        var rule = new RudeLanguageRule(new RudeLanguageOptions { RemoveTerms = ["没空", "傻逼"] });
        Assert.Null(EvaluateOne(rule, "没空"));
        Assert.Null(EvaluateOne(rule, "你是sb吗"));
        Assert.NotNull(EvaluateOne(rule, "滚蛋"));
    }

    [Fact]
    public void Options_RemoveTerms_ByVariant_DropsOnlyThatSpelling()
    {
        var rule = new RudeLanguageRule(new RudeLanguageOptions { RemoveTerms = ["尼玛"] });
        Assert.Null(EvaluateOne(rule, "尼玛"));
        Assert.NotNull(EvaluateOne(rule, "泥马"));
    }

    [Fact]
    public void Options_AddTerms_AddsAStoreTermAndCanRaiseASeverity()
    {
        var rule = new RudeLanguageRule(new RudeLanguageOptions
        {
            AddTerms =
            [
                new RudeLanguageTerm { Term = "蠢驴", Category = "insult", Severity = "high", Variants = ["春驴"] },
                new RudeLanguageTerm { Term = "没空", Category = "bad_attitude", Severity = "critical" },
            ],
        });
        Assert.Equal("蠢驴", Matches(EvaluateOne(rule, "你这头春驴")!).Single().Term);
        Assert.Equal(Severity.Critical, EvaluateOne(rule, "没空")!.Severity);
    }

    [Fact]
    public void Options_AddWhitelist_SuppressesAnOverlappingMatch()
    {
        Assert.NotNull(EvaluateOne(DefaultRule, "你马丽"));
        var rule = new RudeLanguageRule(new RudeLanguageOptions { AddWhitelist = ["马丽"] });
        Assert.Null(EvaluateOne(rule, "你马丽"));
    }

    [Fact]
    public void Options_WithoutDefaultLexicon_UsesOnlyConfiguredTerms()
    {
        var rule = new RudeLanguageRule(new RudeLanguageOptions
        {
            UseDefaultLexicon = false,
            Terms = [new RudeLanguageTerm { Term = "差劲", Category = "bad_attitude", Severity = "low" }],
        });
        Assert.Equal(1, rule.TermCount);
        Assert.Null(EvaluateOne(rule, "傻逼"));
        Assert.Equal(Severity.Low, EvaluateOne(rule, "你们真差劲")!.Severity);
    }

    [Theory]
    [InlineData("FoldWidthAndCase", "ｓｂ")]
    [InlineData("StripInvisible", "傻\u200B逼")]
    [InlineData("TraditionalToSimplified", "滾蛋")]
    [InlineData("SkipInsertedSymbols", "傻*逼")]
    [InlineData("CollapseRepeats", "fuuuck")]
    public void Options_NormalizationSwitchOff_StopsThatEvasionFromMatching(string switchName, string text)
    {
        Assert.NotNull(EvaluateOne(DefaultRule, text));
        var options = new RudeLanguageOptions();
        typeof(RudeLanguageNormalizationOptions).GetProperty(switchName)!.SetValue(options.Normalization, false);
        Assert.Null(EvaluateOne(new RudeLanguageRule(options), text));
    }

    [Fact]
    public void Options_LatinWholeTokensOff_MatchesInsideWords()
    {
        Assert.Null(EvaluateOne(DefaultRule, "usb接口"));
        var rule = new RudeLanguageRule(new RudeLanguageOptions { Normalization = new() { LatinWholeTokens = false } });
        Assert.Equal("sb", Matches(EvaluateOne(rule, "usb接口")!).Single().Matched);
    }

    [Fact]
    public void Options_BindFromConfiguration_IncludingListsAndSwitches()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rules:RudeLanguage:Enabled"] = "true",
            ["Rules:RudeLanguage:UseDefaultLexicon"] = "false",
            ["Rules:RudeLanguage:Terms:0:Term"] = "差劲",
            ["Rules:RudeLanguage:Terms:0:Category"] = "bad_attitude",
            ["Rules:RudeLanguage:Terms:0:Severity"] = "high",
            ["Rules:RudeLanguage:Terms:0:Variants:0"] = "差勁",
            ["Rules:RudeLanguage:AddTerms:0:Term"] = "不知道",
            ["Rules:RudeLanguage:AddTerms:0:Category"] = "bad_attitude",
            ["Rules:RudeLanguage:AddTerms:0:WholeMessage"] = "true",
            ["Rules:RudeLanguage:RemoveTerms:0"] = "没空",
            ["Rules:RudeLanguage:Whitelist:0"] = "差劲不",
            ["Rules:RudeLanguage:AddWhitelist:0"] = "马丽",
            ["Rules:RudeLanguage:Normalization:CollapseRepeats"] = "false",
        }).Build();

        var options = config.GetSection("Rules:RudeLanguage").Get<RudeLanguageOptions>()!;

        Assert.False(options.UseDefaultLexicon);
        Assert.Equal("high", options.Terms[0].Severity);
        Assert.Equal(["差勁"], options.Terms[0].Variants);
        Assert.True(options.AddTerms[0].WholeMessage);
        Assert.Equal("medium", options.AddTerms[0].Severity);
        Assert.Equal(["没空"], options.RemoveTerms);
        Assert.Equal(["差劲不"], options.Whitelist);
        Assert.Equal(["马丽"], options.AddWhitelist);
        Assert.False(options.Normalization.CollapseRepeats);
        Assert.True(options.Normalization.FoldWidthAndCase);
        Assert.Empty(RudeLanguageRule.Validate(options, "Rules:RudeLanguage"));
        var rule = new RudeLanguageRule(options);
        Assert.NotNull(EvaluateOne(rule, "太差勁了"));
        Assert.Null(EvaluateOne(rule, "差劲不？"));
    }
}
