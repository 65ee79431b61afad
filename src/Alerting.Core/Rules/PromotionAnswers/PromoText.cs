using System.Globalization;
using System.Text;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>
/// Chat text folded into one canonical form for matching, with a map back to the original so
/// evidence spans point into the text the inspector sees. Folding: full-width ASCII to half-width
/// (３００ → 300, ￥ → ¥), ASCII lower-case, whitespace dropped, and (optionally) Chinese and mixed
/// numerals to Arabic digits (两百五 → 250, 1.5万 → 15000, 3百 → 300, 双十一 → 双11).
/// </summary>
internal sealed class PromoText
{
    private const string ChineseNumerals = "零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟";

    /// <summary>
    /// Every character that can begin one of <paramref name="foldedKeys"/> in raw text (before folding):
    /// the key's first character, its full-width and upper-case forms, and Chinese numerals when numerals
    /// are folded. A text containing none of them cannot contain any key, so a rule can skip folding it.
    /// </summary>
    public static System.Buffers.SearchValues<char> StartChars(IEnumerable<string> foldedKeys, bool numerals)
        => System.Buffers.SearchValues.Create([.. StartCharList(foldedKeys, numerals)]);

    /// <summary>
    /// A necessary condition for any of <paramref name="foldedKeys"/> to occur in the folded form of a raw text,
    /// tighter than <see cref="StartChars"/>: for each key, one character that folding never produces from a
    /// numeral (the key's first character other than a digit or '.'), with every raw character that folds to it
    /// (full-width, upper-case, traditional: 會 for 会, 卷 for 券). A key made only of digits contributes the digits
    /// and the Chinese numerals. A raw text containing none of these characters cannot contain any key, so
    /// 一/两/digits in ordinary replies no longer force a fold when the store's names are words (双11满减 → 双).
    /// </summary>
    public static System.Buffers.SearchValues<char> NameAnchors(IEnumerable<string> foldedKeys)
    {
        var anchors = new HashSet<char>();
        var chars = new HashSet<char>();
        foreach (var key in foldedKeys)
        {
            if (key.Length == 0) continue;
            var anchor = '\0';
            foreach (var c in key)
                if (!IsAsciiDigit(c) && c != '.') { anchor = c; break; }
            if (anchor == '\0')
            {
                foreach (var d in "0123456789\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19") chars.Add(d);
                foreach (var n in ChineseNumerals) chars.Add(n);
                continue;
            }
            anchors.Add(anchor);
        }
        if (anchors.Count > 0)
        {
            for (var c = 0; c <= 0xFFFF; c++)
                if (anchors.Contains(FoldChar((char)c))) chars.Add((char)c);
            if (anchors.Contains('券')) chars.Add('卷');
        }
        return System.Buffers.SearchValues.Create([.. chars]);
    }

    /// <summary>True for the Chinese numerals that folding may turn into digits (一, 两, 万, 壹 …).</summary>
    internal static bool IsChineseNumeral(char c) => ChineseNumerals.Contains(c);

    /// <summary>What pass 1 of <see cref="Fold"/> makes of one character, context aside (卷 and 。 depend on neighbours).</summary>
    internal static char FoldChar(char c)
    {
        if (c is >= '\uff01' and <= '\uff5e') c = (char)(c - 0xfee0);
        else if (c == '\uffe5') c = '¥';
        else if (c is '\u2014' or '\u2013' or '\u2212' or '\u2012' or '\u2015') c = '-';
        if (c is >= 'A' and <= 'Z') c = (char)(c + 32);
        return Alerting.Core.Text.TraditionalChinese.ToSimplified(c);
    }

    /// <summary>The characters of <see cref="StartChars"/> as a set, to combine with others.</summary>
    public static HashSet<char> StartCharList(IEnumerable<string> foldedKeys, bool numerals)
    {
        var chars = new HashSet<char>();
        foreach (var key in foldedKeys)
        {
            if (key.Length == 0) continue;
            var c = key[0];
            chars.Add(c);
            if (c is >= 'a' and <= 'z') { chars.Add(char.ToUpperInvariant(c)); chars.Add((char)(char.ToUpperInvariant(c) + 0xFEE0)); }
            if (c is >= '!' and <= '~') chars.Add((char)(c + 0xFEE0));
            if (c == '¥') chars.Add('￥');
            if (numerals && char.IsAsciiDigit(c)) foreach (var n in ChineseNumerals) chars.Add(n);
        }
        return chars;
    }

