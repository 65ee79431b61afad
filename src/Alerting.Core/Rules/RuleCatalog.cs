using Alerting.Core.Alerts;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Alerting.Core.Rules.BuyerComplaintRisk;
using Alerting.Core.Rules.ForbiddenReviewInvitation;
using Alerting.Core.Rules.OffPlatformContact;
using Alerting.Core.Rules.PersonalDataExposure;
using Alerting.Core.Rules.ForbiddenClaims;
using Alerting.Core.Rules.PromotionAnswers;
using Alerting.Core.Rules.RepeatedReply;
using Alerting.Core.Rules.ResponseWarning;
using Alerting.Core.Rules.RudeLanguage;
using Alerting.Core.Rules.SlowResponse;
using Alerting.Core.Rules.UnansweredBuyer;

namespace Alerting.Core.Rules;

/// <summary>One rule as every surface names it: the alert's <c>rule</c> value, its labels and its default severity.</summary>
/// <param name="Name">The snake_case name written in alerts (CONTRACTS.md §2 and §4).</param>
/// <param name="ChineseLabel">What inspectors, leads and group robots read.</param>
/// <param name="EnglishLabel">The same in English, for logs, dashboards and readers without Chinese.</param>
/// <param name="DefaultSeverity">Severity when the config sets none (for rude language: a term that names none).</param>
public sealed record RuleDescription(string Name, string ChineseLabel, string EnglishLabel, Severity DefaultSeverity);

/// <summary>
/// The one table of rule names and labels. Notifications, the inspector console (served as JSON at
/// <c>/api/rules</c>) and the docs read it, so a rule is called the same everywhere. A rule that is
/// added to the pipeline gets its row here; a name missing from the catalog is shown as the bare
/// snake_case name, never dropped.
/// </summary>
public static class RuleCatalog
{
    /// <summary>Every rule the worker can raise, in the order the console lists them.</summary>
    public static IReadOnlyList<RuleDescription> All { get; } =
    [
        new(RudeLanguageRule.RuleName, "不文明用语", "rude language", Severity.Medium),
        new(WrongPromoAnswerRule.RuleName, "活动答复错误", "wrong promotion answer", Severity.High),
        new(ForbiddenClaimRule.RuleName, "极限用语", "forbidden claim", Severity.High),
        new(SlowResponseRule.RuleName, "回复超时", "slow response", Severity.Medium),
        new(UnansweredBuyerRule.RuleName, "买家无人回复", "unanswered buyer", Severity.High),
        new(WrongAnswerBatch.RuleName, "批量活动答复错误", "batch of wrong promotion answers", Severity.Critical),
        new(AgentResponseRates.RuleName, "客服响应率偏低", "agent response rate low", Severity.Medium),
        new(PersonalDataExposureRule.RuleName, "泄露买家个人信息", "personal data exposure", Severity.High),
        new(OffPlatformContactRule.RuleName, "站外引流", "off-platform contact", Severity.High),
        new(BuyerComplaintRiskRule.RuleName, "投诉风险", "complaint risk", Severity.Medium),
        new(ForbiddenReviewInvitationRule.RuleName, "违规邀评", "forbidden review invitation", Severity.Medium),
        new(RepeatedReplyRule.RuleName, "机械重复回复", "repeated reply", Severity.Low),
        new(ResponseWarningRule.RuleName, "即将超时预警", "response warning", Severity.Low),
    ];

    private static readonly Dictionary<string, RuleDescription> ByName = All.ToDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>The catalog row of <paramref name="rule"/>, or null for a name the catalog does not know.</summary>
    public static RuleDescription? Find(string rule) => ByName.GetValueOrDefault(rule);

    /// <summary>Chinese label of <paramref name="rule"/>; an unknown rule shows its snake_case name.</summary>
    public static string ChineseLabel(string rule) => Find(rule)?.ChineseLabel ?? rule;

    /// <summary>English label of <paramref name="rule"/>; an unknown rule shows its snake_case name.</summary>
    public static string EnglishLabel(string rule) => Find(rule)?.EnglishLabel ?? rule;
}
