using System.Globalization;
using System.Text.RegularExpressions;

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

/// <summary>
/// Finds promotion terms in folded agent text (<see cref="PromoText"/>). Each pattern tolerates the
/// usual ways people write a term (满300-50, 300减50, 满300元立减50元, 每满300减50, 定金50抵100…);
/// numbers already arrive as Arabic digits. Spans never overlap: patterns run from the most specific
/// to the loosest and a later match that overlaps an earlier one is dropped.
/// </summary>
internal static partial class StatedTermExtractor
{
    private const string Num = @"\d+(?:\.\d+)?";
    private const string Pre = @"(?:¥|\$|rmb|人民币)?";
    private const string Post = @"(?:元钱|元|块钱|块|rmb|人民币)?";
    private const string Date = @"(?:(?:\d{4}年)?(?<m>1[0-2]|0?[1-9])月(?<d>3[01]|[12]\d|0?[1-9])(?:日|号)?|(?<![\d.¥])(?<m>1[0-2]|0?[1-9])\.(?<d>3[01]|[12]\d|0?[1-9])(?![\d.元块折%倍分])|双(?<m>11|12)(?<dsame>)(?=当天|当日|那天|0点|零点))";

    [GeneratedRegex(@"(?<every>每)?满" + Pre + @"(?<t>" + Num + @")(?![\d件个样单份双瓶盒])" + Post + @"(?:的话|以上|及以上)?,?(?:就|可|可以|能|即|立|直接|再|都|会|还|马上)*(?:减|-|省|优惠|少)(?:去|掉|免|个)?" + Pre + @"(?<a>" + Num + @")(?![\d%折])" + Post)]
    private static partial Regex ThresholdWithMan();

    [GeneratedRegex(@"(?<![\d.满])(?<every>每)?" + Pre + @"(?<t>" + Num + @")(?!\d)(?:元|块)?(?:立减|减)" + Pre + @"(?<a>" + Num + @")(?![\d%折])" + Post)]
    private static partial Regex ThresholdBare();

    [GeneratedRegex(@"上不封顶|不封顶|无上限|没有上限|不设上限")]
    private static partial Regex NoCap();

    [GeneratedRegex(@"(?:最多|最高|封顶|上限)(?:是|为)?(?:可以?|能)?(?:减|优惠|省|抵)?" + Pre + @"(?<c>" + Num + @")(?![\d%折])" + Post + @"|(?<![\d.])(?<c>" + Num + @")" + Post + @"封顶")]
    private static partial Regex Cap();

    [GeneratedRegex(@"(?<![\d.])(?:(?<n>\d{1,2})件)?(?:打|享|是|为)?(?<z>\d{1,2}(?:\.\d)?)折(?!叠|扣|价券)|(?<z1>\d)点(?<z2>\d)折|(?<![件品])(?<half>半价)")]
    private static partial Regex Percent();

    [GeneratedRegex(@"(?<![\d.])" + Pre + @"(?<f>" + Num + @")(?!\d)" + Post + @"的?(?<free>无门槛)?的?(?:优惠券|代金券|红包|券)|(?:优惠券|代金券|券)的?(?:面额|面值|金额)?(?:是|为|:|有)?" + Pre + @"(?<f>" + Num + @")(?![\d折%.])(?:元钱|元|块钱|块|rmb)")]
    private static partial Regex CouponFace();

    [GeneratedRegex(@"满" + Pre + @"(?<t>" + Num + @")(?![\d件个])" + Post + @"(?:才|就|即)?(?:可以?|能)?(?:用|使用)")]
    private static partial Regex CouponThreshold();

    [GeneratedRegex(@"无门槛")]
    private static partial Regex NoThreshold();

    private const string Offset = @"(?:,?(?:到时候|到时|届时|尾款时|付尾款时|付尾款的时候|之后|后面)?(?:可|能|可以|就|直接|最高|最多|再)*(?:抵扣|抵用|抵|膨胀为|膨胀到|膨胀成|翻倍为|当作?|顶)" + Pre + @"(?<o>" + Num + @")(?![\d%折])" + Post + @")?";

