using System.Globalization;
using System.Text;
using Alerting.Core.Alerts;

namespace Alerting.Simulation;

/// <summary>Precision and recall of one rule against the ground truth.</summary>
public sealed record RuleScore(string Rule, int Expected, int Actual, int Matched, IReadOnlyList<ExpectedAlert> Misses, IReadOnlyList<Alert> Extras)
{
    /// <summary>Matched / actual; 1 when the rule raised nothing (nothing raised, nothing wrong).</summary>
    public double Precision => Actual == 0 ? 1 : (double)Matched / Actual;

    /// <summary>Matched / expected; 1 when nothing was expected.</summary>
    public double Recall => Expected == 0 ? 1 : (double)Matched / Expected;
}

/// <summary>
/// Compares raised alerts with a generator's ground truth, per rule, by alertId (ids are deterministic,
/// so an alert matches exactly when it is about the same rule, conversation and first message).
/// Only firing alerts count; a resolution of an alert is not a second alert.
/// </summary>
public static class Evaluation
{
    /// <summary>The rules the generator labels; others (batch, forbidden claims) are reported but not scored.</summary>
    public static readonly IReadOnlySet<string> LabelledRules = new HashSet<string>(StringComparer.Ordinal)
    {
        ExpectedAlert.RudeLanguage, ExpectedAlert.WrongPromoAnswer, ExpectedAlert.SlowResponse, ExpectedAlert.UnansweredBuyer,
        GroundTruthBatches.Rule, ExpectedAlert.PersonalDataExposure, ExpectedAlert.OffPlatformContact, ExpectedAlert.BuyerComplaintRisk, ExpectedAlert.ForbiddenReviewInvitation,
        ExpectedAlert.RepeatedReply, ExpectedAlert.ResponseWarning,
    };

    /// <summary>Scores <paramref name="actual"/> against <paramref name="expected"/>, per rule.</summary>
    /// <param name="until">
    /// The final clock: expected timing alerts due after it, and raised alerts whose eventTime is after
    /// it, are left out (a live worker keeps firing deadlines as its idle clock moves on).
    /// </param>
    /// <param name="scored">Rules the ground truth speaks for (default <see cref="LabelledRules"/>); alerts of other rules are left out.
    /// <c>response_warning</c> is labelled only when the run set <c>SimulationOptions.ResponseWarningShare</c>: score a run
    /// without it with <see cref="LabelledRules"/> less that rule (the worker's rule is off by default too).</param>
    public static IReadOnlyList<RuleScore> Compare(IEnumerable<ExpectedAlert> expected, IEnumerable<Alert> actual, DateTimeOffset? until = null, IReadOnlySet<string>? scored = null)
    {
        scored ??= LabelledRules;
        actual = actual.Where(a => scored.Contains(a.Rule));
        var exp = expected.Where(e => until is null || e.IsDueBy(until.Value))
            .GroupBy(e => e.AlertId).Select(g => g.First()).ToList();
        var act = actual.Where(a => a.Status == AlertStatus.Firing && (until is null || a.EventTime <= until.Value))
            .GroupBy(a => a.AlertId).Select(g => g.First()).ToList();
        var expIds = exp.Select(e => e.AlertId).ToHashSet(StringComparer.Ordinal);
        var actIds = act.Select(a => a.AlertId).ToHashSet(StringComparer.Ordinal);
        var rules = exp.Select(e => e.Rule).Concat(act.Select(a => a.Rule)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return rules.Select(rule =>
        {
            var e = exp.Where(x => x.Rule == rule).ToList();
            var a = act.Where(x => x.Rule == rule).ToList();
            var matched = a.Count(x => expIds.Contains(x.AlertId));
            return new RuleScore(rule, e.Count, a.Count, matched,
                e.Where(x => !actIds.Contains(x.AlertId)).ToList(),
                a.Where(x => !expIds.Contains(x.AlertId)).ToList());
        }).ToList();
    }

    /// <summary>Firing alerts of rules the ground truth does not label, counted per rule (shown, not scored).</summary>
    public static IReadOnlyDictionary<string, int> Unscored(IEnumerable<Alert> actual, IReadOnlySet<string>? scored = null)
    {
        scored ??= LabelledRules;
        return actual.Where(a => a.Status == AlertStatus.Firing && !scored.Contains(a.Rule))
            .GroupBy(a => a.Rule).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(a => a.AlertId).Distinct().Count());
    }

    /// <summary>The table <c>evaluate</c> prints, misses and extras listed (at most <paramref name="listLimit"/> each).</summary>
    public static string Format(IReadOnlyList<RuleScore> scores, int listLimit = 20)
    {
        var sb = new StringBuilder();
        sb.AppendLine("rule                       expected  raised  matched  precision  recall  misses  extras");
        foreach (var s in scores)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Rule,-26} {s.Expected,8} {s.Actual,7} {s.Matched,8} {s.Precision,10:0.0000} {s.Recall,7:0.0000} {s.Misses.Count,7} {s.Extras.Count,7}"));
        foreach (var s in scores)
        {
            foreach (var m in s.Misses.Take(listLimit))
                sb.AppendLine(CultureInfo.InvariantCulture, $"  missed {s.Rule} {m.ShopId} {m.ConversationId} messages [{string.Join(", ", m.MessageIds)}] alertId {m.AlertId}");
            if (s.Misses.Count > listLimit) sb.AppendLine(CultureInfo.InvariantCulture, $"  … {s.Misses.Count - listLimit} more {s.Rule} misses");
            foreach (var x in s.Extras.Take(listLimit))
                sb.AppendLine(CultureInfo.InvariantCulture, $"  extra  {s.Rule} {x.ShopId} {x.ConversationId} messages [{string.Join(", ", x.MessageIds)}]: {x.Summary}");
            if (s.Extras.Count > listLimit) sb.AppendLine(CultureInfo.InvariantCulture, $"  … {s.Extras.Count - listLimit} more {s.Rule} extras");
        }
        return sb.ToString();
    }
}
