using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Alerting.Core.Text;

/// <summary>The phrase templates: anchors, chaining their pieces over bounded gaps, and the allowed spans that suppress a hit.</summary>
public sealed partial class PhraseMatcher
{
    /// <summary>
    /// Characters so frequent in agent replies that a piece starting with one of them would leave the fast path
    /// on almost every message (您好, 我这边, 就是, 有的, 给您, 都可以).
    /// </summary>
    private const string FrequentFirstCharacters = "您你我的是不了在有这个就都也和给对说到要会可能那还没好看问买发一二三上下中小大吗呢吧啊哦亲呀嘛么已再直服快行光自";

    /// <summary>How costly a piece is as an anchor: its distinct first characters (a frequent one counts ten), then its shortest literal (longer is better).</summary>
    private static (int Starts, int Shortest) AnchorScore(int[] piece, List<int[]> units)
    {
        var firsts = new HashSet<int>();
        var shortest = int.MaxValue;
        foreach (var f in piece)
        {
            if (f < 0) continue;
            firsts.Add(units[f][0]);
            shortest = Math.Min(shortest, units[f].Length);
        }
        if (shortest == int.MaxValue) return (int.MaxValue, 0);
        var starts = 0;
        foreach (var c in firsts) starts += c < 0x10000 && FrequentFirstCharacters.Contains((char)c) ? 10 : 1;
        return (starts, shortest);
    }

    private bool AnyAnchor(List<PhraseMatch> found)
    {
        foreach (var f in found)
            if (_isAnchor[f.Phrase]) return true;
        return false;
    }

    [ThreadStatic] private static List<PhraseMatch>? t_fragments;

    /// <summary>
    /// Replaces the template fragments found by the walk with the templates they complete: each expansion's
    /// fragments in order, the gaps between them within bounds, and the sentence ending after the last one when
    /// the template asks for it. Fragments that complete nothing are dropped, so text where only 这么 or 吗
    /// occurs stays clean and allocates nothing (the scratch list is per thread).
    /// </summary>
    private void AssembleTemplates(ReadOnlySpan<char> text, List<PhraseMatch> found, ref List<PhraseMatch>? allowedSpans)
    {
        var any = false;
        foreach (var f in found)
            if (_isFragment[f.Phrase]) { any = true; break; }
        if (!any) return;
        var hits = t_fragments ??= new List<PhraseMatch>(8);
        hits.Clear();
        var kept = 0;
        for (var i = 0; i < found.Count; i++)
        {
            if (_isFragment[found[i].Phrase]) hits.Add(found[i]);
            // A piece-only hit is no match by itself; a phrase that is also a piece stays a match.
            if (found[i].Phrase < _fragmentBase) found[kept++] = found[i];
        }
        found.RemoveRange(kept, found.Count - kept);
        var chain = t_chain ??= new List<PhraseMatch>(8);
        foreach (var h in hits)
        {
            foreach (var e in _expansionsByFirst[h.Phrase])
            {
                var template = _expansions[e];
                chain.Clear();
                chain.Add(h);
                if (!Chain(text, template, 0, h, hits, chain)) continue;
                // The whitelist applies to the words a template matched, not to what lies in its gaps: 操作 in
                // 这么简单的操作都不会吗 excuses nothing, 特别问了 still excuses 别问了.
                if (_allowed is not null)
                {
                    allowedSpans ??= AllowedSpans(text);
                    var suppressed = false;
                    foreach (var piece in chain)
                        if (piece.Phrase != EndWithinGap && IsSuppressed(piece, allowedSpans, _pieceForms, _allowedForms, 0)) { suppressed = true; break; }
                    if (suppressed) continue;
                }
                var last = chain[^1];
                found.Add(new PhraseMatch(template.Output, h.Start, last.End - h.Start));
            }
        }
        hits.Clear();
        chain.Clear();
    }

    [ThreadStatic] private static List<PhraseMatch>? t_chain;

