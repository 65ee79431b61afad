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
