namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>A promotion term an agent stated; <c>Start</c>/<c>Length</c> index the folded text.</summary>
internal abstract record StatedTerm(int Start, int Length);

/// <summary>满<c>Threshold</c>减<c>Amount</c> (每满 when <c>PerEvery</c>).</summary>
internal sealed record StatedThreshold(int Start, int Length, decimal Threshold, decimal Amount, bool PerEvery) : StatedTerm(Start, Length);

/// <summary>封顶 statement; <c>Cap</c> null = 上不封顶.</summary>
internal sealed record StatedCap(int Start, int Length, decimal? Cap) : StatedTerm(Start, Length);

/// <summary><c>Percent</c> of the price paid (85 = 8.5折), optionally for <c>Items</c> items.</summary>
internal sealed record StatedPercent(int Start, int Length, decimal Percent, int? Items) : StatedTerm(Start, Length);

/// <summary>Coupon face value and/or threshold (0 = 无门槛); null = not stated.</summary>
internal sealed record StatedCoupon(int Start, int Length, decimal? FaceValue, decimal? Threshold) : StatedTerm(Start, Length);

/// <summary>定金 and what it counts for (null = not stated).</summary>
internal sealed record StatedPresale(int Start, int Length, decimal Deposit, decimal? Offset) : StatedTerm(Start, Length);

/// <summary>Which end of the final payment (尾款) window a stated date is about.</summary>
internal enum FinalPaymentClaim
{
    /// <summary>Payment opens on the date (尾款11月11日开始, 尾款11.1号20点开始).</summary>
    Starts,
    /// <summary>Payment is possible until the date (尾款截止11月11日, 11月12日前付清, 最晚明天).</summary>
    Ends,
    /// <summary>Payment on that day, without saying which end (尾款11月11日付).</summary>
    OnDay,
}

/// <summary>
/// A stated day: <c>Month</c>/<c>Day</c> (11月11日, 11.11, 双11当天); <c>Month</c> 0 for a bare day
/// (11号, read in the month of <c>sentAt</c>); or <c>DaysFromSent</c> (今天 0, 明天 1, 后天 2), read in the
/// promotion's time zone. Resolved to a date by the promotion it is compared with.
/// </summary>
internal readonly record struct StatedDay(int Month, int Day, int? DaysFromSent);

/// <summary>A final payment (尾款) date and which end of the window it states.</summary>
internal sealed record StatedFinalPayment(int Start, int Length, FinalPaymentClaim Claim, StatedDay Day) : StatedTerm(Start, Length);

/// <summary>Price of a configured product (<c>ProductKey</c> is the folded product name).</summary>
internal sealed record StatedPrice(int Start, int Length, string ProductKey, decimal Price) : StatedTerm(Start, Length);

/// <summary>Ships within <c>Hours</c>.</summary>
internal sealed record StatedShippingHours(int Start, int Length, int Hours) : StatedTerm(Start, Length);

/// <summary>包邮 statement: <c>Free</c> false for 不包邮 / 运费自理; <c>Threshold</c> for 满99包邮 (null = unconditional).</summary>
internal sealed record StatedFreeShipping(int Start, int Length, bool Free, decimal? Threshold) : StatedTerm(Start, Length);

/// <summary>No-reason returns: <c>Offered</c> false for 不支持无理由; <c>Days</c> null when no number is said.</summary>
internal sealed record StatedReturns(int Start, int Length, bool Offered, int? Days) : StatedTerm(Start, Length);

/// <summary>Ships before a date.</summary>
internal sealed record StatedShipBy(int Start, int Length, int Month, int Day) : StatedTerm(Start, Length);

/// <summary>What the agent said about the promotion's dates.</summary>
internal enum DateClaim
{
    /// <summary>Starts on the date (11月1日开始).</summary>
    Starts,
    /// <summary>Ends on the date (到11月11日, 11月11日结束).</summary>
    Ends,
    /// <summary>Runs from the first to the second date (11.1-11.11).</summary>
    Range,
    /// <summary>Is on that day (双11当天, 只有11月11日).</summary>
    OnDay,
}

/// <summary>A date claim; <c>ToMonth</c>/<c>ToDay</c> only for <see cref="DateClaim.Range"/>.</summary>
internal sealed record StatedDates(int Start, int Length, DateClaim Claim, int Month, int Day, int ToMonth, int ToDay) : StatedTerm(Start, Length);
