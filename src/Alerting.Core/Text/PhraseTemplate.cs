using System.Globalization;
using System.Text;

namespace Alerting.Core.Text;

/// <summary>
/// A phrase template: literal text with bounded gaps and alternatives, e.g. <c>这么{0,6}都{0,2}(不会|不懂)(吗|$)</c>.
/// Syntax: <c>{m,n}</c> (or <c>{n}</c>) is a gap of m to n word characters (letters, digits, ideographs; a
/// sentence break inside a gap counts as one), 0 ≤ m ≤ n ≤ <see cref="MaxGap"/>; <c>(a|b|)</c> is a choice
/// of literals (an empty choice makes the group optional); <c>$</c>, only as the last element or as a
/// choice of the last group, requires the match to end a sentence (next character, symbols skipped, is
/// sentence punctuation or the end of the text). Groups do not nest. Each piece between two gaps expands
/// into at most <see cref="MaxExpansions"/> literals; the matcher finds every literal in its one pass and
/// assembles pieces afterwards, so a template costs nothing on text that contains none of its first piece.
/// </summary>
public sealed class PhraseTemplate
{
    /// <summary>Largest gap, in word characters.</summary>
    public const int MaxGap = 12;

    /// <summary>Most literals one piece (the text between two gaps) may expand into.</summary>
    public const int MaxExpansions = 4096;

    private PhraseTemplate(IReadOnlyList<IReadOnlyList<Alternative>> pieces, IReadOnlyList<(int Min, int Max)> gaps)
    {
        Pieces = pieces;
        Gaps = gaps;
    }

    /// <summary>The pieces between gaps, each a set of literal alternatives; a match takes one alternative of every piece, in order.</summary>
    public IReadOnlyList<IReadOnlyList<Alternative>> Pieces { get; }

    /// <summary><c>Gaps[k]</c> sits between pieces k and k+1.</summary>
    public IReadOnlyList<(int Min, int Max)> Gaps { get; }

    /// <summary>
    /// One literal a piece can be; <c>EndsSentence</c> when it was followed by <c>$</c> (only in the last piece). An
    /// empty <c>Text</c> (only with <c>EndsSentence</c>, only after a gap) means the sentence ends within the gap.
    /// </summary>
    public readonly record struct Alternative(string Text, bool EndsSentence);

    /// <summary>True when <paramref name="phrase"/> uses template syntax (a gap, a group or an end anchor).</summary>
    public static bool IsTemplate(string phrase)
        => phrase.Contains('{') || phrase.Contains('(') || phrase.Contains('|') || phrase.EndsWith('$');

    /// <summary>Parses a template; returns false with a reason a user can act on.</summary>
    public static bool TryParse(string template, out PhraseTemplate? parsed, out string error)
    {
        parsed = null;
        error = "";
        // Elements: literal text, a choice group, a gap. Built as a list of alternatives per element.
        var elements = new List<Element>();
        var literal = new StringBuilder();
        void FlushLiteral()
        {
            if (literal.Length == 0) return;
            elements.Add(new Element([literal.ToString()], null));
            literal.Clear();
        }
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            switch (c)
            {
                case '{':
                {
                    var close = template.IndexOf('}', i);
                    if (close < 0) { error = $"'{{' at {i} has no closing '}}'"; return false; }
                    var body = template[(i + 1)..close];
                    var parts = body.Split(',');
                    if (parts.Length is < 1 or > 2
                        || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min)
                        || !int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var max))
                    { error = $"gap '{{{body}}}' must be {{m,n}} or {{n}} with whole numbers"; return false; }
                    if (min > max || max > MaxGap) { error = $"gap '{{{body}}}' must have 0 ≤ m ≤ n ≤ {MaxGap}"; return false; }
                    FlushLiteral();
                    if (elements.Count == 0) { error = "a template cannot start with a gap"; return false; }
                    if (elements[^1].Gap is not null) { error = "two gaps in a row"; return false; }
                    elements.Add(new Element([], (min, max)));
                    i = close;
                    break;
                }
                case '(':
                {
                    var close = template.IndexOf(')', i);
                    if (close < 0) { error = $"'(' at {i} has no closing ')'"; return false; }
                    var body = template[(i + 1)..close];
                    if (body.Contains('(') || body.Contains('{')) { error = $"group '({body})' cannot hold a group or a gap"; return false; }
                    FlushLiteral();
                    var choices = body.Split('|');
                    if (choices.Contains("$") && close != template.Length - 1) { error = "'$' may only be a choice of the last group"; return false; }
                    elements.Add(new Element(choices, null));
                    i = close;
                    break;
                }
                case ')' or '}':
                    error = $"unmatched '{c}' at {i}";
                    return false;
                case '|':
                    error = $"'|' at {i} outside a group: write (a|b)";
                    return false;
                case '$':
                    if (i != template.Length - 1) { error = "'$' may only end the template"; return false; }
                    FlushLiteral();
                    elements.Add(new Element(["$"], null));
                    break;
                default:
                    literal.Append(c);
                    break;
            }
        }
        FlushLiteral();
        if (elements.Count == 0) { error = "empty template"; return false; }
        if (elements[^1].Gap is not null) { error = "a template cannot end with a gap"; return false; }

        // Expand each piece (the elements between two gaps) into its literal alternatives.
        var pieces = new List<IReadOnlyList<Alternative>>();
        var gaps = new List<(int, int)>();
        var current = new List<(string Text, bool End)> { ("", false) };
        foreach (var element in elements)
        {
            if (element.Gap is { } gap)
            {
                if (ClosePiece() is { } e1) { error = e1; return false; }
                gaps.Add(gap);
                current = [("", false)];
                continue;
            }
            var next = new List<(string, bool)>(current.Count * element.Choices.Count);
            foreach (var (text, end) in current)
                foreach (var choice in element.Choices)
                {
                    next.Add(choice == "$" ? (text, true) : (text + choice, end));
                    if (next.Count > MaxExpansions) { error = $"a piece expands into more than {MaxExpansions} literals; split the template"; return false; }
                }
            current = next;
        }
        if (ClosePiece() is { } e2) { error = e2; return false; }
        parsed = new PhraseTemplate(pieces, gaps);
        return true;

        string? ClosePiece()
        {
            // An empty alternative is allowed only as "$" after a gap ({0,6}(吗|$): the sentence ends within the gap).
            if (current.Any(a => a.Text.Length == 0 && (!a.End || pieces.Count == 0)))
                return "a piece between gaps can be empty (all its groups optional); put a literal in it";
            if (current.All(a => a.Text.Length == 0) && current.Count > 0 && pieces.Count == 0)
                return "a template needs a literal before '$'";
            pieces.Add([.. current.Distinct().Select(a => new Alternative(a.Text, a.End))]);
            return null;
        }
    }

    private sealed record Element(IReadOnlyList<string> Choices, (int Min, int Max)? Gap);
}
