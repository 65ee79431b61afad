namespace Alerting.Core.Text;

/// <summary>
/// Which normalizations a <see cref="PhraseMatcher"/> applies, both to its phrases and to the text
/// it scans. See <c>Rules/RudeLanguage/README.md</c> for an example of each.
/// </summary>
public readonly record struct NormalizationSettings(
    bool FoldWidthAndCase,
    bool StripInvisible,
    bool TraditionalToSimplified,
    bool SkipInsertedSymbols,
    bool CollapseRepeats,
    bool LatinWholeTokens)
{
    /// <summary>Every normalization on (the default of the options).</summary>
    public static NormalizationSettings All => new(true, true, true, true, true, true);

    /// <summary>Every normalization off: literal, case-sensitive matching.</summary>
    public static NormalizationSettings None => new(false, false, false, false, false, false);
}
