using System.Text;

namespace Alerting.Core.Rules.PersonalDataExposure;

/// <summary>
/// Masks every number of 11 digits or more in a text — however it is typed (grouped, full-width, circled, Chinese
/// numerals) — keeping its first 3 and last 4 digits: <c>您的手机1３9 1234 5670对吗</c> → <c>您的手机139****5670对吗</c>.
/// Unlike <c>personal_data_exposure</c>, which reports only what it can tell is a buyer's number, this masks
/// without judging (phones, resident ids, bank cards, and also order numbers): for text that is kept, not judged.
/// Thread-safe (static).
/// </summary>
public static class LongNumberMasking
{
    /// <summary>Digits from which a run is masked.</summary>
    public const int MinDigits = 11;

    /// <summary><paramref name="text"/> with every run of at least <see cref="MinDigits"/> digits masked.</summary>
    public static string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!DigitSequences.HasAtLeast(text, MinDigits, chineseNumerals: true)) return text;
        var runs = DigitSequences.Find(text, MinDigits, chineseNumerals: true);
        if (runs.Count == 0) return text;
        var sb = new StringBuilder(text.Length);
        var at = 0;
        foreach (var run in runs)
        {
            var start = run[0].Start;
            var end = run[^1].End;
            sb.Append(text, at, start - at);
            sb.Append(PersonalNumbers.Mask(PersonalNumberKind.Phone, string.Concat(run.Select(g => g.Digits))));
            at = end;
        }
        sb.Append(text, at, text.Length - at);
        return sb.ToString();
    }
}
