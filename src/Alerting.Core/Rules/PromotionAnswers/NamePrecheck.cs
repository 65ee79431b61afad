using System.Buffers;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>
/// Decides on the raw text, without folding it, whether any promotion name or alias can occur in its folded form
/// (<see cref="PromoText.Fold"/>). Names of plain characters (no digit, Chinese numeral, '.', '-', '¥' or 券, whose
/// folding depends on neighbours) are looked for exactly: each character compared after the one-character fold
/// (full-width, case, traditional) and whitespace skipped, as folding does. Names with such characters fall back
/// to the necessary condition of <see cref="PromoText.NameAnchors"/>. Most replies naming no promotion (本店, 新款,
/// 会员 and no name) are then never folded. Immutable; built once per store and config version.
/// </summary>
internal sealed class NamePrecheck
{
    private readonly SearchValues<char> _anyAnchor;     // every character that can begin the search for some name
    private readonly SearchValues<char>? _complex;      // anchors of names that need the fold to be judged
    private readonly (string Key, SearchValues<char> First)[] _plain;

    public NamePrecheck(IEnumerable<string> foldedKeys)
    {
        var keys = foldedKeys.Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var complex = keys.Where(k => !IsPlain(k)).ToList();
        var plain = keys.Where(IsPlain).ToList();
        _complex = complex.Count > 0 ? PromoText.NameAnchors(complex) : null;
        _plain = [.. plain.Select(k => (k, PromoText.NameAnchors([k[..1]])))];
        _anyAnchor = PromoText.NameAnchors(keys);
    }

    /// <summary>False only when no name can occur in the folded form of <paramref name="raw"/>.</summary>
    public bool MayName(ReadOnlySpan<char> raw)
    {
        if (!raw.ContainsAny(_anyAnchor)) return false;
        if (_complex is not null && raw.ContainsAny(_complex)) return true;
        foreach (var (key, first) in _plain)
            if (Contains(raw, key, first)) return true;
        return false;
    }

    private static bool Contains(ReadOnlySpan<char> raw, string key, SearchValues<char> first)
    {
        var offset = 0;
        while (true)
        {
            var at = raw[offset..].IndexOfAny(first);
            if (at < 0) return false;
            var i = offset + at + 1;
            var k = 1;
            while (k < key.Length && i < raw.Length)
            {
                var c = raw[i];
                if (char.IsWhiteSpace(c) || c is '\u200b' or '\u200c' or '\u200d' or '\ufeff') { i++; continue; }
                if (PromoText.FoldChar(c) != key[k]) break;
                i++;
                k++;
            }
            if (k == key.Length) return true;
            offset += at + 1;
        }
    }

    private static bool IsPlain(string key)
    {
        foreach (var c in key)
            if (char.IsAsciiDigit(c) || c is '.' or '-' or '¥' or '券' or ',' || PromoText.IsChineseNumeral(c) || char.IsWhiteSpace(c)) return false;
        return true;
    }
}
