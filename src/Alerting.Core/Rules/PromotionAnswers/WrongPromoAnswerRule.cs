using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary><c>wrong_promo_answer</c>: an agent states promotion terms that differ from the store's live promotion.</summary>
public sealed class WrongPromoAnswerRule : IChatRule
{
    public const string RuleName = "wrong_promo_answer";

    public WrongPromoAnswerRule(WrongPromoAnswerOptions options, IReadOnlyList<PromotionOptions> promotions)
    {
        Options = options;
        Promotions = promotions;
    }

    public WrongPromoAnswerOptions Options { get; }
    public IReadOnlyList<PromotionOptions> Promotions { get; }

    public string Name => RuleName;

    public static IEnumerable<ConfigProblem> Validate(WrongPromoAnswerOptions options, IReadOnlyList<PromotionOptions> promotions, string path) => [];

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        // Filled in by the promotion work (term extraction and comparison).
    }
}
