using System.Globalization;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>How a finding and the configured and stated terms are written in alerts (满300减50, 8.5折, 定金50抵100).</summary>
internal sealed partial class PromotionTerms
{
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
}
