using System.Globalization;
using System.Text.RegularExpressions;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>Final payment (尾款) dates and whether each opens or closes the window, a part of <see cref="StatedTermExtractor"/>.</summary>
internal static partial class StatedTermExtractor
{
    private const string TimeOfDay = @"(?:(?:晚上|凌晨|早上|上午|中午|下午|晚|早)?(?<h>\d{1,2})(?:点|:(?<min>\d{2}))(?:整|半|\d{1,2}分)?)?";

    // A date as Date reads it, a bare day (11号) or a day relative to the message (明天); then an optional time.
    [GeneratedRegex(@"(?:" + Date + @"|(?<rel>大后天|后天|明天|明日|今天|今日)|(?<![\d.月])(?<bd>3[01]|[12]\d|0?[1-9])(?:号|日)(?!内|之内|以内))(?:号|日)?" + TimeOfDay)]
    private static partial Regex PayDate();

    [GeneratedRegex(@"^(?:前(?!后)|之前|以前|为止|截止|结束|止)")]
    private static partial Regex PayEndsAfter();

    [GeneratedRegex(@"^(?:正式|就|才|才能|就能|就可以)?(?:开始|起|开启|开放|开付)")]
    private static partial Regex PayStartsAfter();

    [GeneratedRegex(@"(?:截止|截至|最晚|最迟|(?:持续|延长|延期|延|付|交|截止)?(?:到|至)|-|~)(?:是|为|在|于|:)?$")]
    private static partial Regex PayEndsBefore();

    [GeneratedRegex(@"从$")]
    private static partial Regex PayStartsBefore();

    // Between 尾款 and its date, only words that say nothing about which end (尾款支付时间是11月11日).
    [GeneratedRegex(@"^(?:的|在|于|是|时间|支付时间|付款时间|支付|付款|:|可以|要|需要|需|请|应|都|统一|会)*$")]
    private static partial Regex PayOnDayBefore();

    [GeneratedRegex(@"^(?:-|~|至|到)$")]
    private static partial Regex RangeJoin();

    [GeneratedRegex(@"发货|发出|到货|送达|签收|到账|退款|退回|收货")]
    private static partial Regex NotPaymentAfter();

    private static readonly char[] SentenceEnds = ['。', '!', '?', ';', '；', '\n'];

    private static void ExtractFinalPayments(string s, List<StatedTerm> found, Func<int, int, bool> take)
    {
        for (var at = s.IndexOf("尾款", StringComparison.Ordinal); at >= 0; at = s.IndexOf("尾款", at + 2, StringComparison.Ordinal))
        {
            var from = at + 2;
            var to = s.IndexOfAny(SentenceEnds, from);
            to = Math.Min(to < 0 ? s.Length : to, from + 40);
            var next = s.IndexOf("尾款", from, StringComparison.Ordinal);
            if (next >= 0) to = Math.Min(to, next);
            var window = s[from..to];
            var dates = PayDate().Matches(window).Where(m => m.Length > 0).ToList();
            var anchor = 0;
            for (var i = 0; i < dates.Count; i++)
            {
                var m = dates[i];
                var before = window[anchor..m.Index];
                var after = window[(m.Index + m.Length)..];
                anchor = m.Index + m.Length;
                // 尾款付完11月15日前发货 is a shipping date.
                if (NotPaymentAfter().IsMatch(after.AsSpan(0, Math.Min(after.Length, 8)).ToString())) continue;
                var claimLength = 0;
                FinalPaymentClaim? claim = null;
                Match k;
                if ((k = PayEndsAfter().Match(after)).Success) { claim = FinalPaymentClaim.Ends; claimLength = k.Length; }
                else if ((k = PayStartsAfter().Match(after)).Success) { claim = FinalPaymentClaim.Starts; claimLength = k.Length; }
                else if (PayEndsBefore().IsMatch(before)) claim = FinalPaymentClaim.Ends;
                else if (PayStartsBefore().IsMatch(before)) claim = FinalPaymentClaim.Starts;
                else if (i + 1 < dates.Count && RangeJoin().IsMatch(window[anchor..dates[i + 1].Index])) claim = FinalPaymentClaim.Starts;
                else if (i == 0 && PayOnDayBefore().IsMatch(before)) claim = FinalPaymentClaim.OnDay;
                if (claim is null) continue;

                var day = PayDay(m);
                if (day is null) continue;
                // 11月12日0点前 closes at the end of 11月11日.
                if (claim == FinalPaymentClaim.Ends && m.Groups["h"].Success && int.Parse(m.Groups["h"].ValueSpan, CultureInfo.InvariantCulture) == 0
                    && (!m.Groups["min"].Success || m.Groups["min"].ValueSpan is "00"))
                    day = day.Value with { Day = day.Value.Day - 1, DaysFromSent = day.Value.DaysFromSent - 1 };
                if (day.Value.Day < 1 && day.Value.DaysFromSent is null) continue;

                // The first date's span starts at 尾款, so the evidence reads 尾款截止11月15日.
                var start = i == 0 ? at : from + m.Index;
                var end = from + m.Index + m.Length + claimLength;
                if (take(start, end - start)) found.Add(new StatedFinalPayment(start, end - start, claim.Value, day.Value));
            }
        }
    }

    private static StatedDay? PayDay(Match m)
    {
        if (m.Groups["rel"].Success)
        {
            var n = m.Groups["rel"].Value switch { "今天" or "今日" => 0, "明天" or "明日" => 1, "后天" => 2, _ => 3 };
            return new StatedDay(0, 0, n);
        }
        if (m.Groups["bd"].Success) return new StatedDay(0, int.Parse(m.Groups["bd"].ValueSpan, CultureInfo.InvariantCulture), null);
        if (!m.Groups["m"].Success) return null;
        var (month, day) = MonthDay(m);
        return new StatedDay(month, day, null);
    }
}
