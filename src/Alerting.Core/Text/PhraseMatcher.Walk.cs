using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Alerting.Core.Text;

/// <summary>The automaton walk over the original text: the root fast path, per-character classes, and reported outputs.</summary>
public sealed partial class PhraseMatcher
{
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