    private readonly int[] _origStart;
    private readonly int[] _origEnd;

    private PromoText(string original, string text, int[] origStart, int[] origEnd)
    {
        Original = original;
        Text = text;
        _origStart = origStart;
        _origEnd = origEnd;
    }

    public string Original { get; }

    /// <summary>The folded text that patterns run on.</summary>
    public string Text { get; }

    /// <summary>Maps a span of <see cref="Text"/> to the UTF-16 span of <see cref="Original"/> it came from.</summary>
    public (int Start, int Length) ToOriginal(int start, int length)
    {
        if (Text.Length == 0) return (0, 0);
        start = Math.Clamp(start, 0, Text.Length - 1);
        var last = Math.Clamp(start + Math.Max(length, 1) - 1, start, Text.Length - 1);
        var s = _origStart[start];
        return (s, _origEnd[last] - s);
    }

    /// <summary>The original text behind a span of <see cref="Text"/>.</summary>
    public string OriginalSlice(int start, int length)
    {
        var (s, l) = ToOriginal(start, length);
        return Original.Substring(s, l);
    }

    /// <summary>
    /// A copy whose given spans (promotion names) read as '□', so the digits of 双11 or 618 are never
    /// taken for an amount (双11定金50 is a 50 deposit, not 11). Spans and the map stay the same.
    /// </summary>
    public PromoText Mask(IEnumerable<(int Start, int Length)> spans)
    {
        var chars = Text.ToCharArray();
        var any = false;
        foreach (var (start, length) in spans)
            for (var i = start; i < start + length && i < chars.Length; i++) { chars[i] = Masked; any = true; }
        return any ? new PromoText(Original, new string(chars), _origStart, _origEnd) : this;
    }

    /// <summary>
    /// A copy in which only the digits (and decimal points) inside the given spans read as '□': the numbers of
    /// a promotion name (双11, 618) are never taken for an amount, while its words (定金, 发货, a product name)
    /// stay readable for the term patterns. Spans and the map stay the same.
    /// </summary>
    public PromoText MaskDigits(IEnumerable<(int Start, int Length)> spans)
    {
        char[]? chars = null;
        foreach (var (start, length) in spans)
            for (var i = start; i < start + length && i < Text.Length; i++)
                if (IsAsciiDigit(Text[i]) || (Text[i] == '.' && i > start && IsAsciiDigit(Text[i - 1])))
                    (chars ??= Text.ToCharArray())[i] = Masked;
        return chars is null ? this : new PromoText(Original, new string(chars), _origStart, _origEnd);
    }

    /// <summary>The character that stands for a masked promotion name.</summary>
    public const char Masked = '□';

