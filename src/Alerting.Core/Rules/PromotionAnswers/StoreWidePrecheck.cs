using System.Buffers;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>
/// Second pre-check for the store-wide kinds (shipping promise, 包邮, returns, product prices), on the raw text after
/// the character pre-check: true when one of the term patterns could read something, so most replies that merely
/// contain 发, 邮 or 运费 (补发, 发到长沙, 邮政, 运费险, 运费我们承担) are never folded. A necessary condition of the patterns
/// as written in <see cref="StatedTermExtractor"/>: a shipping promise needs a ship verb (发/发货/发出, 寄出, 出库) right
/// after a duration unit (小时/h/钟头, 天/工作日/当天/次日, 周/星期) or 前, fill words (就能, 给您安排, 以内 …) between, or
/// 发货/发出 followed by a duration within a few words; 包邮 needs 包邮/免邮/包油 or 运费 as those patterns read it; returns
/// need 无理由/无忧; a price needs the product's name. Characters are compared after the one-character fold
/// (full-width, case, traditional). Immutable; built once per store and config version.
/// </summary>
internal sealed class StoreWidePrecheck
{
    private static readonly SearchValues<char> ShipVerbs = SearchValues.Create("发發寄库庫");
    private static readonly SearchValues<char> ShipUnits = SearchValues.Create("时時hHｈＨ头頭天日周週期拜前");
    private static readonly SearchValues<char> Amounts = SearchValues.Create("0123456789０１２３４５６７８９一二两兩三四五六七八九十百当當次隔");

    // The characters of the fill words the shipping patterns allow between the duration and the verb (folded).
    private const string FillChars = "就才再可以会能都必将给您为帮你安排统一陆续尽快定肯保证全部立即马上优先正常左右内之";

    // 发 that is no ship verb in the shipping patterns: 发票, 发错, 发霉, 发到 ….
    private const string NotShipAfterFa = "票错霉烧热光布现生表明动型到";

    // How far after 发货/发出 a duration is looked for (发货时间一般是付款后48小时): the pattern's fill words, bounded.
    private const int DurationAfterVerbWindow = 20;

    private readonly bool _shipping, _free, _returns;
    private readonly string[] _products;

