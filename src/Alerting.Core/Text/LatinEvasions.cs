namespace Alerting.Core.Text;

/// <summary>
/// Spellings people use to slip a Latin word past a filter, generated from the word itself so a lexicon lists
/// each English term once: letters spaced out (s h i t) and digits for letters (sh1t, 5hit, id10t, d1ck),
/// v for u (fvck), x for c (fuxk), 7 for t (bi7ch) and * for any inner letter (sh*t, a**hole; the matcher keeps a
/// * that sits between letters). $ @ ! inside a word are read as s a i by the matcher itself. Real words that contain a term
/// (shitake, cocktail, Scunthorpe) stay clean because Latin terms match whole tokens only.
/// </summary>
public static class LatinEvasions
{
    private static readonly (char Letter, char Stand)[] Substitutes = [('i', '1'), ('o', '0'), ('e', '3'), ('a', '4'), ('s', '5'), ('u', 'v'), ('c', 'x'), ('t', '7')];

    /// <summary>Shortest word (letters) that gets a spaced-out form; shorter ones (sb, jb) would collide with sizes and initials.</summary>
    public const int MinSpacedLength = 4;

    /// <summary>Shortest word that gets digit forms.</summary>
    public const int MinLeetLength = 4;

    /// <summary>
    /// The evasion spellings of <paramref name="form"/> when it is one Latin word (ASCII letters only) or
    /// several separated by single spaces; empty otherwise. At most two letters are substituted in one
    /// spelling, which keeps the count small (a 7-letter word with 4 substitutable letters gets 14).
    /// </summary>
    public static List<string> Variants(string form)
    {
        var variants = new List<string>();
        var word = form.Trim().ToLowerInvariant();
        if (word.Length == 0 || !word.All(c => c is (>= 'a' and <= 'z') or ' ')) return variants;
        var letters = word.Count(c => c != ' ');
        if (!word.Contains(' ') && letters >= MinSpacedLength) variants.Add(string.Join(' ', word.ToCharArray()));
        if (letters < MinLeetLength) return variants;
        var positions = new List<(int Index, char Stand)>();
        for (var i = 0; i < word.Length; i++)
        {
            foreach (var (letter, stand) in Substitutes)
                if (word[i] == letter) positions.Add((i, stand));
            // * for any letter inside a word, not its first or last (sh*t, b*tch, a**hole).
            if (i > 0 && i < word.Length - 1 && word[i] != ' ' && word[i - 1] != ' ' && word[i + 1] != ' ') positions.Add((i, '*'));
        }
        for (var a = 0; a < positions.Count; a++)
        {
            variants.Add(Replace(word, positions[a]));
            for (var b = a + 1; b < positions.Count; b++)
                if (positions[b].Index != positions[a].Index) variants.Add(Replace(Replace(word, positions[a]), positions[b]));
        }
        // A * form is kept only where the matcher reads its stars as letters (c**p would read as cp).
        variants.RemoveAll(v => v.Contains('*') && Enumerable.Range(0, v.Length).Any(i => v[i] == '*' && !PhraseMatcher.StarForLetter(v, i)));
        return variants;

        static string Replace(string s, (int Index, char Stand) p) => string.Concat(s.AsSpan(0, p.Index), p.Stand.ToString(), s.AsSpan(p.Index + 1));
    }
}