    public static PromoText Fold(string original, bool convertNumerals = true)
    {
        // Pass 1: width, case and whitespace, one output char per kept input char.
        var chars = new List<(char C, int S, int E)>(original.Length);
        for (var i = 0; i < original.Length; i++)
        {
            var c = original[i];
            if (char.IsWhiteSpace(c) || c is '\u200b' or '\u200c' or '\u200d' or '\ufeff')
            {
                // Spaces go, except between two Arabic numbers (双11 72小时 must not read 1172).
                if (chars.Count > 0 && IsAsciiDigit(chars[^1].C) && NextNonSpaceIsDigit(original, i + 1)) chars.Add((' ', i, i + 1));
                continue;
            }
            if (c is >= '\uff01' and <= '\uff5e') c = (char)(c - 0xfee0);
            else if (c == '\uffe5') c = '¥';
            else if (c is '\u2014' or '\u2013' or '\u2212' or '\u2012' or '\u2015') c = '-';
            else if (c == '\u3002' && i > 0 && i + 1 < original.Length && IsAsciiDigitLike(original[i - 1]) && IsAsciiDigitLike(original[i + 1]))
                c = '.'; // 11。11 typed with a Chinese full stop
            if (c is >= 'A' and <= 'Z') c = (char)(c + 32);
            // Traditional characters (小時內發貨, 價) read as simplified, one to one, so every pattern sees one script.
            c = Alerting.Core.Text.TraditionalChinese.ToSimplified(c);
            // 卷 typed for 券 (same pinyin): only right after an amount or 的, where 卷 (roll) makes no sense.
            if (c == '卷' && chars.Count > 0 && (IsAsciiDigit(chars[^1].C) || chars[^1].C is '元' or '块' or '的')) c = '券';
            chars.Add((c, i, i + 1));
        }

        var sb = new StringBuilder(chars.Count);
        var starts = new List<int>(chars.Count);
        var ends = new List<int>(chars.Count);
        var k = 0;
        while (k < chars.Count)
        {
            if (convertNumerals && StartsNumeralRun(chars, k))
            {
                var end = k;
                while (end < chars.Count && InNumeralRun(chars, k, end)) end++;
                // A trailing '.' or ',' is punctuation, not part of the number.
                while (end > k && chars[end - 1].C is '.' or ',') end--;
                var run = new StringBuilder(end - k);
                for (var j = k; j < end; j++) run.Append(chars[j].C);
                var next = end < chars.Count ? chars[end].C : '\0';
                if (end > k && TryParseNumeral(run.ToString(), next, out var value, out var converted) && converted)
                {
                    var digits = value.ToString("0.##########", CultureInfo.InvariantCulture);
                    foreach (var d in digits)
                    {
                        sb.Append(d);
                        starts.Add(chars[k].S);
                        ends.Add(chars[end - 1].E);
                    }
                    k = end;
                    continue;
                }
                if (end > k)
                {
                    for (var j = k; j < end; j++)
                    {
                        if (chars[j].C == ',') continue; // 1,299 → 1299
                        sb.Append(chars[j].C);
                        starts.Add(chars[j].S);
                        ends.Add(chars[j].E);
                    }
                    k = end;
                    continue;
                }
            }
            sb.Append(chars[k].C);
            starts.Add(chars[k].S);
            ends.Add(chars[k].E);
            k++;
        }
        return new PromoText(original, sb.ToString(), starts.ToArray(), ends.ToArray());
    }

    private static bool NextNonSpaceIsDigit(string s, int from)
    {
        for (var i = from; i < s.Length; i++)
            if (!char.IsWhiteSpace(s[i])) return IsAsciiDigitLike(s[i]);
        return false;
    }

    private static bool IsAsciiDigitLike(char c) => c is >= '0' and <= '9' or >= '\uff10' and <= '\uff19';

    private static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

    private static int ChineseDigit(char c) => c switch
    {
        '零' or '〇' => 0,
        '一' or '壹' => 1,
        '二' or '两' or '贰' => 2,
        '三' or '叁' => 3,
        '四' or '肆' => 4,
        '五' or '伍' => 5,
        '六' or '陆' => 6,
        '七' or '柒' => 7,
        '八' or '捌' => 8,
        '九' or '玖' => 9,
        _ => -1,
    };

    private static int ChineseUnit(char c) => c switch
    {
        '十' or '拾' => 10,
        '百' or '佰' => 100,
        '千' or '仟' => 1000,
        '万' => 10000,
        _ => 0,
    };

    private static bool StartsNumeralRun(List<(char C, int S, int E)> chars, int k)
    {
        var c = chars[k].C;
        return IsAsciiDigit(c) || ChineseDigit(c) >= 0 || c is '十' or '拾';
    }

    private static bool InNumeralRun(List<(char C, int S, int E)> chars, int runStart, int k)
    {
        var c = chars[k].C;
        var prev = k > runStart ? chars[k - 1].C : '\0';
        // 11三天 is "11" then "三天", and 三0 is no number: Arabic and Chinese digits only meet at a unit (3百, 1.5万).
        if (IsAsciiDigit(prev) && ChineseDigit(c) >= 0) return false;
        if (ChineseDigit(prev) >= 0 && IsAsciiDigit(c)) return false;
        if (IsAsciiDigit(c) || ChineseDigit(c) >= 0 || ChineseUnit(c) > 0) return true;
        if (c == '.') return k > 0 && IsAsciiDigit(chars[k - 1].C) && k + 1 < chars.Count && IsAsciiDigit(chars[k + 1].C);
        if (c == ',')
        {
            // Thousands separator only: digit , ddd and then no further digit.
            if (k == 0 || !IsAsciiDigit(chars[k - 1].C)) return false;
            for (var j = 1; j <= 3; j++)
                if (k + j >= chars.Count || !IsAsciiDigit(chars[k + j].C)) return false;
            return k + 4 >= chars.Count || !IsAsciiDigit(chars[k + 4].C);
        }
        return false;
    }

