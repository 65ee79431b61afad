using Alerting.Core.Rules.BatchWrongPromoAnswer;

namespace Alerting.Simulation;

/// <summary>
/// The <c>batch_wrong_promo_answer</c> alerts the ground truth implies: the expected wrong answers grouped
/// by store, promotion, stated terms and fixed window, kept where enough agents or conversations repeat
/// the statement. Computed from the labelled single alerts, so injected templates and coincidences count alike.
/// </summary>
public static class GroundTruthBatches
{
    public const string Rule = WrongAnswerBatch.RuleName;

    public static IReadOnlyList<ExpectedAlert> Derive(IEnumerable<ExpectedAlert> expected, BatchWrongPromoAnswerOptions? options = null)
    {
        options ??= new BatchWrongPromoAnswerOptions();
        if (!options.Enabled) return [];
        var groups = expected
            .Where(e => e.Rule == ExpectedAlert.WrongPromoAnswer && e.Evidence.ContainsKey("promotion") && e.Evidence.ContainsKey("stated"))
            .GroupBy(e => new WrongAnswerGroup(e.ShopId, e.Evidence["promotion"], e.Evidence["stated"], WrongAnswerBatch.WindowStart(e.EventTime, options.Window), options.WindowMinutes));
        var batches = new List<ExpectedAlert>();
        foreach (var g in groups)
        {
            var members = g.OrderBy(e => e.EventTime).ThenBy(e => e.MessageIds[0], StringComparer.Ordinal).ToList();
            var agents = members.Select(e => e.AgentId ?? "").Distinct(StringComparer.Ordinal).Count();
            var conversations = members.Select(e => e.ConversationId).Distinct(StringComparer.Ordinal).Count();
            var reached = (options.MinAgents > 0 && agents >= options.MinAgents) || (options.MinConversations > 0 && conversations >= options.MinConversations);
            if (!reached) continue;
            batches.Add(new ExpectedAlert(g.Key.AlertId, Rule, g.Key.ShopId, members[0].ConversationId, null,
                members.Select(e => e.MessageIds[0]).ToArray(), members[^1].EventTime, null,
                new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["promotion"] = g.Key.PromotionId,
                    ["stated"] = g.Key.Stated,
                    ["agents"] = agents.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["conversations"] = conversations.ToString(System.Globalization.CultureInfo.InvariantCulture),
                }));
        }
        return batches;
    }
}
