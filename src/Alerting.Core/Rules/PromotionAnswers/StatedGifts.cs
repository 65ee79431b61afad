using System.Text.RegularExpressions;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>
/// A 满赠 statement: the spend the gift needs (<c>Threshold</c>: 0 = 买就送, null = not stated, as in
/// 满300减50还送保温杯) and the item named after 送/赠 (<c>Item</c>, folded; null = none or a generic word
/// such as 赠品). <c>Clause</c> is the folded text after the verb up to the end of the clause; the item
/// comparison looks at all of it so 满199送保温杯或雨伞 is not read as "雨伞 only".
/// </summary>
internal sealed record StatedGift(int Start, int Length, decimal? Threshold, string? Item, string Clause) : StatedTerm(Start, Length);

/// <summary>Gift statements (满199送保温杯, 买就送, 满300减50还送…), a part of <see cref="StatedTermExtractor"/>.</summary>
internal static partial class StatedTermExtractor
{
    // 送 that is not delivery or giving something away: 送货, 送到, 送达, 送出, 送完即止, 送人.
    private const string GiftVerb = @"(?:赠送|加赠|另赠|附赠|获赠|加送|另送|赠|送)(?!货|到|达|出|回|修|检|往|去|来|上门|完|人)";
    private const string GiftLink = @"(?:就|即|可以|可|能|会|还|都|再|均|另|额外|才|也|直接|立即|马上)*";

    [GeneratedRegex(@"满" + Pre + @"(?<t>" + Num + @")(?![\d件个样单份双瓶盒])" + Post + @"(?:的话|以上|及以上)?,?" + GiftLink + @"(?:" + GiftVerb + @"|(?:有|得|拿|领)(?=赠品|礼品|小礼品|礼物|小礼物))"
        + @"|(?<![\d.满])" + Pre + @"(?<t>" + Num + @")(?!\d)(?:元钱|元|块钱|块)?(?:以上|及以上)(?:的订单)?,?" + GiftLink + GiftVerb)]
    private static partial Regex GiftWithThreshold();

    [GeneratedRegex(@"(?:无门槛|0门槛|零门槛|不限金额|任意金额)" + GiftLink + GiftVerb
        + @"|(?:买(?!家)|购买|下单|拍下|拍(?!照)|付款)了?(?:任意(?:商品|一件)?|1件|1个|1单|(?<what>[^\d,.!?;:。！？，；、满减送赠买]{1,8}?))?(?:就|即|都|即可|就会|就可以|就能|立)" + GiftVerb
        + @"|(?:下单|购买|拍下|付款)" + GiftVerb
        + @"|(?:随单|每单都?)" + GiftVerb)]
    private static partial Regex GiftWithoutThreshold();

    /// <summary>After a 满减 (满300减50): 还送保温杯 promises a gift without naming its own threshold.</summary>
    [GeneratedRegex(@"^,?(?:还|再|并且?|另外?|同时|也|加|都|还会|还可以|额外|而且)*" + GiftVerb)]
    private static partial Regex GiftAfterDiscount();

    [GeneratedRegex(@"晒|评|关注|收藏|加购|分享|签到|入会|会员|打卡|拍照")]
    private static partial Regex OtherCondition();

    [GeneratedRegex(@"(?:不是|并非|并不是|没有|不)$")]
    private static partial Regex NegatedBefore();

    // What may sit between the verb and the item: 送(给)您(的是)(价值59元的)1个保温杯.
    [GeneratedRegex(@"^(?:给)?(?:您|你|亲亲|亲)?(?:的是|的|是|:)?(?:价值" + Num + @"(?:元|块)?的?)?(?:\d+(?:个|只|份|件|套|瓶|支|盒|把|条|张|包|片|袋|双|台))?")]
    private static partial Regex GiftItemLead();

    // The thing given is not a gift item: a coupon, money, points, shipping perks, a discount.
    [GeneratedRegex(@"^(?:\d|¥|优惠券|券|红包|积分|运费险|退货险|退换险|包邮|免邮|会员|vip|折|减|现金|返现|满减|优惠)")]
    private static partial Regex NotAGift();

    // Words that name no particular item, and questions: the item is not compared.
    [GeneratedRegex(@"赠品|礼品|礼物|礼包|好礼|豪礼|大礼|福利|惊喜|神秘|东西|周边|什么|啥|哪|几|多少|吗|^的$")]
    private static partial Regex GenericGift();

    private static readonly char[] ClauseEnds = ['。', '!', '?', ';', '；', ',', '，', '、', '~', '.', ':', '(', '（', ')', '）', '\n'];