    /// <summary>
    /// Parses a run of Arabic digits, Chinese digits and units. <paramref name="converted"/> is false
    /// for plain Arabic runs (left as written). Digit strings without units (九五) are only read as
    /// numbers before 折 (九五折 = 95折); elsewhere they are left alone (三五天 is "3 to 5 days").
    /// </summary>
    internal static bool TryParseNumeral(string run, char next, out decimal value, out bool converted)
    {
        value = 0;
        converted = false;
        var hasChinese = false;
        var hasUnit = false;
        foreach (var c in run)
        {
            if (ChineseDigit(c) >= 0) hasChinese = true;
            if (ChineseUnit(c) > 0) { hasChinese = true; hasUnit = true; }
        }
        var plain = run.Replace(",", "", StringComparison.Ordinal);
        if (!hasChinese)
        {
            converted = plain.Length != run.Length;
            return decimal.TryParse(plain, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
        }
        converted = true;
        if (!hasUnit)
        {
            // 一 → 1; 九五折 → 95; other unit-less Chinese digit strings stay as written.
            if (run.Length == 1)
            {
                // A lone financial numeral (陆续, 伍) or 一 in an everyday word (一般, 一起, 一定) is no number:
                // "一般是72小时" must not read "1般是72小时".
                if (run[0] is '壹' or '贰' or '叁' or '肆' or '伍' or '陆' or '柒' or '捌' or '玖') return false;
                if (run[0] == '一' && "般样起直定些下共切致律旦会边向贯同并齐概再级流手线".Contains(next)) return false;
                value = ChineseDigit(run[0]);
                return true;
            }
            if (next != '折' || run.Length > 2) return false;
            foreach (var c in run)
            {
                var d = ChineseDigit(c);
                if (d < 0) return false;
                value = value * 10 + d;
            }
            return true;
        }

        decimal total = 0, section = 0;
        decimal? current = null;
        var lastUnit = 0;
        var sawZero = false;
        var i = 0;
        while (i < plain.Length)
        {
            var c = plain[i];
            if (IsAsciiDigit(c))
            {
                var j = i;
                while (j < plain.Length && (IsAsciiDigit(plain[j]) || plain[j] == '.')) j++;
                if (current is not null) return false;
                if (!decimal.TryParse(plain.AsSpan(i, j - i), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)) return false;
                current = v;
                i = j;
                continue;
            }
            var digit = ChineseDigit(c);
            if (digit >= 0)
            {
                if (digit == 0) { sawZero = true; i++; continue; }
                if (current is not null) return false;
                current = digit;
                i++;
                continue;
            }
            var unit = ChineseUnit(c);
            if (unit == 0) return false;
            if (unit == 10000)
            {
                var sectionValue = section + (current ?? 0);
                if (sectionValue == 0) return false;
                total += sectionValue * 10000;
                section = 0;
                current = null;
                lastUnit = 10000;
            }
            else
            {
                if (lastUnit != 0 && lastUnit != 10000 && unit >= lastUnit && current is null) return false;
                section += (current ?? 1) * unit;
                current = null;
                lastUnit = unit;
            }
            sawZero = false;
            i++;
        }
        if (current is not null)
        {
            // 两百五 = 250, 三千五 = 3500, 一万五 = 15000: a trailing digit right after a unit is
            // the next lower place, unless a 零 came between (一百零五 = 105).
            var place = !sawZero && lastUnit >= 100 && plain.Length >= 2 && ChineseUnit(plain[^2]) == lastUnit
                ? (lastUnit == 10000 ? 1000 : lastUnit / 10)
                : 1;
            section += current.Value * place;
        }
        value = total + section;
        return value > 0 || run.Contains('零') || run.Contains('〇');
    }
}