    public StoreWidePrecheck(IReadOnlyList<PromotionOptions> promotions, StorePolicyOptions? policy)
    {
        var all = promotions.Where(p => p is not null).Select(p => (p.Shipping, p.FreeShipping, p.Returns, p.Prices)).ToList();
        if (policy is not null) all.Add((policy.Shipping, policy.FreeShipping, policy.Returns, policy.Prices));
        _shipping = all.Any(x => x.Shipping is not null);
        _free = all.Any(x => x.FreeShipping is not null);
        _returns = all.Any(x => x.Returns is not null);
        _products = [.. all.SelectMany(x => x.Prices ?? []).Where(p => !string.IsNullOrWhiteSpace(p.Product))
            .SelectMany(p => new[] { p.Product.Trim(), PromotionTerms.FoldName(p.Product) }).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>False only when no store-wide term pattern can match the folded form of <paramref name="raw"/>.</summary>
    public bool CanState(ReadOnlySpan<char> raw)
    {
        if (_shipping && raw.ContainsAny(ShipVerbs) && raw.ContainsAny(ShipUnits) && raw.ContainsAny(Amounts) && ShippingPromiseCandidate(raw)) return true;
        if (_free && FreeShippingCandidate(raw)) return true;
        if (_returns && (raw.Contains("理由", StringComparison.Ordinal) || raw.Contains("无忧", StringComparison.Ordinal) || raw.Contains("無憂", StringComparison.Ordinal))) return true;
        foreach (var product in _products)
            if (ContainsFolded(raw, product)) return true;
        return false;
    }

    private static bool ShippingPromiseCandidate(ReadOnlySpan<char> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            var c = PromoText.FoldChar(raw[i]);
            var next = NextFolded(raw, i + 1);
            var verb = c switch
            {
                '发' => NotShipAfterFa.IndexOf(next) < 0,
                '寄' => next == '出',
                '出' => next == '库',
                _ => false,
            };
            if (!verb) continue;
            if (UnitBefore(raw, i)) return true;
            if (c == '发' && next is '货' or '出' && DurationAfter(raw, i + 2)) return true;
        }
        return false;
    }

    /// <summary>Whether the verb at <paramref name="verbAt"/> follows a duration unit or 前, fill words aside (48小时内就能发货).</summary>
    private static bool UnitBefore(ReadOnlySpan<char> raw, int verbAt)
    {
        for (var j = verbAt - 1; j >= 0; j--)
        {
            var c = raw[j];
            if (IsSpace(c)) continue;
            c = PromoText.FoldChar(c);
            if (c is '时' or 'h' or '头' or '天' or '日' or '周' or '期' or '拜' or '前') return true;
            if (FillChars.IndexOf(c) < 0) return false;
        }
        return false;
    }

    /// <summary>A duration unit within a few characters after 发货/发出 (发货时间一般48小时, 发出一般2到3天).</summary>
    private static bool DurationAfter(ReadOnlySpan<char> raw, int from)
    {
        if (from < raw.Length && PromoText.FoldChar(raw[from]) == '后') return false;
        var to = Math.Min(raw.Length, from + DurationAfterVerbWindow);
        for (var j = from; j < to; j++)
            if (PromoText.FoldChar(raw[j]) is '时' or 'h' or '头' or '天' or '日') return true;
        return false;
    }

    /// <summary>包邮, 免邮, 包油 (a typo) or 运费 as the 包邮 patterns read it.</summary>
    private static bool FreeShippingCandidate(ReadOnlySpan<char> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            var c = PromoText.FoldChar(raw[i]);
            if (c is '邮' or '油' && PrevFolded(raw, i) is var before && (before == '包' || (before == '免' && c == '邮'))) return true;
            // 邮费 is read like 运费, so a pattern that learns 邮费需要您自己出 finds the pre-check already open.
            if (c == '费' && PrevFolded(raw, i) is '运' or '邮' && FreightStated(raw, i + 1, PrevFolded(raw, PrevIndex(raw, i)))) return true;
        }
        return false;
    }

    /// <summary>
    /// 运费 read by the 包邮 patterns: 免运费, 补/付/出/加/承担运费 (the buyer pays), 运费自理/自付/另付/买家承担/您承担 (also after
    /// 需要/要/得). 运费我们承担 and 运费险 are not, so they do not force a fold. <paramref name="before"/> is the character before 运费.
    /// </summary>
    private static bool FreightStated(ReadOnlySpan<char> raw, int after, char before)
    {
        if (before is '免' or '补' or '付' or '出' or '加' or '担') return true;
        var next = after;
        while (next < raw.Length && (IsSpace(raw[next]) || raw[next] is '需' or '要' or '得')) next++;
        return next < raw.Length && PromoText.FoldChar(raw[next]) is '自' or '买' or '您' or '你' or '另';
    }

    private static char NextFolded(ReadOnlySpan<char> raw, int from)
    {
        for (var j = from; j < raw.Length; j++)
            if (!IsSpace(raw[j])) return PromoText.FoldChar(raw[j]);
        return '\0';
    }

    private static int PrevIndex(ReadOnlySpan<char> raw, int at)
    {
        for (var j = at - 1; j >= 0; j--)
            if (!IsSpace(raw[j])) return j;
        return -1;
    }

    private static char PrevFolded(ReadOnlySpan<char> raw, int at)
        => PrevIndex(raw, at) is var j and >= 0 ? PromoText.FoldChar(raw[j]) : '\0';

    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is '\u200b' or '\u200c' or '\u200d' or '\ufeff';

    /// <summary>Whether <paramref name="raw"/> holds <paramref name="product"/> with traditional characters, width and case folded (精華水 for 精华水).</summary>
    private static bool ContainsFolded(ReadOnlySpan<char> raw, string product)
    {
        for (var i = 0; i + product.Length <= raw.Length; i++)
        {
            var k = 0;
            while (k < product.Length && Fold(raw[i + k]) == Fold(product[k])) k++;
            if (k == product.Length) return true;
        }
        return false;

        static char Fold(char c) => Text.TraditionalChinese.ToSimplified(Text.TextFolding.FoldWidthAndCase(c));
    }
}
