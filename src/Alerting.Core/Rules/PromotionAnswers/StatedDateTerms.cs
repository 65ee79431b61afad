using System.Text.RegularExpressions;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>Promotion dates (11月1日开始, 到11月11日, 11.1-11.11, 双11当天) and dates about something else (发货, 尾款, 退款).</summary>
internal static partial class StatedTermExtractor
{
    [GeneratedRegex(Date)]
    private static partial Regex DateOnly();

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
}
