using System.Globalization;
using System.Text.RegularExpressions;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>The store-wide kinds, judged without a mention: shipping promises, 包邮, no-reason returns and product prices.</summary>
internal static partial class StatedTermExtractor
{
    [GeneratedRegex(@"(?:到手价|活动价|券后价|现价|价格|售价|单价|特价|秒杀价|优惠价|只要|只需|仅需|仅售|才|卖|到手|券后|拍下|下单|入手)(?:是|为|:|只要|仅|就|都|只|只需|价)*" + Pre + @"(?<p>" + Num + @")(?![\d%折件个天月日号.])")]
    private static partial Regex PriceKeyword();

    // 套装一百五 (folded 套装150), 面霜的话159哦: a bare number right after the product, ending the clause or before a particle.
    [GeneratedRegex(@"^(?:的话|现在|目前|活动期间|这次|今天|活动)?(?:是|为|:|只要|就)*" + Pre + @"(?<p>" + Num + @")(?!\d)(?:元钱|元|块钱|块|(?=$|[,.~!?。、呢哦哈啊呀的噢喔吧啦哟😊🙂👍])|(?=就(?:能|可以)?(?:拿|买|入手|到手|拍)|(?:可以|能)?(?:拿下|入手|到手|拍到|买到)))")]
    private static partial Regex PriceUnitRightAfter();

    [GeneratedRegex(@"原价|日常价|吊牌价|划线价|专柜价|平时|平常|之前|以前|原来")]
    private static partial Regex NotPromotionPrice();

    // Words agents put between the number and the verb: 48小时内就能发货, 72小时以内都会给您安排发出.
    private const string ShipFill = @"(?:就|才|再|可以|可|会|能|都|必|将|给您|为您|帮您|给你|为你|帮你|安排|统一|陆续|尽快|一定|肯定|保证|全部|立即|马上|优先|正常|左右|内|之内|以内)*";
    private const string ShipVerb = @"(?:发货|发出|发走|寄出|出库|发快递|发(?![票错霉烧热光布现生表明动型到]))";
    private const string RangeLow = @"(?:(?<lo>\d{1,3})(?:-|~|到|至|或))?";

    [GeneratedRegex(@"(?<![\d.])" + RangeLow + @"(?<h>\d{1,3})个?(?:小时|h|钟头)" + ShipFill + ShipVerb
        + @"|(?<![\d.])" + RangeLow + @"(?<days>\d{1,2})个?(?:工作日|天)" + ShipFill + ShipVerb
        + @"|(?<![\d.])(?<weeks>\d)个?(?:周|星期|礼拜)" + ShipFill + ShipVerb
        + @"|(?<sameday>当天|当日)" + ShipFill + ShipVerb + @"|(?<nextday>次日|隔日|隔天)" + ShipFill + ShipVerb
        + @"|(?:发货|发出)(?!后)(?:时间|时效)?(?:是|为|一般|都是|都|在|:|的话|会在|大概|大约|最晚|最迟|付款后|下单后|拍下后|支付后)*" + RangeLow + @"(?:(?<h>\d{1,3})个?(?:小时|h|钟头)|(?<days>\d{1,2})个?(?:工作日|天))")]
    private static partial Regex ShippingHours();

    [GeneratedRegex(Date + @"(?:\d{1,2}(?:点|:\d{2}))?(?:之前|以前|前)(?:就|可以|会|能|都|必)*(?:发货|发出)")]
    private static partial Regex ShipBy();

    [GeneratedRegex(@"(?<not>(?:不|不能|不可以|没有|没|无法|不是|不支持|不给|不提供)(?:包邮|包油|免邮|免运费)|(?:运费|邮费)(?:需要|要|得|由)?(?:您|你|买家|亲)?(?:自己)?(?:自理|自付|承担|出|付|另付|另算|另计)|(?:需要|要|得)(?:您|你)?(?:补|付|出|加|承担)(?:运费|邮费))|满" + Pre + @"(?<t>" + Num + @")" + Post + @"(?:以上)?(?:就|即|可|才|可以|都)*(?:包邮|包油|免邮|免运费)|(?:包邮|包油|免邮|免运费)(?![券卡吗么?])")]
    private static partial Regex FreeShippingWords();