    [GeneratedRegex(@"(?:定金|订金)(?:是|为|只要|仅需|只需|需要|要|付|交|:)*" + Pre + @"(?<d>" + Num + @")(?![\d%折])" + Post + Offset + @"|(?<![\d.])" + Pre + @"(?<d>" + Num + @")(?!\d)" + Post + @"的?(?:定金|订金)" + Offset + @"|(?<![\d.])" + Pre + @"(?<d>" + Num + @")(?!\d)" + Post + @"(?:抵扣|抵|膨胀为|膨胀到|当)" + Pre + @"(?<o>" + Num + @")(?![\d%折])" + Post)]
    private static partial Regex Presale();


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

    [GeneratedRegex(Date)]
    private static partial Regex DateOnly();

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

    [GeneratedRegex(@"^(?:-|~|至|到)" + Date)]
    private static partial Regex DateRangeTail();

    [GeneratedRegex(@"^(?:(?:晚上|凌晨|早上|上午|中午|下午)?\d{1,2}(?:点|:\d{2})(?:整)?)?(?:正式)?(?:开始|起|开抢|开启|开售|开卖)")]
    private static partial Regex StartsAfter();

    [GeneratedRegex(@"^(?:(?:晚上|凌晨|早上|上午|中午|下午)?\d{1,2}(?:点|:\d{2})(?:整)?)?(?:结束|截止|为止)")]
    private static partial Regex EndsAfter();

    [GeneratedRegex(@"(?<!等|要等|得等)(?:到|至|截止到?|截至|持续到)$")]
    private static partial Regex EndsBefore();

    [GeneratedRegex(@"^(?:当天|当日|那天|那一天|一天)")]
    private static partial Regex OnDayAfter();

    // 要等到11月1日 (said before the start) is when it begins, not when it ends.
    [GeneratedRegex(@"(?:等到|等|从|自)$")]
    private static partial Regex StartsBefore();

    [GeneratedRegex(@"(?:只有|仅限|只在|就在|仅在)$")]
    private static partial Regex OnDayBefore();

