using Alerting.Core.Alerts;
using Alerting.Core.Rules;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Alerting.Core.Rules.BuyerComplaintRisk;
using Alerting.Core.Rules.ForbiddenReviewInvitation;
using Alerting.Core.Rules.OffPlatformContact;
using Alerting.Core.Rules.PersonalDataExposure;
using Alerting.Core.Rules.ForbiddenClaims;
using Alerting.Core.Rules.PromotionAnswers;
using Alerting.Core.Rules.RepeatedReply;
using Alerting.Core.Rules.RudeLanguage;
using Alerting.Core.Rules.SlowResponse;
using Alerting.Core.Rules.UnansweredBuyer;

namespace Alerting.Core.Tests.Contracts;

/// <summary>The rule catalog: one row per rule the code can raise, with the defaults the options really have.</summary>
public sealed class RuleCatalogTests
{
    public static TheoryData<string, string> DefaultSeverities => new()
    {
        { RudeLanguageRule.RuleName, new RudeLanguageTerm().Severity },
        { WrongPromoAnswerRule.RuleName, new PromotionOptions().Severity },
        { ForbiddenClaimRule.RuleName, new ForbiddenTermOptions().Severity },
        { SlowResponseRule.RuleName, new SlowResponseOptions().Severity },
        { UnansweredBuyerRule.RuleName, new UnansweredBuyerOptions().Severity },
        { WrongAnswerBatch.RuleName, new BatchWrongPromoAnswerOptions().Severity },
        { AgentResponseRates.RuleName, new AgentResponseRateOptions().Severity },
        { PersonalDataExposureRule.RuleName, new PersonalDataExposureOptions().Severity },
        { OffPlatformContactRule.RuleName, new OffPlatformContactOptions().Severity },
        // Tiered rules: the catalog names the tier most of their alerts carry (emotion, forbidden context).
        { BuyerComplaintRiskRule.RuleName, new BuyerComplaintRiskOptions().EmotionSeverity },
        { ForbiddenReviewInvitationRule.RuleName, new ForbiddenReviewInvitationOptions().ContextSeverity },
        { RepeatedReplyRule.RuleName, new RepeatedReplyOptions().Severity },
        { Alerting.Core.Rules.ResponseWarning.ResponseWarningRule.RuleName, new Alerting.Core.Rules.ResponseWarning.ResponseWarningOptions().Severity },
    };

    [Theory]
    [MemberData(nameof(DefaultSeverities))]
    public void Catalog_DefaultSeverity_IsTheOptionsDefault(string rule, string optionsDefault)
    {
        var row = RuleCatalog.Find(rule);
        Assert.NotNull(row);
        Assert.True(Alert.TryParseSeverity(optionsDefault, out var expected));
        Assert.Equal(expected, row.DefaultSeverity);
    }

    [Fact]
    public void Catalog_HasOneRowPerRule_WithDistinctNonEmptyLabels()
    {
        Assert.Equal(DefaultSeverities.Count, RuleCatalog.All.Count);
        Assert.Equal(RuleCatalog.All.Count, RuleCatalog.All.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(RuleCatalog.All.Count, RuleCatalog.All.Select(r => r.ChineseLabel).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(RuleCatalog.All.Count, RuleCatalog.All.Select(r => r.EnglishLabel).Distinct(StringComparer.Ordinal).Count());
        Assert.All(RuleCatalog.All, r => Assert.Matches("^[a-z]+(_[a-z]+)*$", r.Name));
        Assert.All(RuleCatalog.All, r => Assert.False(string.IsNullOrWhiteSpace(r.ChineseLabel)));
    }

    [Fact]
    public void Labels_OfAnUnknownRule_AreItsName()
    {
        Assert.Null(RuleCatalog.Find("next_rule"));
        Assert.Equal("next_rule", RuleCatalog.ChineseLabel("next_rule"));
        Assert.Equal("next_rule", RuleCatalog.EnglishLabel("next_rule"));
        Assert.Equal("回复超时", RuleCatalog.ChineseLabel(SlowResponseRule.RuleName));
    }
}
