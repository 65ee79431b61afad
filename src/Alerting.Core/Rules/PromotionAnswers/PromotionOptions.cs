namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>Options of <c>wrong_promo_answer</c> (config section <c>Rules:WrongPromoAnswer</c>).</summary>
public sealed class WrongPromoAnswerOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a buyer's message that names a promotion keeps it as the conversation's topic, so an
    /// agent answer that states terms without naming the promotion is still checked against it.
    /// Bound from a <c>TimeSpan</c> string such as <c>"00:10:00"</c>. Default 10 minutes; 0 turns
    /// topic tracking off (only answers that name the promotion are checked).
    /// </summary>
    public TimeSpan AskedPromotionWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether to alert when an agent names a promotion that is not running at the message's
    /// <c>sentAt</c> and says it applies now (现在可以参加, 还有满减…). Default true.
    /// </summary>
    public bool CheckValidity { get; set; } = true;

    /// <summary>
    /// Term kinds (<c>evidence.kind</c>) for which a statement that is <b>better for the buyer</b> than
    /// configured is accepted silently: fewer hours or an earlier day for <c>shipping</c>, a lower price for
    /// <c>price</c>, more days for <c>returns</c>. Default empty: a promise better than the configured one
    /// is a wrong promise too (the buyer complains when it is not kept), so every kind alerts. Known kinds:
    /// <c>shipping</c>, <c>price</c>, <c>returns</c>. Example: <c>[ "returns" ]</c>.
    /// </summary>
    public List<string> AcceptBetterThanConfigured { get; set; } = [];
}

/// <summary>
/// Store-wide policy of one shop (config <c>Rules:Stores:&lt;shopId&gt;:StorePolicy</c>): terms that hold
/// whether or not any promotion is named (shipping promise, product prices, 包邮, 7天无理由). An agent
/// statement of one of these kinds is judged against the policy even when it names no promotion and
/// follows no buyer question about one. Every field is optional; only what is set is compared.
/// </summary>
public sealed class StorePolicyOptions
{
    /// <summary>Severity of alerts against the policy: info, low, medium, high, critical. Default <c>high</c>.</summary>
    public string Severity { get; set; } = "high";

    /// <summary>IANA time zone in which stated dates are read. Default <c>Asia/Shanghai</c>.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The store's shipping promise (48小时内发货).</summary>
    public ShippingTerms? Shipping { get; set; }

    /// <summary>Everyday prices (到手价) of products as agents name them.</summary>
    public List<ProductPriceTerms> Prices { get; set; } = [];

    /// <summary>包邮 policy.</summary>
    public FreeShippingTerms? FreeShipping { get; set; }

    /// <summary>Return policy (7天无理由).</summary>
    public ReturnTerms? Returns { get; set; }
}

/// <summary>包邮: whether shipping is free, and from which order amount.</summary>
public sealed class FreeShippingTerms
{
    /// <summary>Whether the store ships free at all. Default <c>true</c>; false = 不包邮 (buyer pays shipping).</summary>
    public bool Offered { get; set; } = true;

    /// <summary>Order amount from which shipping is free, yuan; 0 = every order (全场包邮). Default 0.</summary>
    public decimal Threshold { get; set; }
}

/// <summary>No-reason returns (7天无理由退换货).</summary>
public sealed class ReturnTerms
{
    /// <summary>Days of no-reason returns; 0 = not offered. Default 7.</summary>
    public int NoReasonDays { get; set; } = 7;
}

/// <summary>
/// One promotion of a store (config <c>Rules:Stores:&lt;shopId&gt;:Promotions:&lt;n&gt;</c>). Every term
/// sub-object is optional: only the terms configured here are compared with what agents state.
/// Amounts are in yuan (元) and bind as decimals.
/// </summary>
public sealed class PromotionOptions
{
    /// <summary>Stable id, unique within the store; reported as <c>evidence.promotion</c>. Required.</summary>
    public string Id { get; set; } = "";

    /// <summary>Display name (e.g. 双11主会场满减); an agent message containing it is about this promotion.</summary>
    public string? Name { get; set; }

    /// <summary>Other ways people name it (双11, 双十一, 11.11); matched like <see cref="Name"/>.</summary>
    public List<string> Aliases { get; set; } = [];

    /// <summary>First instant the promotion is valid, ISO-8601 with offset (<c>2026-11-11T00:00:00+08:00</c>). Empty = no start.</summary>
    public string? Start { get; set; }

    /// <summary>First instant it is no longer valid (exclusive), ISO-8601 with offset. Empty = no end.</summary>
    public string? End { get; set; }

    /// <summary>IANA time zone for dates the agent states (11月11日) and for summaries. Default <c>Asia/Shanghai</c>.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Severity of alerts about this promotion: info, low, medium, high, critical. Default <c>high</c>.</summary>
    public string Severity { get; set; } = "high";

    /// <summary>满减: spend <c>Threshold</c>, get <c>Amount</c> off.</summary>
    public ThresholdDiscountTerms? ThresholdDiscount { get; set; }

    /// <summary>折扣: e.g. 8.5折.</summary>
    public PercentDiscountTerms? PercentDiscount { get; set; }

    /// <summary>优惠券: face value and the spend it needs.</summary>
    public CouponTerms? Coupon { get; set; }

