using System.Globalization;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>The comparison of a stated term against the promotion's configured terms (one method per kind).</summary>
internal sealed partial class PromotionTerms
{
    /// <summary>Compares one stated term; null when it agrees or this promotion has no such term.</summary>
    /// <remarks><paramref name="sentAt"/> anchors relative days (明天) and bare days (11号) in <see cref="Zone"/>.</remarks>
    public PromoFinding? Compare(StatedTerm term, PromoText text, DateTimeOffset sentAt)
    {
        switch (term)
        {
            case StatedThreshold st when _tiers.Count > 0:
                return CompareThreshold(st);
            case StatedCap sc when _tiers.Count > 0 && PerEvery:
                if (sc.Cap == Cap) return null;
                return Finding(sc, "threshold_discount", "满减封顶说错", FormatThresholdRule(), sc.Cap is { } cap ? $"最多减{Money(cap)}" : "上不封顶");
            case StatedPercent sp when PayPercent is { } pay:
                if (sp.Percent == pay && (sp.Items is null || MinItems is null || sp.Items == MinItems)) return null;
                return Finding(sp, "percent_discount", "折扣说错", FormatPercent(pay, MinItems), FormatPercent(sp.Percent, sp.Items));
            case StatedCoupon sc when Coupon is { } c:
                if ((sc.FaceValue is null || sc.FaceValue == c.Face) && (sc.Threshold is null || sc.Threshold == c.Threshold)) return null;
                return Finding(sc, "coupon", sc.FaceValue is not null && sc.FaceValue != c.Face ? "优惠券面额说错" : "优惠券门槛说错",
                    FormatCoupon(c.Face, c.Threshold, CouponHowToGet), FormatCoupon(sc.FaceValue, sc.Threshold));
            case StatedPresale sp when Presale is { } p:
                if (sp.Deposit == p.Deposit && (sp.Offset is null || sp.Offset == p.Offset)) return null;
                return Finding(sp, "presale", "预售定金说错", FormatPresale(p.Deposit, p.Offset), FormatPresale(sp.Deposit, sp.Offset));
            case StatedFinalPayment fp when HasTermFor(fp):
                return CompareFinalPayment(fp, sentAt);
            case StatedGift sg when Gift is { } g:
                return CompareGift(sg, g);
            case StatedPrice sp when _prices.TryGetValue(sp.ProductKey, out var price):
                if (sp.Price == price.Price || (sp.Price < price.Price && _acceptBetter.Contains("price"))) return null;
                return Finding(sp, "price", "价格说错", $"{price.Product}{Money(price.Price)}元", $"{price.Product}{Money(sp.Price)}元");
            case StatedShippingHours sh when ShippingHours is { } hours:
                if (sh.Hours == hours || (sh.Hours < hours && _acceptBetter.Contains("shipping"))) return null;
                return Finding(sh, "shipping", "发货时间说错", $"{hours}小时内发货", $"{sh.Hours}小时内发货");
            case StatedShipBy sb when ShipByDays is { } days:
                if (days.Any(d => d.Month == sb.Month && d.Day == sb.Day)) return null;
                if (_acceptBetter.Contains("shipping") && StatedDayBefore(sb.Month, sb.Day, days[0])) return null;
                return Finding(sb, "shipping", "发货时间说错", $"{days[0].Month}月{days[0].Day}日前发货", $"{sb.Month}月{sb.Day}日前发货");
            case StatedFreeShipping sf when FreeShipping is { } free:
                return CompareFreeShipping(sf, free);
            case StatedReturns sr when ReturnDays is { } rd:
                var returnsOk = sr.Offered
                    ? rd > 0 && (sr.Days is not { } days2 || days2 == rd || (days2 > rd && _acceptBetter.Contains("returns")))
                    : rd == 0;
                if (returnsOk) return null;
                return Finding(sr, "returns", "退换政策说错", rd > 0 ? $"支持{rd}天无理由退换" : "不支持无理由退换",
                    sr.Offered ? (sr.Days is { } d ? $"支持{d}天无理由退换" : "支持无理由退换") : "不支持无理由退换");
            case StatedDates sd:
                return CompareDates(sd, text);
            default:
                return null;
        }
    }