    private static void ExtractGifts(string s, List<StatedTerm> found, Func<int, int, bool> take, IReadOnlyList<StatedTerm> thresholds)
    {
        foreach (Match m in GiftWithThreshold().Matches(s))
            AddGift(s, m.Index, m.Length, Dec(m.Groups["t"]), found, take);
        foreach (Match m in GiftWithoutThreshold().Matches(s))
        {
            // 不是买就送 is the opposite claim; message-wide negation is a known limit, this local one is cheap.
            if (NegatedBefore().IsMatch(s.AsSpan(Math.Max(0, m.Index - 3), Math.Min(3, m.Index)).ToString())) continue;
            // 买家秀晒图就送 / 买了好评就送: the gift is for something other than buying.
            if (m.Groups["what"].Success && OtherCondition().IsMatch(m.Groups["what"].Value)) continue;
            AddGift(s, m.Index, m.Length, 0, found, take);
        }
        foreach (var t in thresholds)
        {
            var end = t.Start + t.Length;
            var m = GiftAfterDiscount().Match(s[end..]);
            if (m.Success) AddGift(s, end, m.Length, null, found, take);
        }
    }

    private static void AddGift(string s, int start, int length, decimal? threshold, List<StatedTerm> found, Func<int, int, bool> take)
    {
        var afterVerb = start + length;
        var lead = GiftItemLead().Match(s[afterVerb..]);
        var itemStart = afterVerb + lead.Length;
        var clauseEnd = s.IndexOfAny(ClauseEnds, itemStart);
        if (clauseEnd < 0) clauseEnd = s.Length;
        clauseEnd = Math.Min(clauseEnd, itemStart + 16);
        var clause = s[itemStart..clauseEnd];
        // 满199送50元券 is a coupon (the coupon patterns read it), not a statement about the gift.
        if (NotAGift().IsMatch(clause)) return;
        string? item = null;
        if (clause.Length > 0 && !GenericGift().IsMatch(clause))
        {
            item = TrimItem(clause);
            if (item.Length < 2) item = null;
        }
        var spanEnd = item is null ? afterVerb : itemStart + item.Length;
        if (take(start, spanEnd - start)) found.Add(new StatedGift(start, spanEnd - start, threshold, item, clause));
    }

    /// <summary>The item proper: the clause up to a joining word or a trailing particle (保温杯和雨伞 → 保温杯).</summary>
    private static string TrimItem(string clause)
    {
        var end = clause.Length;
        for (var i = 1; i < clause.Length; i++)
        {
            if (clause[i] is '和' or '或' or '及' or '还' or '另' or '再' or '也' or '可' or '都' or '随' or '哦' or '呢' or '哈' or '啦' or '呀' or '哟' or '喔' or '噢' or '吧' or '了' or '哒' or '嗷' or '送' or '赠' or '满' or '一' or '给' or '等' or '!' or '?')
            {
                end = i;
                break;
            }
            if (char.IsAsciiDigit(clause[i])) { end = i; break; }
        }
        var item = clause[..end];
        while (item.EndsWith('的')) item = item[..^1];
        return item;
    }
}

/// <summary>Whether a stated gift item names something other than the configured one, erring towards "same".</summary>
internal static class GiftItems
{
    // Characters that say little about which item it is (量词, 小/大, 装, 款…): sharing only these is no match.
    private const string Filler = "个只份件套瓶支盒把条张包片袋双台的是您你亲给一小大款装品新版色礼超定制";

    // Samples go by many names; any two of them are treated as the same gift.
    private static readonly string[] SampleWords = ["小样", "试用装", "旅行装", "中样", "体验装", "样品", "试用品", "试用"];

    /// <summary>
    /// True only when neither the item nor the rest of its clause shares a meaningful character with
    /// the configured item: 杯子/水杯/保温水杯 for 保温杯 are the same, 雨伞 is different.
    /// </summary>
    public static bool Differ(string statedItem, string clause, string configuredKey)
    {
        if (configuredKey.Length == 0) return false;
        if (clause.Contains(configuredKey, StringComparison.Ordinal) || configuredKey.Contains(statedItem, StringComparison.Ordinal)) return false;
        foreach (var c in configuredKey)
            if (!Filler.Contains(c) && clause.Contains(c)) return false;
        if (SampleWords.Any(w => configuredKey.Contains(w, StringComparison.Ordinal)) && SampleWords.Any(w => clause.Contains(w, StringComparison.Ordinal))) return false;
        return true;
    }
}
