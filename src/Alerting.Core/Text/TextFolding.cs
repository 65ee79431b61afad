using System.Globalization;

namespace Alerting.Core.Text;

/// <summary>How one character behaves while matching, before any lexicon is involved.</summary>
public enum CharRole : byte
{
    /// <summary>Letter, digit or ideograph: part of a word.</summary>
    Word,
    /// <summary>Zero-width and control characters (U+200B, U+FEFF, soft hyphen, variation selectors …).</summary>
    Invisible,
    /// <summary>Spaces: skipped inside Chinese words, a single word gap between Latin letters.</summary>
    Space,
    /// <summary>Symbols, ASCII punctuation other than sentence punctuation, emoji: skipped inside a word.</summary>
    Symbol,
    /// <summary>ASCII '.' (and full-width '．'): a symbol on its own, a sentence break when doubled ("..").</summary>
    Dot,
    /// <summary>Sentence punctuation and line breaks: a word never continues across it.</summary>
    Break,
}

/// <summary>
/// Character-level folding shared by the text rules: width and case folding, traditional →
/// simplified, and the role of each character (word, invisible, space, symbol, sentence break).
/// Pure functions of one character; the matcher precomputes them into a table per config version.
/// </summary>
public static class TextFolding
{
    /// <summary>
    /// Sentence punctuation: a match never spans it. Full-width ，。！？；：、… and ASCII , ! ? ; plus
    /// line breaks. ASCII ':' and a single ASCII '.' are not here: between Chinese characters they
    /// are far more often inserted to dodge a filter (傻.逼) than used as punctuation.
    /// </summary>
    public const string SentenceBreaks = "，。！？；：、…,!?;\n\r\u2028\u2029｡､";

    /// <summary>Folds full-width ASCII (U+FF01–U+FF5E) and the ideographic space to ASCII, then lower-cases ASCII and Latin letters.</summary>
    public static char FoldWidthAndCase(char c)
    {
        if (c >= '\uFF01' && c <= '\uFF5E') c = (char)(c - 0xFEE0);
        else if (c == '\u3000') return ' ';
        if (c < 0x80) return c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
        return char.IsUpper(c) ? char.ToLowerInvariant(c) : c;
    }

    /// <summary>Applies the character-level folds that <paramref name="settings"/> enables.</summary>
    public static char Fold(char c, in NormalizationSettings settings)
    {
        if (settings.FoldWidthAndCase) c = FoldWidthAndCase(c);
        if (settings.TraditionalToSimplified) c = TraditionalChinese.ToSimplified(c);
        return c;
    }

    /// <summary>True for ASCII letters and digits and their full-width forms: the characters of a Latin token.</summary>
    public static bool IsLatinAlphanumeric(char c)
    {
        if (c >= '\uFF10' && c <= '\uFF5A') c = (char)(c - 0xFEE0);
        return c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
    }

    /// <summary>The role of <paramref name="c"/> (a UTF-16 code unit; surrogates count as <see cref="CharRole.Symbol"/>).</summary>
    public static CharRole RoleOf(char c)
    {
        if (c is '\n' or '\r') return CharRole.Break;
        if (c is '.' or '．') return CharRole.Dot;
        if (SentenceBreaks.Contains(c)) return CharRole.Break;
        if (c is ' ' or '\t' or '\u3000' or '\u00A0') return CharRole.Space;
        if (IsInvisible(c)) return CharRole.Invisible;
        if (char.IsSurrogate(c)) return CharRole.Symbol;
        if (char.IsLetterOrDigit(c)) return CharRole.Word;
        return char.IsWhiteSpace(c) ? CharRole.Space : CharRole.Symbol;
    }

    /// <summary>Zero-width, format and control characters that render as nothing.</summary>
    public static bool IsInvisible(char c)
    {
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return c is not ('\n' or '\r' or '\t');
        if (c is >= '\uFE00' and <= '\uFE0F') return true; // variation selectors (emoji presentation)
        var cat = CharUnicodeInfo.GetUnicodeCategory(c);
        return cat == UnicodeCategory.Format; // U+200B–U+200F, U+2060–U+2064, U+FEFF, U+00AD …
    }
}
