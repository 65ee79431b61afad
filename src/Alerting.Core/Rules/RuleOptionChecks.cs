using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Text;

namespace Alerting.Core.Rules;

/// <summary>Validation shared by the rules' options: severities and configured phrase lists, with the same messages everywhere.</summary>
internal static class RuleOptionChecks
{
    /// <summary>Reports <paramref name="value"/> at <c>path:field</c> unless it is info, low, medium, high or critical.</summary>
    public static void Severity(string? value, string path, string field, List<ConfigProblem> problems)
    {
        if (!Alert.TryParseSeverity(value, out _))
            problems.Add(new($"{path}:{field}", $"unknown severity '{value}': expected info, low, medium, high or critical"));
    }

    /// <summary>Reports empty, too short (normalized) and over-long phrases of a configured list as <c>path:field:n</c>.</summary>
    public static void Phrases(List<string> list, string path, string field, NormalizationSettings settings, List<ConfigProblem> problems, int minLength = 2)
    {
        for (var i = 0; i < list.Count; i++)
        {
            var normalized = PhraseMatcher.Normalize(list[i] ?? "", settings);
            if (normalized.Length == 0) problems.Add(new($"{path}:{field}:{i}", "empty phrase"));
            else if (normalized.Length < minLength) problems.Add(new($"{path}:{field}:{i}", $"'{list[i]}' is a single character and would match everywhere (need at least {minLength})"));
            else if (normalized.Length > PhraseMatcher.MaxPhraseLength) problems.Add(new($"{path}:{field}:{i}", $"longer than {PhraseMatcher.MaxPhraseLength} characters"));
        }
    }
}
