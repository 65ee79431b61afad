using System.Globalization;
using System.Text.RegularExpressions;

namespace Alerting.Core.Rules.PromotionAnswers;

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