    /// <summary>Fragment id standing for an empty last piece: the sentence ends within the gap before it.</summary>
    private const int EndWithinGap = -1;

    /// <summary>Extends <paramref name="chain"/> (whose last element is <paramref name="current"/>, a hit of piece <paramref name="k"/>) to the last piece.</summary>
    private bool Chain(ReadOnlySpan<char> text, CompiledTemplate template, int k, PhraseMatch current, List<PhraseMatch> hits, List<PhraseMatch> chain)
    {
        var at = Array.IndexOf(template.Pieces[k], current.Phrase);
        if (k == template.Pieces.Length - 1) return !template.Ends[k][at] || EndsSentence(text, current.End);
        var (min, max) = template.Gaps[k];
        var wanted = template.Pieces[k + 1];
        if (k + 1 == template.Pieces.Length - 1 && Array.IndexOf(wanted, EndWithinGap) >= 0)
        {
            // The sentence ends after min..max more word characters: the match runs to that point.
            var units = 0;
            for (var j = current.End; ; j++)
            {
                if (j == text.Length || _classes[text[j]] == BreakCode)
                {
                    if (units >= min && units <= max)
                    {
                        chain.Add(new PhraseMatch(EndWithinGap, j, 0));
                        return true;
                    }
                    break;
                }
                var cls = _classes[text[j]];
                if (cls is InvisibleCode or SymbolCode or SpaceCode or DotCode or HighSurrogateCode || char.IsLowSurrogate(text[j])) continue;
                if (++units > max) break;
            }
        }
        foreach (var h in hits)
        {
            if (h.Start < current.End || Array.IndexOf(wanted, h.Phrase) < 0) continue;
            var gap = GapUnits(text, current.End, h.Start, max);
            if (gap < min || gap > max) continue;
            chain.Add(h);
            if (Chain(text, template, k + 1, h, hits, chain)) return true;
            chain.RemoveAt(chain.Count - 1);
        }
        return false;
    }

    /// <summary>Word characters (and sentence breaks) in [from, to); symbols, spaces, emoji and invisible characters do not count. Stops past <paramref name="max"/>.</summary>
    private int GapUnits(ReadOnlySpan<char> text, int from, int to, int max)
    {
        var units = 0;
        for (var i = from; i < to && units <= max; i++)
        {
            var cls = _classes[text[i]];
            if (cls is InvisibleCode or SymbolCode or SpaceCode or DotCode or HighSurrogateCode) continue;
            if (char.IsLowSurrogate(text[i])) continue;
            units++;
        }
        return units;
    }

    /// <summary>True when nothing but symbols, spaces and emoji lie between <paramref name="index"/> and a sentence break or the end.</summary>
    private bool EndsSentence(ReadOnlySpan<char> text, int index)
    {
        for (var j = index; j < text.Length; j++)
        {
            var cls = _classes[text[j]];
            if (cls == BreakCode) return true;
            if (cls is InvisibleCode or SymbolCode or SpaceCode or DotCode) continue;
            if (cls == HighSurrogateCode || char.IsLowSurrogate(text[j])) continue;
            return false;
        }
        return true;
    }

    /// <summary>
    /// $, @ and ! written for a letter inside a Latin word (a$$hole, @sshole, dumb@ss, sh!t, b!tch): the class of
    /// s, a or i, else 0. Only with letters around it, so prices ($59), e-mail addresses (me@shop.com) and
    /// sentence punctuation (ok!) keep their role.
    /// </summary>
    private int LeetClass(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        var prev = i > 0 ? text[i - 1] : '\0';
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        return c switch
        {
            '!' when IsLetter(prev) && IsLetter(next) => _iClass,
            '*' when StarForLetter(text, i) => _starClass,
            '$' when (IsLetter(next) || next == '$') && (IsLetter(prev) || prev == '$' || prev == '@' || !TextFolding.IsLatinAlphanumeric(prev)) => _sClass,
            '$' when prev == '$' && i >= 2 && IsLetter(text[i - 2]) => _sClass,
            '@' when (IsLetter(next) || next == '$') && !TextFolding.IsLatinAlphanumeric(prev) => _aClass,
            '@' when next is 's' or 'S' or 'ｓ' or 'Ｓ' or '$' && IsLetter(prev) => _aClass,
            _ => 0,
        };
    }

