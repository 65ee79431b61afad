namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>Options of <c>wrong_promo_answer</c> (config section <c>Rules:WrongPromoAnswer</c>).</summary>
public sealed class WrongPromoAnswerOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>One live promotion of a store (config <c>Rules:Stores:&lt;shopId&gt;:Promotions:&lt;n&gt;</c>).</summary>
public sealed class PromotionOptions
{
    public string Id { get; set; } = "";
}
