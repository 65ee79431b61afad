using System.Text;
using Alerting.Core.Text;

namespace Alerting.Core.Rules.RepeatedReply;

/// <summary>
/// The folded form two replies are compared in, written into a caller's buffer (no allocation): the text
/// rules' normalizer with every fold on (<see cref="PhraseMatcher.Normalize"/> with
/// <see cref="NormalizationSettings.All"/>: width, case, traditional → simplified, spaces, symbols,
/// punctuation and invisible characters dropped, a space kept only between two Latin letters/digits), then
/// emoji and other symbols outside the BMP dropped too — 好的😊 and 好的👌 are the same reply. One pass, the
/// same output as the normalizer followed by that filter, so a checkpointed reply hash still matches.
/// </summary>
internal static class ReplyFold
{
    private static readonly NormalizationSettings Settings = NormalizationSettings.All;

    /// <summary>Folds <paramref name="text"/> into <paramref name="into"/> (at least as long as the text: folding never lengthens it); returns the length written.</summary>
    public static int Fold(ReadOnlySpan<char> text, Span<char> into)
    {
        var length = 0;
        var anyUnit = false;   // the normalizer has output something (a dropped emoji counts)
        var lastLatin = false; // the normalizer's last output is a Latin letter or digit
        var pendingSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                // Outside the BMP: the normalizer keeps it unfolded (never Latin, so a pending space goes);
                // the reply fold then keeps only letters and digits.
                pendingSpace = false;
                anyUnit = true;
                lastLatin = false;
                if (Rune.IsLetterOrDigit(new Rune(c, text[i + 1])))
                {
                    into[length++] = c;
                    into[length++] = text[i + 1];
                }
                i++;
                continue;
            }
            var role = TextFolding.RoleOf(c);
            if (role is CharRole.Invisible or CharRole.Break) continue;
            if (role == CharRole.Space)
            {
                pendingSpace = anyUnit;
                continue;
            }
            // '*' standing for a letter inside a Latin word (sh*t) is kept, as the normalizer keeps it.
            var starForLetter = c == '*' && !pendingSpace && PhraseMatcher.StarForLetter(text, i);
            if (!starForLetter && role is CharRole.Symbol or CharRole.Dot) continue;
            var folded = TextFolding.Fold(c, Settings);
            var latin = TextFolding.IsLatinAlphanumeric(folded);
            if (pendingSpace)
            {
                pendingSpace = false;
                if (lastLatin && latin) into[length++] = ' ';
            }
            into[length++] = folded;
            anyUnit = true;
            lastLatin = latin;
        }
        return length;
    }

    /// <summary><see cref="Fold(ReadOnlySpan{char}, Span{char})"/> as a string (config: allowed replies, greetings).</summary>
    public static string Fold(string text)
    {
        var buffer = new char[text.Length];
        return new string(buffer, 0, Fold(text, buffer));
    }

    /// <summary>FNV-1a 64 of the folded text; never 0 (0 means "none" in the state).</summary>
    public static ulong Hash(ReadOnlySpan<char> folded)
    {
        var h = 14695981039346656037UL;
        foreach (var c in folded) h = (h ^ c) * 1099511628211UL;
        return h == 0 ? 1 : h;
    }
}