    private PromoFinding? CompareThreshold(StatedThreshold st)
    {
        foreach (var (t, a) in _tiers)
        {
            if (st.Threshold == t && st.Amount == a)
            {
                // 每满 promises the discount repeats (满600减100…); wrong when it does not.
                if (st.PerEvery && !PerEvery)
                    return Finding(st, "threshold_discount", "满减规则说错", FormatThresholdRule(), FormatThreshold(st.Threshold, st.Amount, true));
                return null;
            }
        }
        if (PerEvery && _tiers.Count == 1)
        {
            // 每满300减50 also means 满600减100 (within the cap): a correct worked example.
            var (t, a) = _tiers[0];
            var k = st.Threshold / t;
            if (k == decimal.Truncate(k) && k >= 1 && st.Amount == k * a && (Cap is null || st.Amount <= Cap)) return null;
        }
        var sameAmount = _tiers.FirstOrDefault(x => x.Amount == st.Amount);
        var sameThreshold = _tiers.FirstOrDefault(x => x.Threshold == st.Threshold);
        string headline;
        (decimal T, decimal A) nearest;
        if (sameAmount.Threshold != 0) { headline = "满减门槛说错"; nearest = sameAmount; }
        else if (sameThreshold.Threshold != 0) { headline = "满减金额说错"; nearest = sameThreshold; }
        else { headline = "满减说错"; nearest = _tiers[0]; }
        var expected = _tiers.Count == 1 ? FormatThresholdRule() : FormatThreshold(nearest.T, nearest.A, PerEvery);
        return Finding(st, "threshold_discount", headline, expected, FormatThreshold(st.Threshold, st.Amount, st.PerEvery));
    }

    private PromoFinding? CompareFinalPayment(StatedFinalPayment fp, DateTimeOffset sentAt)
    {
        if (ResolveDay(fp.Day, sentAt) is not { } d) return null;
        static string F(DateOnly x) => $"{x.Month}月{x.Day}日";
        bool NotBeforeStart() => FinalPaymentDay is not { } s || d >= s;
        switch (fp.Claim)
        {
            case FinalPaymentClaim.Starts:
                if (d == FinalPaymentDay) return null;
                return Finding(fp, "presale", "尾款时间说错", $"尾款{F(FinalPaymentDay!.Value)}开始", $"尾款{F(d)}开始");
            case FinalPaymentClaim.Ends:
                // A deadline inside the window is right (paying early is fine); after the end or before the start is not.
                var last = FinalPaymentLastDay!.Value;
                if (NotBeforeStart() && (d <= last || d == FinalPaymentMidnightDay)) return null;
                return Finding(fp, "presale", "尾款时间说错", $"尾款{F(last)}截止", $"尾款{F(d)}截止");
            default:
                if (NotBeforeStart() && (FinalPaymentLastDay is not { } l || d <= l)) return null;
                var window = (FinalPaymentDay, FinalPaymentLastDay) switch
                {
                    ({ } s, { } e) when s == e => $"尾款{F(s)}当天",
                    ({ } s, { } e) => $"尾款{F(s)}至{F(e)}",
                    ({ } s, null) => $"尾款{F(s)}开始",
                    _ => $"尾款{F(FinalPaymentLastDay!.Value)}截止",
                };
                return Finding(fp, "presale", "尾款时间说错", window, $"尾款{F(d)}支付");
        }
    }

    /// <summary>
    /// The date a stated day means: relative days count from <paramref name="sentAt"/>'s local date; a bare
    /// day (11号) is in that month (the next one when it would be more than a week ago); a month/day takes
    /// the year that puts it in the final payment window if one does, else the window's year.
    /// </summary>
    private DateOnly? ResolveDay(StatedDay day, DateTimeOffset sentAt)
    {
        var today = LocalDate(sentAt);
        if (day.DaysFromSent is { } n) return today.AddDays(n);
        if (day.Month == 0)
        {
            for (var k = 0; k < 2; k++)
            {
                var month = today.AddMonths(k);
                if (day.Day > DateTime.DaysInMonth(month.Year, month.Month)) continue;
                var d = new DateOnly(month.Year, month.Month, day.Day);
                if (d >= today.AddDays(-7)) return d;
            }
            return null;
        }
        int[] years = [.. new[] { FinalPaymentDay?.Year, FinalPaymentLastDay?.Year, today.Year }.OfType<int>().Distinct()];
        DateOnly? first = null;
        foreach (var y in years)
        {
            if (day.Day > DateTime.DaysInMonth(y, day.Month)) continue;
            var d = new DateOnly(y, day.Month, day.Day);
            first ??= d;
            if ((FinalPaymentDay is not { } s || d >= s) && (FinalPaymentLastDay is not { } e || d <= e)) return d;
        }
        return first;
    }

