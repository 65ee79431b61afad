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
    private readonly AhoCorasickAutomaton _phrases;
    private readonly ushort[]? _phraseRootByChar; // char → state after it at the root (0: stays at the root); see Walk
    private readonly PatternInfo[] _phraseInfo;
    private readonly AhoCorasickAutomaton? _allowed;
    private readonly PatternInfo[] _allowedInfo;
    private readonly string[] _phraseForms;
    private readonly string[] _allowedForms;

    /// <param name="phrases">Phrases to find; a match reports the phrase's index in this list. Equal normalized forms: the later phrase wins.</param>
    /// <param name="allowed">Whitelist: an allowed phrase overlapping a match suppresses it, unless it lies strictly inside the match and is part of the phrase itself.</param>
    /// <param name="settings">Normalizations applied to phrases and text alike.</param>
    public PhraseMatcher(IReadOnlyList<string> phrases, IReadOnlyList<string> allowed, NormalizationSettings settings)
    {
        _settings = settings;
        var phraseUnits = phrases.Select(p => NormalizeToCodePoints(p, settings)).ToList();
        var allowedUnits = allowed.Select(p => NormalizeToCodePoints(p, settings)).ToList();
        _phraseForms = [.. phraseUnits.Select(ToText)];
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
        foreach (var (cp, cls) in alphabet)
            if (cp > 0xFFFF) _astralClasses[cp] = cls;

        for (var c = 0; c <= 0xFFFF; c++) _classes[c] = ClassOf((char)c, alphabet, settings);

        _phrases = Build(phraseUnits, alphabet, out _phraseInfo);
        _phraseRootByChar = BuildRootByChar(_phrases);
        _allowed = allowedUnits.Any(u => u.Length > 0) ? Build(allowedUnits, alphabet, out _allowedInfo) : null;
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

        if (_allowed is not null) RemoveSuppressed(text, found);
        if (found.Count == 0) return false;
        (matches ??= []).AddRange(found);
        found.Clear();
        return true;
    }

    [ThreadStatic] private static List<PhraseMatch>? t_found;
    [ThreadStatic] private static List<PhraseMatch>? t_allowed;

    // Kept out of FindAll and free of lambdas: a closure there would be allocated on every call,
    // clean or not (Roslyn hoists display classes to the method scope in optimized builds).
    private void RemoveSuppressed(ReadOnlySpan<char> text, List<PhraseMatch> found)
    {
        var allowedSpans = t_allowed ??= new List<PhraseMatch>(8);
        allowedSpans.Clear();
        Walk(text, _allowed!, null, _allowedInfo, collapse: false, ref allowedSpans!);
        if (allowedSpans.Count == 0) return;
        var kept = 0;
        for (var i = 0; i < found.Count; i++)
            if (!IsSuppressed(found[i], allowedSpans, _phraseForms, _allowedForms)) found[kept++] = found[i];
        found.RemoveRange(kept, found.Count - kept);
    }

    private static bool IsSuppressed(PhraseMatch m, List<PhraseMatch> allowedSpans, string[] phraseForms, string[] allowedForms)
    {
        foreach (var a in allowedSpans)
        {
            var overlaps = a.Start < m.End && m.Start < a.End;
            if (!overlaps) continue;
            // An allowed word that is literally part of a longer rude phrase (干嘛 in 问那么多干嘛) does not
            // excuse it. One that only sits inside the span because repeats were collapsed (妈妈 in
            // 你妈妈的, read as 你妈的) does.
            var strictlyInside = a.Start >= m.Start && a.End <= m.End && a.Length < m.Length;
            if (!strictlyInside || !phraseForms[m.Phrase].Contains(allowedForms[a.Phrase], StringComparison.Ordinal)) return true;
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
            if (cls == HighSurrogateCode) table[c] = RootSlowPath;
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
                    continue;
                }
            }

            int cls = Unsafe.Add(ref classes, (int)text[i]);
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
                if (role is CharRole.Symbol or CharRole.Dot && settings.SkipInsertedSymbols) continue;
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

    private static AhoCorasickAutomaton Build(List<int[]> patterns, Dictionary<int, int> alphabet, out PatternInfo[] info)
    {
        var symbolPatterns = new List<int[]>(patterns.Count);
        var infos = new List<PatternInfo>(patterns.Count);
        for (var id = 0; id < patterns.Count; id++)
        {
            var units = patterns[id];
            if (units.Length == 0 || units.Length > MaxPhraseLength) continue;
            symbolPatterns.Add([.. units.Select(cp => alphabet[cp])]);
            infos.Add(new PatternInfo(id, units.Length, IsLatin(units[0]), IsLatin(units[^1])));
        }
        info = [.. infos];
        return new AhoCorasickAutomaton(symbolPatterns, alphabet.Count);

        static bool IsLatin(int cp) => cp < 0x10000 && TextFolding.IsLatinAlphanumeric((char)cp);
    }

    private readonly record struct PatternInfo(int Id, int Length, bool StartsLatin, bool EndsLatin);
}
