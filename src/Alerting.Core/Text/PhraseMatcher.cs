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
public sealed partial class PhraseMatcher
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
}
