using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Alerting.Core.Text;

/// <summary>A phrase found in a text: which phrase, and its span in the ORIGINAL text (UTF-16 indices).</summary>
public readonly record struct PhraseMatch(int Phrase, int Start, int Length)
{
    /// <summary>Index just past the match in the original text.</summary>
    public int End => Start + Length;
}

/// <summary>
/// Finds many phrases in one pass over a text, normalizing the text on the fly (width, case,
/// traditional characters, invisible characters, inserted symbols, repeated characters) and
/// reporting spans in the original text. Phrases covered by an allowed phrase (whitelist) are
/// dropped. Built once per config version; immutable and thread-safe afterwards.
/// </summary>
/// <remarks>
/// The scan costs one table lookup per character on text that contains none of the lexicon's
/// characters and allocates nothing unless a phrase is found: the per-character folding is
/// precomputed into a 64K-entry class table, and the automaton is walked directly on the original
/// text, so no normalized copy of the text is ever built.
/// </remarks>
public sealed class PhraseMatcher
{
    /// <summary>Longest phrase, in normalized characters; longer phrases are ignored (and refused by validation).</summary>
    public const int MaxPhraseLength = 64;

    private const int RingMask = MaxPhraseLength - 1;
    private const ushort FirstSpecial = 0xFFF0;
    private const ushort InvisibleCode = 0xFFF0;
    private const ushort SymbolCode = 0xFFF1;
    private const ushort SpaceCode = 0xFFF2;
    private const ushort BreakCode = 0xFFF3;
    private const ushort DotCode = 0xFFF4;
    private const ushort HighSurrogateCode = 0xFFF5;

    private readonly NormalizationSettings _settings;
    private readonly ushort[] _classes = new ushort[65536];
    private readonly Dictionary<int, int> _astralClasses = [];
    private readonly int _spaceClass;
    private readonly AhoCorasickAutomaton _phrases;   // phrases and the first pieces of templates
    private readonly ushort[]? _phraseRootByChar; // char → state after it at the root (0: stays at the root); see Walk
    private readonly PatternInfo[] _phraseInfo;
    private readonly AhoCorasickAutomaton? _tail;     // the other pieces of templates, walked only after a first piece
    private readonly ushort[]? _tailRootByChar;
    private readonly bool[] _isAnchor;                // [automaton id] → the most distinctive piece of some template
    private readonly PatternInfo[] _tailInfo;
    private readonly AhoCorasickAutomaton? _allowed;
    private readonly PatternInfo[] _allowedInfo;
    private readonly string[] _phraseForms;
    private readonly string[] _allowedForms;
    private readonly int _fragmentBase;               // automaton ids ≥ this are template fragments, not phrases
    private readonly string[] _pieceForms;            // [automaton id] → normalized literal (phrase or piece)
    private readonly bool[] _isTemplate;              // [phrase id] → the phrase is a template
    private readonly CompiledTemplate[] _expansions;
    private readonly int[][] _expansionsByFirst;      // [automaton id] → templates whose first piece has it
    private readonly bool[] _isFragment;              // [automaton id] → a piece of some template (a phrase id too when equal)
    private readonly int _sClass, _aClass, _iClass;   // classes of s, a, i for $, @, ! written inside a Latin word
    private readonly int _starClass;                  // class of * written for a letter inside a Latin word (sh*t, a**hole)

