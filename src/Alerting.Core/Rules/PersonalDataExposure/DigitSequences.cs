namespace Alerting.Core.Rules.PersonalDataExposure;

/// <summary>
/// A run of digits in chat text: the digit groups it is made of (split where a space, hyphen or dot
/// stood between them) with their UTF-16 spans in the original text. Digits are read from ASCII,
/// full-width, circled and parenthesized forms and (optionally) Chinese numerals, so 13８-①二34 5678
/// reads as one run.
/// </summary>
internal readonly record struct DigitGroup(string Digits, int Start, int End);

/// <summary>Finds runs of digits in text the way agents type numbers (grouped, full-width, circled, Chinese).</summary>
internal static class DigitSequences
{
    /// <summary>Characters that may stand between two digit groups of one number (at most two in a row).</summary>
    private const string Separators = " \u3000\u00A0-－—–‐‑·・._/";

    /// <summary>The digit 0–9 a character stands for, or -1.</summary>
    public static int DigitOf(char c, bool chineseNumerals)
    {
        if (c is >= '0' and <= '9') return c - '0';
        if (c is >= '０' and <= '９') return c - '０';
        if (c is >= '\u2460' and <= '\u2468') return c - '\u2460' + 1;       // ①–⑨
        if (c is >= '\u2474' and <= '\u247C') return c - '\u2474' + 1;       // ⑴–⑼
        if (c is >= '\u2488' and <= '\u2490') return c - '\u2488' + 1;       // ⒈–⒐
        if (c is >= '\u2776' and <= '\u277E') return c - '\u2776' + 1;       // ❶–❾
        if (c is >= '\u2780' and <= '\u2788') return c - '\u2780' + 1;       // ➀–➈
        if (c is >= '\u278A' and <= '\u2792') return c - '\u278A' + 1;       // ➊–➒
        if (c is '\u24EA' or '\u24FF') return 0; // ⓪ ⓿
        if (!chineseNumerals) return -1;
        return c switch
        {
            '零' or '〇' or '○' or '洞' => 0,
            '一' or '壹' or '幺' or '腰' => 1,
            '二' or '贰' or '两' => 2,
            '三' or '叁' => 3,
            '四' or '肆' => 4,
            '五' or '伍' => 5,
            '六' or '陆' => 6,
            '七' or '柒' or '拐' => 7,
            '八' or '捌' => 8,
            '九' or '玖' or '勾' => 9,
            _ => -1,
        };
    }

    /// <summary>Whether <paramref name="text"/> holds at least <paramref name="min"/> digit characters (a cheap pre-check).</summary>
    public static bool HasAtLeast(ReadOnlySpan<char> text, int min, bool chineseNumerals)
    {
        var n = 0;
        foreach (var c in text)
            if (DigitOf(c, chineseNumerals) >= 0 && ++n >= min) return true;
        return false;
    }

    /// <summary>
    /// Every run of digits with at least <paramref name="minDigits"/> digits in total. A run is split
    /// into groups at separators; a letter, '*', or any other character ends the run.
    /// </summary>
    public static List<DigitGroup[]> Find(string text, int minDigits, bool chineseNumerals)
    {
        var runs = new List<DigitGroup[]>();
        var groups = new List<DigitGroup>();
        var digits = new System.Text.StringBuilder();
        var groupStart = -1;
        var total = 0;
        var i = 0;
        void CloseGroup(int end)
        {
            if (groupStart < 0) return;
            groups.Add(new DigitGroup(digits.ToString(), groupStart, end));
            digits.Clear();
            groupStart = -1;
        }
        void CloseRun()
        {
            if (total >= minDigits) runs.Add([.. groups]);
            groups.Clear();
            total = 0;
        }
        while (i < text.Length)
        {
            var c = text[i];
            var d = DigitOf(c, chineseNumerals);
            if (d >= 0)
            {
                if (groupStart < 0) groupStart = i;
                digits.Append((char)('0' + d));
                total++;
                i++;
                continue;
            }
            // The check character of a resident id: an X right after the 17th digit.
            if (c is 'x' or 'X' or 'ｘ' or 'Ｘ' && groupStart >= 0 && total == 17 && (i + 1 >= text.Length || !char.IsAsciiLetterOrDigit(text[i + 1])))
            {
                digits.Append('X');
                total++;
                i++;
                CloseGroup(i);
                CloseRun();
                continue;
            }
            if (groupStart >= 0 && Separators.Contains(c))
            {
                // Up to two separators, then a digit: the number goes on.
                var j = i;
                while (j < text.Length && j - i < 2 && Separators.Contains(text[j])) j++;
                if (j < text.Length && DigitOf(text[j], chineseNumerals) >= 0)
                {
                    CloseGroup(i);
                    i = j;
                    continue;
                }
            }
            CloseGroup(i);
            CloseRun();
            i++;
        }
        CloseGroup(text.Length);
        CloseRun();
        return runs;
    }

    /// <summary>The digits of <paramref name="s"/> (ASCII, full-width, circled; not Chinese numerals), everything else dropped: how configured numbers are compared.</summary>
    public static string DigitsOf(string? s)
    {
        if (s is null) return "";
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (var c in s)
        {
            var d = DigitOf(c, chineseNumerals: false);
            if (d >= 0) sb.Append((char)('0' + d));
        }
        return sb.ToString();
    }
}