    /// <summary>Extracts stated terms; <paramref name="productKeys"/> are folded product names of configured prices.</summary>
    /// <remarks>
    /// <paramref name="masked"/> is <paramref name="text"/> with promotion names masked (amounts are read from
    /// it); dates are read from the unmasked text so 双11当天 still counts as a day.
    /// </remarks>
    /// <param name="storeWideOnly">Only the kinds judged without a mention (shipping, price, 包邮, returns): the message names no promotion and follows no question about one.</param>
    public static List<StatedTerm> Extract(PromoText text, PromoText masked, IReadOnlyCollection<string> productKeys, bool storeWideOnly = false)
    {
        var s = masked.Text;
        var found = new List<StatedTerm>();
        if (s.Length == 0) return found;
        if (storeWideOnly)
        {
            var takenOnly = new List<(int Start, int End)>();
            bool TakeOnly(int start, int length)
            {
                var end = start + length;
                foreach (var (ts, te) in takenOnly)
                    if (start < te && ts < end) return false;
                takenOnly.Add((start, end));
                return true;
            }
            ExtractStoreWide(s, found, TakeOnly, productKeys);
            found.Sort((x, y) => x.Start.CompareTo(y.Start));
            return found;
        }
        var taken = new List<(int Start, int End)>();
        var mentionsCoupon = s.Contains('券') || s.Contains("红包", StringComparison.Ordinal);
        var mentionsPresale = s.Contains("定金", StringComparison.Ordinal) || s.Contains("订金", StringComparison.Ordinal)
            || s.Contains("预售", StringComparison.Ordinal) || s.Contains("膨胀", StringComparison.Ordinal);

        bool Take(int start, int length)
        {
            var end = start + length;
            foreach (var (ts, te) in taken)
                if (start < te && ts < end) return false;
            taken.Add((start, end));
            return true;
        }

        if (mentionsPresale)
        {
            foreach (Match m in Presale().Matches(s))
            {
                // The bare "50抵100" form needs an explicit offset; a lone number is no deposit.
                var deposit = Dec(m.Groups["d"]);
                var offset = m.Groups["o"].Success ? Dec(m.Groups["o"]) : (decimal?)null;
                if (deposit <= 0) continue;
                if (Take(m.Index, m.Length)) found.Add(new StatedPresale(m.Index, m.Length, deposit, offset));
            }
        }
        // 尾款 alone is presale wording; dates are read from the unmasked text so 双11当天 still counts.
        if (text.Text.Contains("尾款", StringComparison.Ordinal)) ExtractFinalPayments(text.Text, found, Take);

        var sawThreshold = false;
        foreach (var regex in new[] { ThresholdWithMan(), ThresholdBare() })
        {
            foreach (Match m in regex.Matches(s))
            {
                var t = Dec(m.Groups["t"]);
                var a = Dec(m.Groups["a"]);
                if (t <= 0 || a <= 0 || a >= t) continue;
                if (!Take(m.Index, m.Length)) continue;
                sawThreshold = true;
                // 满300减50的券 / 领券满300减50: a coupon stated in 满减 form.
                if (mentionsCoupon && NearCouponWord(s, m.Index, m.Index + m.Length))
                    found.Add(new StatedCoupon(m.Index, m.Length, a, t));
                else
                    found.Add(new StatedThreshold(m.Index, m.Length, t, a, m.Groups["every"].Success));
            }
        }
        if (s.Contains('送') || s.Contains('赠'))
            ExtractGifts(s, found, Take, found.Where(f => f is StatedThreshold or StatedCoupon).ToList());

        if (sawThreshold)
        {
            foreach (Match m in NoCap().Matches(s))
                if (Take(m.Index, m.Length)) found.Add(new StatedCap(m.Index, m.Length, null));
            foreach (Match m in Cap().Matches(s))
                if (Take(m.Index, m.Length)) found.Add(new StatedCap(m.Index, m.Length, Dec(m.Groups["c"])));
        }

        if (mentionsCoupon)
        {
            foreach (Match m in CouponFace().Matches(s))
            {
                var face = Dec(m.Groups["f"]);
                if (face <= 0 || !Take(m.Index, m.Length)) continue;
                found.Add(new StatedCoupon(m.Index, m.Length, face, m.Groups["free"].Success ? 0 : null));
            }
            foreach (Match m in NoThreshold().Matches(s))
                if (Take(m.Index, m.Length)) found.Add(new StatedCoupon(m.Index, m.Length, null, 0));
        }

        // 满199就能用 answers "券怎么用" without the word 券: "usable from a spend" is coupon wording either way.
        foreach (Match m in CouponThreshold().Matches(s))
            if (Take(m.Index, m.Length)) found.Add(new StatedCoupon(m.Index, m.Length, null, Dec(m.Groups["t"])));

        foreach (Match m in Percent().Matches(s))
        {
            decimal percent;
            if (m.Groups["half"].Success) percent = 50;
            else if (m.Groups["z1"].Success) percent = Dec(m.Groups["z1"]) * 10 + Dec(m.Groups["z2"]);
            else
            {
                var z = Dec(m.Groups["z"]);
                if (z > 0 && z < 10) percent = z * 10;
                else if (z >= 10 && z < 100 && decimal.Truncate(z) == z) percent = z;
                else continue;
            }
            int? items = m.Groups["n"].Success ? int.Parse(m.Groups["n"].ValueSpan, CultureInfo.InvariantCulture) : null;
            if (Take(m.Index, m.Length)) found.Add(new StatedPercent(m.Index, m.Length, percent, items));
        }

        ExtractStoreWide(s, found, Take, productKeys);

        ExtractDates(text.Text, found, Take);
        found.Sort((x, y) => x.Start.CompareTo(y.Start));
        return found;
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

    private static void ExtractDates(string s, List<StatedTerm> found, Func<int, int, bool> take)
    {
        var consumedUntil = 0;
        foreach (Match m in DateOnly().Matches(s))
        {
            if (m.Index < consumedUntil) continue;
            var (month, day) = MonthDay(m);
            var end = m.Index + m.Length;
            var after = s[end..];
            var before = s[..m.Index];
            var tail = DateRangeTail().Match(after);
            if (tail.Success)
            {
                var (toMonth, toDay) = MonthDay(tail);
                var length = m.Length + tail.Length;
                consumedUntil = m.Index + length;
                if (take(m.Index, length))
                    found.Add(new StatedDates(m.Index, length, DateClaim.Range, month, day, toMonth, toDay));
                continue;
            }
            // A date about something else (the final payment, shipping, a refund) says nothing about
            // the promotion's own dates, even when the conversation is about the promotion.
            if (OtherDateSubject(before, after)) continue;
            DateClaim? claim = null;
            var claimEnd = end;
            Match k;
            if ((k = StartsAfter().Match(after)).Success) { claim = DateClaim.Starts; claimEnd = end + k.Length; }
            else if ((k = EndsAfter().Match(after)).Success) { claim = DateClaim.Ends; claimEnd = end + k.Length; }
            else if (EndsBefore().IsMatch(before)) claim = DateClaim.Ends;
            else if (StartsBefore().IsMatch(before) && !DateRangeTail().IsMatch(after)) claim = DateClaim.Starts;
            else if ((k = OnDayAfter().Match(after)).Success) { claim = DateClaim.OnDay; claimEnd = end + k.Length; }
            else if (OnDayBefore().IsMatch(before)) claim = DateClaim.OnDay;
            if (claim is null) continue;
            if (take(m.Index, m.Length))
                found.Add(new StatedDates(m.Index, claimEnd - m.Index, claim.Value, month, day, 0, 0));
        }
    }

    private static readonly string[] OtherDateSubjects = ["尾款", "定金", "订金", "发货", "到货", "送达", "签收", "退款", "到账", "售后", "物流"];

    private static readonly string[] OtherDateActions = ["发货", "到货", "送达", "签收", "支付", "付尾款", "到账", "退款", "退回"];

    private static bool OtherDateSubject(string before, string after)
    {
        var near = before.AsSpan(Math.Max(0, before.Length - 8));
        foreach (var word in OtherDateSubjects)
            if (near.Contains(word.AsSpan(), StringComparison.Ordinal)) return true;
        var next = after.AsSpan(0, Math.Min(after.Length, 10));
        foreach (var word in OtherDateActions)
            if (next.Contains(word.AsSpan(), StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>券 or 红包 in the same clause, up to 10 characters either side: 券是满300减50的, 满300减50的店铺优惠券.</summary>
    private static bool NearCouponWord(string s, int start, int end)
    {
        var from = ClauseStart(s, start, 10);
        var to = ClauseEnd(s, end, 10);
        var near = s.AsSpan(from, to - from);
        return near.Contains('券') || near.Contains("红包", StringComparison.Ordinal);
    }

    private static bool IsClauseBreak(char c) => c is '。' or '!' or '?' or ';' or '；' or ',' or '，' or '\n';

    /// <summary>Start of the clause holding <paramref name="index"/>, looking back at most <paramref name="max"/> characters.</summary>
    private static int ClauseStart(string s, int index, int max)
    {
        var i = index;
        while (i > 0 && index - i < max && !IsClauseBreak(s[i - 1])) i--;
        return i;
    }

    /// <summary>End of the clause that continues at <paramref name="index"/>, looking on at most <paramref name="max"/> characters.</summary>
    private static int ClauseEnd(string s, int index, int max)
    {
        var i = index;
        while (i < s.Length && i - index < max && !IsClauseBreak(s[i])) i++;
        return i;
    }

    private static (int Month, int Day) MonthDay(Match m)
    {
        var month = int.Parse(m.Groups["m"].ValueSpan, CultureInfo.InvariantCulture);
        var day = m.Groups["dsame"].Success ? month : int.Parse(m.Groups["d"].ValueSpan, CultureInfo.InvariantCulture);
        return (month, day);
    }

    private static decimal Dec(Group g)
        => decimal.Parse(g.ValueSpan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
}