    /// <param name="phrases">Phrases to find; a match reports the phrase's index in this list. Equal normalized forms: the later phrase wins.</param>
    /// <param name="allowed">Whitelist: an allowed phrase overlapping a match suppresses it, unless it lies strictly inside the match and is part of the phrase itself.</param>
    /// <param name="settings">Normalizations applied to phrases and text alike.</param>
    public PhraseMatcher(IReadOnlyList<string> phrases, IReadOnlyList<string> allowed, NormalizationSettings settings)
    {
        _settings = settings;
        // Templates (这么{0,6}都(不会|不懂)吗) contribute their literal fragments to the same automaton, under
        // ids after the phrases; a template itself has no units of its own.
        var phraseUnits = new List<int[]>(phrases.Count);
        var forms = new string[phrases.Count];
        var fragmentIds = new Dictionary<string, int>(StringComparer.Ordinal);
        // A piece equal to a phrase (不知道 is a term and a piece of 这么…都不知道吗) shares the phrase's id: the
        // automaton keeps one pattern per state, and the hit must count as both.
        for (var id = 0; id < phrases.Count; id++)
            if (!PhraseTemplate.IsTemplate(phrases[id]) && NormalizeToCodePoints(phrases[id], settings) is { Length: > 0 and <= MaxPhraseLength } u)
                fragmentIds[ToText(u)] = id;
        var fragmentUnits = new List<int[]>();
        var expansions = new List<CompiledTemplate>();
        _fragmentBase = phrases.Count;
        for (var id = 0; id < phrases.Count; id++)
        {
            var phrase = phrases[id];
            if (PhraseTemplate.IsTemplate(phrase) && PhraseTemplate.TryParse(phrase, out var template, out _))
            {
                phraseUnits.Add([]);
                var pieces = new List<string>();
                var ids = new int[template!.Pieces.Count][];
                var ends = new bool[template.Pieces.Count][];
                var ok = true;
                for (var k = 0; k < ids.Length && ok; k++)
                {
                    var alternatives = template.Pieces[k];
                    var pieceIds = new List<int>(alternatives.Count);
                    var pieceEnds = new List<bool>(alternatives.Count);
                    foreach (var alternative in alternatives)
                    {
                        if (alternative.Text.Length == 0)
                        {
                            pieceIds.Add(EndWithinGap); // {m,n}$: the sentence ends within the gap
                            pieceEnds.Add(true);
                            continue;
                        }
                        var units = NormalizeToCodePoints(alternative.Text, settings);
                        if (units.Length == 0 || units.Length > MaxPhraseLength) continue; // refused by validation
                        var form = ToText(units);
                        pieces.Add(form);
                        if (!fragmentIds.TryGetValue(form, out var fid))
                        {
                            fid = _fragmentBase + fragmentUnits.Count;
                            fragmentIds[form] = fid;
                            fragmentUnits.Add(units);
                        }
                        pieceIds.Add(fid);
                        pieceEnds.Add(alternative.EndsSentence);
                    }
                    ok = pieceIds.Count > 0;
                    ids[k] = [.. pieceIds];
                    ends[k] = [.. pieceEnds];
                }
                if (ok) expansions.Add(new CompiledTemplate(id, ids, ends, [.. template.Gaps]));
                // For the whitelist's "part of the phrase itself" test: every literal, never joined across a piece.
                forms[id] = string.Join('\u0001', pieces.Distinct());
                continue;
            }
            var normalized = NormalizeToCodePoints(phrase, settings);
            phraseUnits.Add(normalized);
            forms[id] = ToText(normalized);
        }
        _phraseForms = forms;
        _pieceForms = [.. forms, .. fragmentUnits.Select(ToText)];
        _isTemplate = new bool[phrases.Count];
        foreach (var t in expansions) _isTemplate[t.Output] = true;
        _expansions = [.. expansions];
        _expansionsByFirst = new int[_fragmentBase + fragmentUnits.Count][];
        _isFragment = new bool[_fragmentBase + fragmentUnits.Count];
        foreach (var t in _expansions)
            foreach (var piece in t.Pieces)
                foreach (var f in piece)
                    if (f >= 0) _isFragment[f] = true;
        for (var f = 0; f < _expansionsByFirst.Length; f++)
            _expansionsByFirst[f] = _isFragment[f] ? [.. Enumerable.Range(0, _expansions.Length).Where(e => _expansions[e].Pieces[0].Contains(f))] : [];
        phraseUnits.AddRange(fragmentUnits);
        var allowedUnits = allowed.Select(p => NormalizeToCodePoints(p, settings)).ToList();
        _allowedForms = [.. allowedUnits.Select(ToText)];

        // Alphabet: every code point used by a phrase or an allowed phrase gets a class 1..N.
        var alphabet = new Dictionary<int, int>();
        foreach (var units in phraseUnits.Concat(allowedUnits))
        {
            if (units.Length == 0 || units.Length > MaxPhraseLength) continue;
            foreach (var cp in units)
                if (!alphabet.ContainsKey(cp)) alphabet[cp] = alphabet.Count + 1;
        }
        if (alphabet.Count >= FirstSpecial) throw new ArgumentException("the lexicon uses too many distinct characters", nameof(phrases));
        _spaceClass = alphabet.GetValueOrDefault(' ');
        if (settings.SkipInsertedSymbols)
        {
            _sClass = alphabet.GetValueOrDefault('s');
            _aClass = alphabet.GetValueOrDefault('a');
            _iClass = alphabet.GetValueOrDefault('i');
            _starClass = alphabet.GetValueOrDefault('*');
        }
        foreach (var (cp, cls) in alphabet)
            if (cp > 0xFFFF) _astralClasses[cp] = cls;

        for (var c = 0; c <= 0xFFFF; c++) _classes[c] = ClassOf((char)c, alphabet, settings);

        // Most pieces of a template are common words (这么, 连, 都, 吗, 跟你): in the main automaton every one of
        // them would leave the root's one-load fast path and, found, would send the text to assembly. Each
        // template is anchored on its most distinctive piece; only anchors join the phrases in the main automaton.
        // The other pieces go to a second automaton, walked only over text in which some anchor was found;
        // assembly still starts from first pieces.
        _isAnchor = new bool[phraseUnits.Count];
        foreach (var t in _expansions)
        {
            var best = 0;
            var bestScore = (Starts: int.MaxValue, Shortest: 0);
            for (var k = 0; k < t.Pieces.Length; k++)
            {
                var score = AnchorScore(t.Pieces[k], phraseUnits);
                if (score.Shortest > 0 && (score.Starts < bestScore.Starts || (score.Starts == bestScore.Starts && score.Shortest > bestScore.Shortest)))
                    (best, bestScore) = (k, score);
            }
            foreach (var f in t.Pieces[best]) if (f >= 0) _isAnchor[f] = true;
        }
        var lead = new bool[phraseUnits.Count];
        for (var id = 0; id < lead.Length; id++) lead[id] = id < _fragmentBase || _isAnchor[id];
        _phrases = Build(phraseUnits, alphabet, id => lead[id], out _phraseInfo);
        _phraseRootByChar = BuildRootByChar(_phrases);
        _tail = lead.Contains(false) ? Build(phraseUnits, alphabet, id => !lead[id], out _tailInfo) : null;
        _tailInfo ??= [];
        _tailRootByChar = _tail is null ? null : BuildRootByChar(_tail);
        _allowed = allowedUnits.Any(u => u.Length > 0) ? Build(allowedUnits, alphabet, _ => true, out _allowedInfo) : null;
        _allowedInfo ??= [];
    }