    /// <summary>A template: <c>Pieces[k]</c> holds the fragment ids piece k may be, <c>Ends[k][i]</c> whether alternative i must end a sentence.</summary>
    /// <summary>
    /// A run of * stands for letters when a Latin letter touches it on both sides and one side has at least two
    /// letters (sh*t, b*tch, a**hole); between single letters it is a separator (f*u*c*k reads fuck).
    /// </summary>
    internal static bool StarForLetter(ReadOnlySpan<char> text, int i)
    {
        int from = i, to = i;
        while (from > 0 && text[from - 1] == '*') from--;
        while (to + 1 < text.Length && text[to + 1] == '*') to++;
        int before = 0, after = 0;
        while (from - before - 1 >= 0 && IsLetter(text[from - before - 1])) before++;
        while (to + after + 1 < text.Length && IsLetter(text[to + after + 1])) after++;
        return before > 0 && after > 0 && (before >= 2 || after >= 2);
    }

    private static bool IsLetter(char c) => TextFolding.IsLatinAlphanumeric(c) && !char.IsDigit(c) && c is not (>= '０' and <= '９');

    private readonly record struct CompiledTemplate(int Output, int[][] Pieces, bool[][] Ends, (int Min, int Max)[] Gaps);

    [ThreadStatic] private static List<PhraseMatch>? t_found;
    [ThreadStatic] private static List<PhraseMatch>? t_allowed;

    // Kept out of FindAll and free of lambdas: a closure there would be allocated on every call,
    // clean or not (Roslyn hoists display classes to the method scope in optimized builds).
    private void RemoveSuppressed(ReadOnlySpan<char> text, List<PhraseMatch> found, List<PhraseMatch>? allowedSpans)
    {
        allowedSpans ??= AllowedSpans(text);
        if (allowedSpans.Count == 0) return;
        var kept = 0;
        for (var i = 0; i < found.Count; i++)
        {
            // Template matches were checked piece by piece when they were assembled.
            if (_isTemplate[found[i].Phrase] || !IsSuppressed(found[i], allowedSpans, _phraseForms, _allowedForms, 0)) found[kept++] = found[i];
        }
        found.RemoveRange(kept, found.Count - kept);
    }

    /// <summary>The allowed words in the text (per-thread list, valid until the next call on this thread).</summary>
    private List<PhraseMatch> AllowedSpans(ReadOnlySpan<char> text)
    {
        var allowedSpans = t_allowed ??= new List<PhraseMatch>(8);
        allowedSpans.Clear();
        Walk(text, _allowed!, null, _allowedInfo, collapse: false, ref allowedSpans!);
        return allowedSpans;
    }

    private static bool IsSuppressed(PhraseMatch m, List<PhraseMatch> allowedSpans, string[] phraseForms, string[] allowedForms, int formBase)
    {
        foreach (var a in allowedSpans)
        {
            var overlaps = a.Start < m.End && m.Start < a.End;
            if (!overlaps) continue;
            // An allowed word that is literally part of a longer rude phrase (干嘛 in 问那么多干嘛) does not
            // excuse it. One that only sits inside the span because repeats were collapsed (妈妈 in
            // 你妈妈的, read as 你妈的) does.
            var strictlyInside = a.Start >= m.Start && a.End <= m.End && a.Length < m.Length;
            if (!strictlyInside || !phraseForms[m.Phrase - formBase].Contains(allowedForms[a.Phrase], StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
