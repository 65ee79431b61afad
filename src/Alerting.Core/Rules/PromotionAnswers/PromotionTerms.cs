using System.Globalization;
using System.Text.RegularExpressions;
using Alerting.Core.Alerts;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>A contradiction between a stated term and the configured promotion.</summary>
internal sealed record PromoFinding(
    PromotionTerms Promotion,
    string Kind,
    string Headline,
    string Expected,
    string Stated,
    int Start,
    int Length);

/// <summary>
/// One promotion compiled from <see cref="PromotionOptions"/>: parsed instants, folded names and
/// typed terms, and the comparison of a stated term against them. Immutable after construction.
/// </summary>
internal sealed partial class PromotionTerms
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    private readonly List<(decimal Threshold, decimal Amount)> _tiers = [];
    private readonly Dictionary<string, (string Product, decimal Price)> _prices = new(StringComparer.Ordinal);

    /// <summary>Id reported as <c>evidence.promotion</c> for a finding against the store policy.</summary>
    public const string StorePolicyId = "store-policy";

    /// <param name="o">The promotion.</param>
    /// <param name="acceptBetter">Kinds for which a statement better for the buyer than configured is accepted (see <see cref="WrongPromoAnswerOptions.AcceptBetterThanConfigured"/>).</param>
    public PromotionTerms(PromotionOptions o, IReadOnlySet<string>? acceptBetter = null)
    {
        _acceptBetter = acceptBetter ?? EmptyKinds;
        Id = o.Id.Trim();
        DisplayName = string.IsNullOrWhiteSpace(o.Name) ? (o.Aliases.FirstOrDefault(a => !string.IsNullOrWhiteSpace(a)) ?? Id) : o.Name.Trim();
        Severity = Alert.TryParseSeverity(o.Severity, out var sev) ? sev : Alerts.Severity.High;
        Zone = TryFindZone(o.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
        Start = TryParseInstant(o.Start, out var start) == InstantParse.Ok ? start : null;
        End = TryParseInstant(o.End, out var end) == InstantParse.Ok ? end : null;
        if (Start is { } s) FirstDay = LocalDate(s);
        if (End is { } e)
        {
            LastDay = LocalDate(e.AddTicks(-1));
            EndDay = LocalDate(e);
        }

        NameKeys = new[] { o.Name }.Concat(o.Aliases)
            .Where(n => !string.IsNullOrWhiteSpace(n))
            .Select(n => FoldName(n!))
            .Where(k => k.Length >= 2)
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        if (o.ThresholdDiscount is { } td)
        {
            _tiers.Add((td.Threshold, td.Amount));
            foreach (var t in td.Tiers) _tiers.Add((t.Threshold, t.Amount));
            _tiers.Sort();
            PerEvery = td.PerEvery;
            Cap = td.Cap;
        }
        if (o.PercentDiscount is { } pd)
        {
            PayPercent = pd.Zhe * 10;
            MinItems = pd.MinItems;
        }
        if (o.Coupon is { } c)
        {
            Coupon = (c.FaceValue, c.Threshold);
            CouponHowToGet = string.IsNullOrWhiteSpace(c.HowToGet) ? null : c.HowToGet.Trim();
        }
        if (o.Presale is { } ps)
        {
            Presale = (ps.Deposit, ps.Offset ?? ps.Deposit);
            if (TryParseInstant(ps.FinalPaymentStart, out var fs) == InstantParse.Ok) FinalPaymentDay = LocalDate(fs);
            if (TryParseInstant(ps.FinalPaymentEnd, out var fe) == InstantParse.Ok)
            {
                FinalPaymentLastDay = LocalDate(fe.AddTicks(-1));
                // An end at local midnight (11-12T00:00) is said as 11月12日前 / 截止11月12日; accept that day too.
                if (TimeZoneInfo.ConvertTime(fe, Zone).TimeOfDay == TimeSpan.Zero) FinalPaymentMidnightDay = LocalDate(fe);
            }
        }
        if (o.Gift is { } g && !string.IsNullOrWhiteSpace(g.Item)) Gift = (g.Item.Trim(), FoldName(g.Item), g.Threshold);
        foreach (var p in o.Prices)
            if (!string.IsNullOrWhiteSpace(p.Product)) _prices[FoldName(p.Product)] = (p.Product.Trim(), p.Price);
        // A promotion that is one product's price (礼盒套装 150, aliases 龙井礼盒 / 套装) is named the way agents name the
        // product: its names read as that product too (龙井礼盒活动价130). Not for promotions with other terms, whose
        // names (双11) say nothing about which product a price is for.
        if (_prices.Count == 1 && IsPriceOnly(o))
        {
            var only = _prices.Values.First();
            foreach (var key in NameKeys) _prices.TryAdd(key, only);
        }
        if (o.FreeShipping is { } fs2) FreeShipping = (fs2.Offered, fs2.Threshold);
        if (o.Returns is { } rt) ReturnDays = Math.Max(0, rt.NoReasonDays);
        if (o.Shipping is { } sh)
        {
            ShippingHours = sh.WithinHours;
            if (TryParseInstant(sh.ShipBy, out var by) == InstantParse.Ok)
                ShipByDays = [LocalDate(by.AddTicks(-1)), LocalDate(by)];
        }
    }

    private static bool IsPriceOnly(PromotionOptions o)
        => o.ThresholdDiscount is null && o.PercentDiscount is null && o.Coupon is null && o.Presale is null && o.Gift is null
           && o.Shipping is null && o.FreeShipping is null && o.Returns is null;

    /// <summary>
    /// Whether a store-wide-kind statement is worse for the buyer than this promotion's own term: more hours, a higher
    /// price, fewer no-reason days (or none), a 包邮 condition the promotion does not set. When the agent names the
    /// promotion, such a statement is wrong even if the store policy happens to say it (极速发 24 hours stated as 48).
    /// </summary>
    public bool WorseThanConfigured(StatedTerm term) => term switch
    {
        StatedShippingHours sh => ShippingHours is { } h && sh.Hours > h,
        StatedPrice sp => _prices.TryGetValue(sp.ProductKey, out var p) && sp.Price > p.Price,
        StatedReturns sr => ReturnDays is { } rd && rd > 0 && (!sr.Offered || (sr.Days is { } d && d < rd)),
        StatedFreeShipping sf => FreeShipping is { } f && f.Offered && ((!sf.Free && f.Threshold == 0) || (sf.Threshold is { } t && t > f.Threshold)),
        _ => false,
    };

    /// <summary>Compiles a store policy: always live, named by nothing, judged without a mention.</summary>
    public static PromotionTerms FromPolicy(StorePolicyOptions policy, IReadOnlySet<string>? acceptBetter = null)
        => new(new PromotionOptions
        {
            Id = StorePolicyId,
            Name = "店铺政策",
            Severity = policy.Severity,
            TimeZone = policy.TimeZone,
            Shipping = policy.Shipping,
            Prices = policy.Prices,
            FreeShipping = policy.FreeShipping,
            Returns = policy.Returns,
        }, acceptBetter) { IsStorePolicy = true };

    private static readonly HashSet<string> EmptyKinds = [];
    private readonly IReadOnlySet<string> _acceptBetter;

    /// <summary>True for the store policy (<see cref="FromPolicy"/>): it has no name and is always live.</summary>
    public bool IsStorePolicy { get; private init; }

    /// <summary>Whether this promotion configures a term that is judged without a mention (shipping, price, 包邮, returns).</summary>
    public bool HasMentionFreeTerms => ShippingHours is not null || ShipByDays is not null || _prices.Count > 0 || FreeShipping is not null || ReturnDays is not null;

    /// <summary>Kinds judged without a mention: store-wide by nature (the buyer does not name a campaign to ask about them).</summary>
    public static bool IsMentionFree(StatedTerm term) => term is StatedShippingHours or StatedShipBy or StatedPrice or StatedFreeShipping or StatedReturns;

    public string Id { get; }
    public string DisplayName { get; }
    public Severity Severity { get; }
    public TimeZoneInfo Zone { get; }
    public DateTimeOffset? Start { get; }
    public DateTimeOffset? End { get; }
    public DateOnly? FirstDay { get; }
    public DateOnly? LastDay { get; }
    private DateOnly? EndDay { get; }

    /// <summary>Folded name and aliases (see <see cref="FoldName"/>).</summary>
    public IReadOnlyList<string> NameKeys { get; }

    public IReadOnlyCollection<string> ProductKeys => _prices.Keys;
    private bool PerEvery { get; }
    private decimal? Cap { get; }
    private decimal? PayPercent { get; }
    private int? MinItems { get; }
    private (decimal Face, decimal Threshold)? Coupon { get; }
    private string? CouponHowToGet { get; }
    private (decimal Deposit, decimal Offset)? Presale { get; }
    private DateOnly? FinalPaymentDay { get; }
    private DateOnly? FinalPaymentLastDay { get; }
    private DateOnly? FinalPaymentMidnightDay { get; }
    private (string Item, string ItemKey, decimal Threshold)? Gift { get; }
    private int? ShippingHours { get; }
    private DateOnly[]? ShipByDays { get; }

    private (bool Offered, decimal Threshold)? FreeShipping { get; }
    private int? ReturnDays { get; }

    /// <summary>Whether the promotion is valid at <paramref name="t"/> ([Start, End)); the store policy always is.</summary>
    public bool IsLiveAt(DateTimeOffset t) => IsStorePolicy || ((Start is null || t >= Start) && (End is null || t < End));

    /// <summary>Whether the two promotions' validity windows share an instant.</summary>
    public bool Overlaps(PromotionTerms other)
        => (End is null || other.Start is null || other.Start < End) && (other.End is null || Start is null || Start < other.End);

    public string FormatLocal(DateTimeOffset t)
    {
        var local = TimeZoneInfo.ConvertTime(t, Zone);
        return local.ToString("M月d日HH:mm", CultureInfo.InvariantCulture);
    }

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

    /// <summary>Whether this promotion configures the kind of term stated (so agreeing with it means something).</summary>
    public bool HasTermFor(StatedTerm term) => term switch
    {
        StatedThreshold => _tiers.Count > 0,
        StatedCap => _tiers.Count > 0 && PerEvery,
        StatedPercent => PayPercent is not null,
        StatedCoupon => Coupon is not null,
        StatedPresale => Presale is not null,
        StatedFinalPayment { Claim: FinalPaymentClaim.Starts } => FinalPaymentDay is not null,
        StatedFinalPayment { Claim: FinalPaymentClaim.Ends } => FinalPaymentLastDay is not null,
        StatedFinalPayment => FinalPaymentDay is not null || FinalPaymentLastDay is not null,
        StatedGift => Gift is not null,
        StatedPrice p => _prices.ContainsKey(p.ProductKey),
        StatedShippingHours => ShippingHours is not null,
        StatedShipBy => ShipByDays is not null,
        StatedFreeShipping => FreeShipping is not null,
        StatedReturns => ReturnDays is not null,
        StatedDates => FirstDay is not null || LastDay is not null,
        _ => false,
    };

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

    private PromoFinding Finding(StatedTerm t, string kind, string headline, string expected, string stated)
        => new(this, kind, headline, expected, stated, t.Start, t.Length);

    private string FormatThresholdRule()
    {
        var rungs = string.Join("，", _tiers.Select(x => FormatThreshold(x.Threshold, x.Amount, PerEvery)));
        if (!PerEvery) return rungs;
        return Cap is { } cap ? $"{rungs}，最多减{Money(cap)}" : $"{rungs}，上不封顶";
    }

    internal static string FormatThreshold(decimal t, decimal a, bool perEvery) => $"{(perEvery ? "每满" : "满")}{Money(t)}减{Money(a)}";

    private static string FormatPercent(decimal percent, int? items)
    {
        var zhe = Money(percent / 10);
        return items is { } n ? $"满{n}件{zhe}折" : $"{zhe}折";
    }

    /// <summary>满199可用20元券, 20元券（无门槛）; with how to get it: 20元券（无门槛，店铺首页领取）.</summary>
    private static string FormatCoupon(decimal? face, decimal? threshold, string? howToGet = null)
    {
        var f = face is { } x ? $"{Money(x)}元券" : "券";
        var notes = new List<string>(2);
        if (threshold == 0) notes.Add("无门槛");
        if (howToGet is not null) notes.Add(howToGet);
        var coupon = threshold is { } t && t > 0 ? $"满{Money(t)}可用{f}" : f;
        return notes.Count == 0 ? coupon : $"{coupon}（{string.Join("，", notes)}）";
    }

    private static string FormatPresale(decimal deposit, decimal? offset)
        => offset is { } o && o != deposit ? $"定金{Money(deposit)}抵{Money(o)}" : $"定金{Money(deposit)}";

    internal static string Money(decimal v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private DateOnly LocalDate(DateTimeOffset t) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, Zone).DateTime);

    /// <summary>Folds a configured name the same way agent text is folded, so 双十一 in config finds 双11 in chat.</summary>
    public static string FoldName(string name) => PromoText.Fold(name).Text;

    internal enum InstantParse { Ok, Missing, NoOffset, Invalid }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?<offset>[zZ]|[+-]\d{2}:?\d{2})?$")]
    private static partial Regex IsoInstant();

    /// <summary>Parses an ISO-8601 instant that must carry its UTC offset (a bare local time is ambiguous).</summary>
    internal static InstantParse TryParseInstant(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return InstantParse.Missing;
        var trimmed = text.Trim();
        var shape = IsoInstant().Match(trimmed);
        if (!shape.Success || !DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out value)) return InstantParse.Invalid;
        return shape.Groups["offset"].Success ? InstantParse.Ok : InstantParse.NoOffset;
    }

    internal static bool TryFindZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id)) return false;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var found)) return false;
        zone = found;
        return true;
    }
}