    /// <summary>Number of automaton states (root included) of the phrase automaton; a size indicator for logs.</summary>
    public int StateCount => _phrases.StateCount;

    /// <summary>
    /// The normalized form of a phrase as the matcher compares it: folded, symbols and invisible
    /// characters removed, a space kept only between two Latin letters/digits. Empty when nothing
    /// matchable is left.
    /// </summary>
    public static string Normalize(string phrase, NormalizationSettings settings)
    {
        return ToText(NormalizeToCodePoints(phrase, settings));
    }

    private static string ToText(int[] codePoints)
    {
        var sb = new StringBuilder(codePoints.Length);
        foreach (var cp in codePoints) sb.Append(char.ConvertFromUtf32(cp));
        return sb.ToString();
    }

    /// <summary>
    /// Finds every phrase in <paramref name="text"/> that is not suppressed by an allowed phrase and
    /// appends it to <paramref name="matches"/> (created on the first match, so the clean path
    /// allocates nothing). Returns true when anything was found.
    /// </summary>
    public bool FindAll(ReadOnlySpan<char> text, ref List<PhraseMatch>? matches)
    {
        // Per-thread scratch lists: a candidate that the whitelist cancels (操作 over 操) costs nothing.
        // The matcher is shared across partitions' threads, so the scratch must not be an instance field.
        var found = t_found ??= new List<PhraseMatch>(8);
        found.Clear();
        Walk(text, _phrases, _phraseRootByChar, _phraseInfo, _settings.CollapseRepeats, ref found!);
        if (found.Count == 0) return false;
        // The other pieces of a template matter only where its anchor occurs.
        if (_tail is not null && AnyAnchor(found))
            Walk(text, _tail, _tailRootByChar, _tailInfo, _settings.CollapseRepeats, ref found!);
        List<PhraseMatch>? allowedSpans = null;
        if (_expansions.Length > 0) AssembleTemplates(text, found, ref allowedSpans);
        if (found.Count == 0) return false;

        if (_allowed is not null) RemoveSuppressed(text, found, allowedSpans);
        if (found.Count == 0) return false;
        (matches ??= []).AddRange(found);
        found.Clear();
        return true;
    }

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