    [GeneratedRegex(@"(?:全场|全店|全部商品|所有商品|任意金额|任意|不限金额|无门槛|一件也|一件就|一件|单件也|单件)(?:商品|订单)?(?:都|均|也|就|可以|可|是)*$")]
    private static partial Regex UnconditionalWords();

    [GeneratedRegex(@"(?:新疆|西藏|偏远|港澳台|香港|澳门|台湾|海外|国外|内蒙|青海|宁夏|甘肃|部分地区|个别地区|除)")]
    private static partial Regex ShippingRegionWords();

    [GeneratedRegex(@"(?<not>不支持|不能|不可以|不享受|不提供|不参加|不参与|没有|无法|不给|不)?(?:(?<d>\d{1,2})天(?:内)?)?(?:无理由|无忧)(?:退换货|退换|退货|换货|退款)?")]
    private static partial Regex ReturnWords();

    [GeneratedRegex(@"定制|拆封|拆开|拆了|使用过|用过|穿过|洗过|激活|贴身|内衣|内裤|袜|生鲜|食品|鲜花|次销售|吊牌|特价|清仓|个人原因|质量问题|虚拟|吗|\?")]
    private static partial Regex ReturnExceptionWords();

    private static readonly string[] StoreSelfWords = ["亲爱的", "亲", "您好", "你好", "宝宝", "宝", "抱歉", "不好意思", "我们家", "我们", "本店", "店铺", "咱们", "咱家", "我家", "小店", "店里", "全店", "全场", "这边", "目前", "暂时", "现在", "都", "也", "是", "的", "还", "均", "哦", "呢"];

    /// <summary>
    /// Whether something other than greetings, the store's own names and particles precedes a refusal of no-reason
    /// returns in its clause: a product or category (大家电, 这款, 贴膜类), so the refusal is an exception.
    /// </summary>
    private static bool NamesProductBefore(ReadOnlySpan<char> before)
    {
        while (true)
        {
            before = before.Trim(" ,~!.");
            if (before.IsEmpty) return false;
            var stripped = false;
            foreach (var w in StoreSelfWords)
                if (before.StartsWith(w, StringComparison.Ordinal)) { before = before[w.Length..]; stripped = true; break; }
            if (!stripped) return true;
        }
    }

    /// <summary>Shipping promises, 包邮, returns and product prices: the kinds judged without a mention.</summary>
    private static void ExtractStoreWide(string s, List<StatedTerm> found, Func<int, int, bool> take, IReadOnlyCollection<string> productKeys)
    {
        if (s.AsSpan().ContainsAny(ShippingVerbStarts)) ExtractShipping(s, found, take);
        ExtractFreeShippingReturnsPrices(s, found, take, productKeys);
    }

    private static readonly System.Buffers.SearchValues<char> ShippingVerbStarts = System.Buffers.SearchValues.Create("发寄库");

    private static void ExtractShipping(string s, List<StatedTerm> found, Func<int, int, bool> take)
    {
        foreach (Match m in ShipBy().Matches(s))
        {
            var (month, day) = MonthDay(m);
            if (take(m.Index, m.Length)) found.Add(new StatedShipBy(m.Index, m.Length, month, day));
        }
        foreach (Match m in ShippingHours().Matches(s))
        {
            // A range or an approximation (两到三天, 48小时左右) promises its upper end.
            int hours;
            if (m.Groups["sameday"].Success) hours = 24;
            else if (m.Groups["nextday"].Success) hours = 48;
            else if (m.Groups["h"].Success) hours = int.Parse(m.Groups["h"].ValueSpan, CultureInfo.InvariantCulture);
            else if (m.Groups["weeks"].Success) hours = int.Parse(m.Groups["weeks"].ValueSpan, CultureInfo.InvariantCulture) * 7 * 24;
            else hours = int.Parse(m.Groups["days"].ValueSpan, CultureInfo.InvariantCulture) * 24;
            if (m.Groups["lo"].Success && int.Parse(m.Groups["lo"].ValueSpan, CultureInfo.InvariantCulture) * (m.Groups["days"].Success ? 24 : 1) > hours) continue;
            if (hours > 0 && take(m.Index, m.Length)) found.Add(new StatedShippingHours(m.Index, m.Length, hours));
        }
    }