    private static bool StatedDayBefore(int month, int day, DateOnly configured)
        => month < configured.Month || (month == configured.Month && day < configured.Day);

    private PromoFinding? CompareFreeShipping(StatedFreeShipping sf, (bool Offered, decimal Threshold) free)
    {
        static string F((bool Offered, decimal Threshold) x) => !x.Offered ? "不包邮" : x.Threshold > 0 ? $"满{Money(x.Threshold)}包邮" : "全场包邮";
        bool ok;
        if (!sf.Free) ok = !free.Offered || free.Threshold > 0; // "不包邮" is right below a threshold
        else if (sf.Threshold is { } t) ok = free.Offered && t == free.Threshold; // 满99包邮 for a 全场包邮 store adds a condition that is not there
        else ok = free.Offered; // 包邮 without a condition: the order may be above the threshold
        if (ok) return null;
        var stated = !sf.Free ? "不包邮" : sf.Threshold is { } st && st > 0 ? $"满{Money(st)}包邮" : "包邮";
        return Finding(sf, "free_shipping", "包邮说错", F(free), stated);
    }

    private PromoFinding? CompareGift(StatedGift sg, (string Item, string ItemKey, decimal Threshold) g)
    {
        var thresholdWrong = sg.Threshold is { } t && t != g.Threshold;
        var itemWrong = sg.Item is { } item && GiftItems.Differ(item, sg.Clause, g.ItemKey);
        if (!thresholdWrong && !itemWrong) return null;
        return Finding(sg, "gift", thresholdWrong ? "赠品门槛说错" : "赠品说错",
            FormatGift(g.Threshold, g.Item), FormatGift(sg.Threshold, sg.Item ?? "赠品"));
    }

    private static string FormatGift(decimal? threshold, string item) => threshold switch
    {
        null => $"送{item}",
        0 => $"买就送{item}",
        { } t => $"满{Money(t)}送{item}",
    };

    private PromoFinding? CompareDates(StatedDates sd, PromoText text)
    {
        var expected = FormatDays();
        if (expected is null) return null;
        bool SameDay(DateOnly? d, int m, int day) => d is { } x && x.Month == m && x.Day == day;
        bool EndMatches(int m, int day) => SameDay(LastDay, m, day)
            // 到11月12日 for an end at 11-12 00:00 is how people say it; accept both.
            || (End is { } e && TimeZoneInfo.ConvertTime(e, Zone).TimeOfDay == TimeSpan.Zero && SameDay(EndDay, m, day));
        string stated;
        bool ok;
        switch (sd.Claim)
        {
            case DateClaim.Starts:
                if (FirstDay is null) return null;
                ok = SameDay(FirstDay, sd.Month, sd.Day);
                stated = $"{sd.Month}月{sd.Day}日开始";
                break;
            case DateClaim.Ends:
                if (LastDay is null) return null;
                ok = EndMatches(sd.Month, sd.Day);
                stated = $"{sd.Month}月{sd.Day}日结束";
                break;
            case DateClaim.Range:
                ok = (FirstDay is null || SameDay(FirstDay, sd.Month, sd.Day)) && (LastDay is null || EndMatches(sd.ToMonth, sd.ToDay));
                stated = $"{sd.Month}月{sd.Day}日至{sd.ToMonth}月{sd.ToDay}日";
                break;
            default:
                ok = InRange(sd.Month, sd.Day);
                stated = $"{sd.Month}月{sd.Day}日当天";
                break;
        }
        return ok ? null : Finding(sd, "dates", "活动日期说错", expected, stated);
    }

    private bool InRange(int month, int day)
    {
        if (FirstDay is null && LastDay is null) return true;
        var years = new HashSet<int>();
        if (FirstDay is { } f) years.Add(f.Year);
        if (LastDay is { } l) years.Add(l.Year);
        foreach (var y in years)
        {
            if (day > DateTime.DaysInMonth(y, month)) continue;
            var d = new DateOnly(y, month, day);
            if ((FirstDay is null || d >= FirstDay) && (LastDay is null || d <= LastDay)) return true;
        }
        return false;
    }

    private string? FormatDays()
    {
        if (FirstDay is null && LastDay is null) return null;
        static string F(DateOnly d) => $"{d.Month}月{d.Day}日";
        if (FirstDay is { } f && LastDay is { } l) return f == l ? $"{F(f)}当天" : $"{F(f)}至{F(l)}";
        return FirstDay is { } s ? $"{F(s)}开始" : $"{F(LastDay!.Value)}结束";
    }
}