    private const ushort RootSlowPath = 0xFFFF;

    /// <summary>
    /// Folds the class table and the root row into one table, so that at the root (where a clean
    /// text spends almost all its time) a character costs one load and one well-predicted branch.
    /// Characters whose handling needs more than that (surrogates) map to <see cref="RootSlowPath"/>.
    /// </summary>
    private ushort[]? BuildRootByChar(AhoCorasickAutomaton automaton)
    {
        if (automaton.StateCount >= RootSlowPath) return null; // does not fit: the general path handles everything
        var table = new ushort[65536];
        var rootRow = automaton.RootRow;
        for (var c = 0; c <= 0xFFFF; c++)
        {
            var cls = _classes[c];
            if (cls == HighSurrogateCode || (c is '$' or '@' && (_sClass | _aClass) != 0)) table[c] = RootSlowPath;
            else if (cls != 0 && cls < FirstSpecial) table[c] = (ushort)rootRow[cls];
        }
        return table;
    }

    private void Walk(ReadOnlySpan<char> text, AhoCorasickAutomaton automaton, ushort[]? rootByChar, PatternInfo[] info, bool collapse, ref List<PhraseMatch>? found)
    {
        Span<int> ring = stackalloc int[MaxPhraseLength]; // original start index of the last units fed
        ref var classes = ref MemoryMarshal.GetArrayDataReference(_classes);
        var rootRow = automaton.RootRow;
        int state = 0, units = 0, spaceStart = 0;
        var pendingSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (state == 0 && rootByChar is not null)
            {
                // At the root, nothing but a phrase's first character matters: symbols, breaks,
                // spaces and characters that start no phrase all leave the state at the root.
                ref var root = ref MemoryMarshal.GetArrayDataReference(rootByChar);
                int next = 0;
                while (i < text.Length && (next = Unsafe.Add(ref root, (int)text[i])) == 0) i++;
                if (i == text.Length) break;
                pendingSpace = false;
                if (next != RootSlowPath)
                {
                    state = next;
                    ring[units & RingMask] = i;
                    units++;
                    if (automaton.FirstOutput(state) >= 0)
                        ReportOutputs(text, automaton, info, state, units, ring, i + 1, automaton.InSymbol(state), collapse, ref found);
                    // Fast continuation: while the next characters are plain letters of the alphabet, follow goto
                    // edges directly. Most first characters (您, 有, 我) are soon followed by one that neither continues
                    // the phrase nor starts one: when the state's failure is the root, that character is done too and
                    // the scan is back at the root without the general path below. Anything else (a symbol, a space,
                    // a repeat that may collapse, a failure link elsewhere) is left to the general path.
                    while (i + 1 < text.Length)
                    {
                        var after = text[i + 1];
                        int afterClass = Unsafe.Add(ref classes, (int)after);
                        if (afterClass == 0) { state = 0; i++; break; }
                        if (afterClass >= FirstSpecial || (collapse && afterClass == automaton.InSymbol(state))) break;
                        var child = automaton.Goto(state, afterClass);
                        if (child != 0)
                        {
                            i++;
                            state = child;
                            ring[units & RingMask] = i;
                            units++;
                            if (automaton.FirstOutput(state) >= 0)
                                ReportOutputs(text, automaton, info, state, units, ring, i + 1, afterClass, collapse, ref found);
                            continue;
                        }
                        if (automaton.Fail(state) == 0 && Unsafe.Add(ref root, (int)after) == 0) { state = 0; i++; }
                        break;
                    }
                    continue;
                }
            }

            int cls = Unsafe.Add(ref classes, (int)text[i]);
            if (cls is SymbolCode or BreakCode && text[i] is '$' or '@' or '!' or '*' && LeetClass(text, i) is var leet and not 0) cls = leet;
            if (cls == 0)
            {
                state = 0;
                pendingSpace = false;
                continue;
            }
            var start = i;
            if (cls >= FirstSpecial)
            {
                switch (cls)
                {
                    case InvisibleCode:
                    case SymbolCode:
                        continue;
                    case SpaceCode:
                        if (!pendingSpace) spaceStart = i;
                        pendingSpace = true;
                        continue;
                    case BreakCode:
                        state = 0;
                        pendingSpace = false;
                        continue;
                    case DotCode:
                        // One '.' is an inserted symbol (傻.逼); ".." is an ellipsis and ends the sentence.
                        if (i > 0 && Unsafe.Add(ref classes, (int)text[i - 1]) == DotCode)
                        {
                            state = 0;
                            pendingSpace = false;
                        }
                        continue;
                    default:
                        cls = AstralClass(text, ref i);
                        if (cls == SymbolCode) continue;
                        if (cls == 0)
                        {
                            state = 0;
                            pendingSpace = false;
                            continue;
                        }
                        break;
                }
            }

            if (state == 0)
            {
                // Most characters of the alphabet start no phrase: stay at the root without touching the ring.
                pendingSpace = false;
                state = rootRow[cls];
                if (state == 0) continue;
            }
            else
            {
                if (pendingSpace)
                {
                    pendingSpace = false;
                    var latinGap = IsLatinBefore(text, spaceStart) && TextFolding.IsLatinAlphanumeric(text[start]);
                    if (latinGap || !_settings.SkipInsertedSymbols)
                    {
                        // Between Latin words a space is a real character ("screw you"), fed as one unit.
                        state = _spaceClass == 0 ? 0 : automaton.Next(state, _spaceClass);
                        if (state != 0)
                        {
                            ring[units & RingMask] = spaceStart;
                            units++;
                            if (automaton.FirstOutput(state) >= 0)
                                ReportOutputs(text, automaton, info, state, units, ring, spaceStart + 1, _spaceClass, collapse, ref found);
                        }
                    }
                }

                if (collapse && state != 0 && automaton.InSymbol(state) == cls && automaton.Goto(state, cls) == 0)
                    continue; // 傻傻傻逼 reads as 傻逼; the run's first character stays the unit's start

                state = automaton.Next(state, cls);
                if (state == 0) continue;
            }

            // Only units that leave the automaton off the root are recorded: every unit of a match does.
            ring[units & RingMask] = start;
            units++;
            if (automaton.FirstOutput(state) >= 0)
                ReportOutputs(text, automaton, info, state, units, ring, i + 1, cls, collapse, ref found);
        }
    }

    private void ReportOutputs(ReadOnlySpan<char> text, AhoCorasickAutomaton automaton, PatternInfo[] info, int state, int units,
        Span<int> ring, int end, int lastClass, bool collapse, ref List<PhraseMatch>? found)
    {
        for (var o = automaton.FirstOutput(state); o >= 0; o = automaton.NextOutput(o))
        {
            var p = automaton.PatternAt(o);
            var pattern = info[p];
            if (pattern.Length > units) continue;
            var start = ring[(units - pattern.Length) & RingMask];
            var matchEnd = end;
            if (_settings.LatinWholeTokens)
            {
                if (pattern.StartsLatin && IsLatinBefore(text, start)) continue;
                if (pattern.EndsLatin)
                {
                    if (collapse) matchEnd = SkipRepeats(text, matchEnd, lastClass); // sbbb is still sb
                    if (IsLatinAfter(text, matchEnd)) continue;
                }
            }
            (found ??= []).Add(new PhraseMatch(pattern.Id, start, matchEnd - start));
        }
    }

    private int AstralClass(ReadOnlySpan<char> text, ref int i)
    {
        if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
            return _settings.SkipInsertedSymbols ? SymbolCode : 0;
        var cp = char.ConvertToUtf32(text[i], text[i + 1]);
        i++;
        if (_astralClasses.TryGetValue(cp, out var cls)) return cls;
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        var isWord = category is UnicodeCategory.OtherLetter or UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.DecimalDigitNumber;
        return !isWord && _settings.SkipInsertedSymbols ? SymbolCode : 0;
    }

    /// <summary>True when the nearest word character before <paramref name="index"/> (skipping symbols) is a Latin letter or digit.</summary>
    private bool IsLatinBefore(ReadOnlySpan<char> text, int index)
    {
        for (var j = index - 1; j >= 0; j--)
        {
            var cls = _classes[text[j]];
            if (cls is InvisibleCode or SymbolCode or DotCode) continue;
            if (char.IsLowSurrogate(text[j])) continue;
            return TextFolding.IsLatinAlphanumeric(text[j]);
        }
        return false;
    }

    private bool IsLatinAfter(ReadOnlySpan<char> text, int index)
    {
        for (var j = index; j < text.Length; j++)
        {
            var cls = _classes[text[j]];
            if (cls is InvisibleCode or SymbolCode or DotCode) continue;
            if (cls == HighSurrogateCode) { j++; continue; }
            return TextFolding.IsLatinAlphanumeric(text[j]);
        }
        return false;
    }

    private int SkipRepeats(ReadOnlySpan<char> text, int index, int cls)
    {
        while (index < text.Length && _classes[text[index]] == cls) index++;
        return index;
    }

    private static ushort ClassOf(char c, Dictionary<int, int> alphabet, NormalizationSettings settings)
    {
        if (char.IsHighSurrogate(c)) return HighSurrogateCode;
        var role = TextFolding.RoleOf(c);
        switch (role)
        {
            case CharRole.Break:
                return BreakCode;
            case CharRole.Space:
                return SpaceCode;
            case CharRole.Invisible:
                return settings.StripInvisible ? InvisibleCode : (ushort)0;
            case CharRole.Dot:
                if (settings.SkipInsertedSymbols) return DotCode;
                break;
            case CharRole.Symbol:
                if (settings.SkipInsertedSymbols) return SymbolCode;
                break;
        }
        return (ushort)alphabet.GetValueOrDefault(TextFolding.Fold(c, settings));
    }

    private static int[] NormalizeToCodePoints(string phrase, NormalizationSettings settings)
    {
        var units = new List<int>(phrase.Length);
        var pendingSpace = false;
        for (var i = 0; i < phrase.Length; i++)
        {
            var c = phrase[i];
            int cp;
            if (char.IsHighSurrogate(c) && i + 1 < phrase.Length && char.IsLowSurrogate(phrase[i + 1]))
            {
                cp = char.ConvertToUtf32(c, phrase[i + 1]);
                i++;
            }
            else
            {
                var role = TextFolding.RoleOf(c);
                if (role is CharRole.Invisible or CharRole.Break) continue;
                if (role == CharRole.Space)
                {
                    pendingSpace = units.Count > 0;
                    continue;
                }
                // '*' standing for a letter inside a Latin word (sh*t, a**hole) is kept: the matcher reads it the same way.
                var starForLetter = c == '*' && settings.SkipInsertedSymbols && !pendingSpace && StarForLetter(phrase, i);
                if (!starForLetter && role is CharRole.Symbol or CharRole.Dot && settings.SkipInsertedSymbols) continue;
                cp = TextFolding.Fold(c, settings);
            }
            if (pendingSpace)
            {
                pendingSpace = false;
                var latinGap = units[^1] < 0x10000 && TextFolding.IsLatinAlphanumeric((char)units[^1])
                    && cp < 0x10000 && TextFolding.IsLatinAlphanumeric((char)cp);
                if (latinGap || !settings.SkipInsertedSymbols) units.Add(' ');
            }
            units.Add(cp);
        }
        return [.. units];
    }

    private static AhoCorasickAutomaton Build(List<int[]> patterns, Dictionary<int, int> alphabet, Func<int, bool> include, out PatternInfo[] info)
    {
        var symbolPatterns = new List<int[]>(patterns.Count);
        var infos = new List<PatternInfo>(patterns.Count);
        for (var id = 0; id < patterns.Count; id++)
        {
            var units = patterns[id];
            if (units.Length == 0 || units.Length > MaxPhraseLength || !include(id)) continue;
            symbolPatterns.Add([.. units.Select(cp => alphabet[cp])]);
            infos.Add(new PatternInfo(id, units.Length, IsLatin(units[0]), IsLatin(units[^1])));
        }
        info = [.. infos];
        return new AhoCorasickAutomaton(symbolPatterns, alphabet.Count);

        static bool IsLatin(int cp) => cp < 0x10000 && TextFolding.IsLatinAlphanumeric((char)cp);
    }

    private readonly record struct PatternInfo(int Id, int Length, bool StartsLatin, bool EndsLatin);
}