    /// <summary>预售: deposit (定金) that counts as a larger amount (定金50抵100), final payment dates.</summary>
    public PresaleTerms? Presale { get; set; }

    /// <summary>满赠: gift and the spend it needs.</summary>
    public GiftTerms? Gift { get; set; }

    /// <summary>Promotion prices of named products (到手价).</summary>
    public List<ProductPriceTerms> Prices { get; set; } = [];

    /// <summary>Shipping promise (48小时内发货, 11月15日前发货).</summary>
    public ShippingTerms? Shipping { get; set; }

    /// <summary>包邮 during the promotion (optional; the store-wide rule goes in <see cref="StorePolicyOptions"/>).</summary>
    public FreeShippingTerms? FreeShipping { get; set; }

    /// <summary>No-reason returns during the promotion (optional; usually store-wide, see <see cref="StorePolicyOptions"/>).</summary>
    public ReturnTerms? Returns { get; set; }
}

/// <summary>满减 terms: 满<c>Threshold</c>减<c>Amount</c>, optionally 每满 (repeats) with a cap, plus extra tiers.</summary>
public sealed class ThresholdDiscountTerms
{
    /// <summary>Spend needed, yuan (满300 → 300). Required, &gt; Amount.</summary>
    public decimal Threshold { get; set; }

    /// <summary>Money off, yuan (减50 → 50). Required, &gt; 0.</summary>
    public decimal Amount { get; set; }

    /// <summary>True for 每满300减50 (600 gets 100 off, …). Default false.</summary>
    public bool PerEvery { get; set; }

    /// <summary>Largest total discount for <see cref="PerEvery"/> (封顶, 最多减). Null = 上不封顶.</summary>
    public decimal? Cap { get; set; }

    /// <summary>Further tiers of a ladder (满300减50, 满600减120 …): the first tier is Threshold/Amount above.</summary>
    public List<DiscountTier> Tiers { get; set; } = [];
}

/// <summary>One extra rung of a 满减 ladder.</summary>
public sealed class DiscountTier
{
    /// <summary>Spend needed, yuan.</summary>
    public decimal Threshold { get; set; }

    /// <summary>Money off, yuan.</summary>
    public decimal Amount { get; set; }
}

/// <summary>
/// 折扣 terms. Canonical representation: <c>Zhe</c>, the Chinese 折 value, i.e. tenths of the price
/// the buyer pays: 8.5 means 8.5折 = 85折 = pay 85% = 15% off; 5 means 5折 = 半价.
/// </summary>
public sealed class PercentDiscountTerms
{
    /// <summary>折 value, 0 &lt; Zhe &lt; 10 (8.5 = 八五折 = 15% off).</summary>
    public decimal Zhe { get; set; }

    /// <summary>Items needed (满2件8折 → 2). Null = any quantity.</summary>
    public int? MinItems { get; set; }
}

/// <summary>优惠券 terms.</summary>
public sealed class CouponTerms
{
    /// <summary>Face value, yuan (50元券 → 50). Required.</summary>
    public decimal FaceValue { get; set; }

    /// <summary>Spend needed to use it, yuan; 0 = 无门槛. Default 0.</summary>
    public decimal Threshold { get; set; }

    /// <summary>
    /// How a buyer gets it (店铺首页领取, 详情页点"领券"), optional. Not compared (free text); shown in the
    /// expected terms of a wrong coupon answer, so the inspector can give the buyer the right instructions.
    /// </summary>
    public string? HowToGet { get; set; }
}

/// <summary>预售 terms: 定金<c>Deposit</c>抵<c>Offset</c>, final payment window.</summary>
public sealed class PresaleTerms
{
    /// <summary>Deposit, yuan (定金50 → 50). Required.</summary>
    public decimal Deposit { get; set; }

    /// <summary>What the deposit counts for at final payment (抵100 → 100); null = deposit counts at face value.</summary>
    public decimal? Offset { get; set; }

    /// <summary>First instant of the final payment (尾款), ISO-8601 with offset. Optional.</summary>
    public string? FinalPaymentStart { get; set; }

    /// <summary>End (exclusive) of the final payment, ISO-8601 with offset. Optional.</summary>
    public string? FinalPaymentEnd { get; set; }
}

/// <summary>满赠 terms: the spend the gift needs and the gift (compared with what agents state, see README).</summary>
public sealed class GiftTerms
{
    /// <summary>The gift (保温杯).</summary>
    public string Item { get; set; } = "";

    /// <summary>Spend needed, yuan; 0 = 买就送.</summary>
    public decimal Threshold { get; set; }
}

/// <summary>Promotion price of one product.</summary>
public sealed class ProductPriceTerms
{
    /// <summary>Product name as agents write it (e.g. 保湿面霜); matched in the agent's message.</summary>
    public string Product { get; set; } = "";

    /// <summary>Promotion price, yuan (到手价).</summary>
    public decimal Price { get; set; }
}

/// <summary>Shipping promise; set one or both.</summary>
public sealed class ShippingTerms
{
    /// <summary>Ships within this many hours of payment (48小时内发货).</summary>
    public int? WithinHours { get; set; }

    /// <summary>Ships before this instant, ISO-8601 with offset (11月15日前发货).</summary>
    public string? ShipBy { get; set; }
}