    private static void ExtractFreeShippingReturnsPrices(string s, List<StatedTerm> found, Func<int, int, bool> take, IReadOnlyCollection<string> productKeys)
    {
        if (s.Contains('邮') || s.Contains("包油", StringComparison.Ordinal) || s.Contains("运费", StringComparison.Ordinal))
        {
            foreach (Match m in FreeShippingWords().Matches(s))
            {
                // 新疆西藏不包邮 / 偏远地区除外 restrict the rule to regions; they say nothing about the general policy.
                var clauseStart = ClauseStart(s, m.Index, 10);
                // 退货运费自理 / 换货的运费 is about sending a parcel back, not about 包邮.
                var clauseBefore = s[clauseStart..m.Index];
                if (clauseBefore.Contains('退') || clauseBefore.Contains('换') || clauseBefore.Contains("寄回", StringComparison.Ordinal)) continue;
                if (ShippingRegionWords().IsMatch(clauseBefore)
                    || ShippingRegionWords().IsMatch(s.AsSpan(m.Index + m.Length, Math.Min(4, s.Length - m.Index - m.Length)).ToString())) continue;
                var free = !m.Groups["not"].Success;
                decimal? threshold = m.Groups["t"].Success ? Dec(m.Groups["t"]) : null;
                // 全场包邮 / 一件也包邮 / 不限金额包邮: every order ships free, a threshold of 0 (全国包邮 is about regions, not amounts).
                if (free && threshold is null && UnconditionalWords().IsMatch(clauseBefore)) threshold = 0;
                if (take(m.Index, m.Length)) found.Add(new StatedFreeShipping(m.Index, m.Length, free, threshold));
            }
        }

        if (s.Contains("无理由", StringComparison.Ordinal) || s.Contains("无忧", StringComparison.Ordinal))
        {
            foreach (Match m in ReturnWords().Matches(s))
            {
                // 定制商品不支持7天无理由 is a product exception, not the store policy; a question states nothing.
                var from = ClauseStart(s, m.Index, 16);
                var to = ClauseEnd(s, m.Index + m.Length, 8);
                if (ReturnExceptionWords().IsMatch(s[from..to])) continue;
                // 大家电不支持无理由: a category or product named before the refusal is an exception, not the store's policy.
                if (m.Groups["not"].Success && NamesProductBefore(s.AsSpan(ClauseStart(s, m.Index, 10), m.Index - ClauseStart(s, m.Index, 10)))) continue;
                int? days = m.Groups["d"].Success ? int.Parse(m.Groups["d"].ValueSpan, CultureInfo.InvariantCulture) : null;
                var offered = !m.Groups["not"].Success;
                if (take(m.Index, m.Length)) found.Add(new StatedReturns(m.Index, m.Length, offered, days));
            }
        }

        foreach (var product in productKeys)
            ExtractPrices(s, product, found, take);
    }

    private static void ExtractPrices(string s, string product, List<StatedTerm> found, Func<int, int, bool> take)
    {
        for (var at = s.IndexOf(product, StringComparison.Ordinal); at >= 0; at = s.IndexOf(product, at + 1, StringComparison.Ordinal))
        {
            var from = at + product.Length;
            var to = from;
            // The price belongs to the product only within the same clause, a few characters on.
            while (to < s.Length && to - from < 16 && s[to] is not ('。' or '!' or '?' or ';' or '；')) to++;
            var window = s[from..to];
            Match? hit = null;
            var direct = PriceUnitRightAfter().Match(window);
            if (direct.Success) hit = direct;
            else
            {
                foreach (Match m in PriceKeyword().Matches(window))
                {
                    var before = window[Math.Max(0, m.Index - 4)..(m.Index + Math.Min(m.Length, 4))];
                    if (NotPromotionPrice().IsMatch(before)) continue;
                    hit = m;
                    break;
                }
            }
            if (hit is null) continue;
            var p = hit.Groups["p"];
            var start = from + p.Index;
            // Extend the span over a following 元/块 so the evidence shows the unit too.
            var length = p.Length;
            if (start + length < s.Length && s[start + length] is '元' or '块') length++;
            if (take(start, length)) found.Add(new StatedPrice(start, length, product, Dec(p)));
        }
    }
}
