using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;

namespace Alerting.Core.Replay;

/// <summary>Counts printed at the end of a replay.</summary>
public sealed record ReplaySummary(long Lines, long Messages, long BadLines, long Alerts, IReadOnlyDictionary<string, int> AlertsByRule, DateTimeOffset FinalClock, long LateRecords);

/// <summary>
/// Offline replay (CONTRACTS.md §3): the live pipeline over a JSONL file, on pure event time. The clock
/// is the largest sentAt seen less the allowed disorder; at the end of input it advances to
/// <c>until</c> (or the largest sentAt) and fires what is due by then. Same input and config give
/// the same alerts in the same order.
/// </summary>
public static class ReplayRunner
{
    public static ReplaySummary Run(TextReader input, RulesSnapshot rules, Action<Alert> onAlert, Action<long, string> onBadLine, DateTimeOffset? until = null, TimeProvider? wallClock = null)
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(rules), wallClock ?? TimeProvider.System);
        // Batches of identical wrong answers span conversations: the same aggregation the live worker keeps in Redis.
        var batches = new Rules.BatchWrongPromoAnswer.BatchWrongAnswerAggregator(shop => rules.ForShop(shop).BatchWrongPromoAnswer, wallClock ?? TimeProvider.System);
        // Agent-level rates span conversations too; one input is one partition, so its clock is the lowest watermark.
        var agents = new Rules.AgentResponseRate.AgentResponseRateAggregator(shop => rules.ForShop(shop).AgentResponseRate,
            (shop, at) => rules.ForShop(shop).IsOpen(at), wallClock ?? TimeProvider.System);
        var activity = new List<Rules.AgentResponseRate.AgentActivity>();
        var agentsClock = DateTimeOffset.MinValue;
        var alerts = new List<Alert>();
        var byRule = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long lineNo = 0, messages = 0, bad = 0, total = 0;
        var buffer = new byte[4096];

        void Emit(DateTimeOffset? agentsUpTo = null)
        {
            if (alerts.Count > 0) alerts.AddRange(batches.Observe(alerts));
            if (pipeline.PendingActivity > 0)
            {
                pipeline.DrainActivity(activity);
                agents.Observe(activity);
                activity.Clear();
            }
            // Evaluate when the clock enters a new minute (evaluation points are whole minutes), and at the end.
            var clock = agentsUpTo ?? pipeline.Watermark;
            if (agents.Agents > 0 && (agentsUpTo is not null || clock.UtcTicks / TimeSpan.TicksPerMinute > agentsClock.UtcTicks / TimeSpan.TicksPerMinute))
            {
                agentsClock = clock;
                alerts.AddRange(agents.AdvanceTo(clock));
            }
            foreach (var alert in alerts)
            {
                onAlert(alert);
                total++;
                byRule[alert.Rule] = byRule.GetValueOrDefault(alert.Rule) + 1;
            }
            alerts.Clear();
        }

        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0 || string.IsNullOrWhiteSpace(line)) continue;
            var max = Encoding.UTF8.GetMaxByteCount(line.Length);
            if (buffer.Length < max) buffer = new byte[max];
            var count = Encoding.UTF8.GetBytes(line, buffer);
            var parsed = ChatMessageParser.Parse(buffer.AsSpan(0, count));
            if (!parsed.IsValid)
            {
                bad++;
                onBadLine(lineNo, parsed.Error!);
                continue;
            }
            if (pipeline.Process(parsed.Message!, alerts) is { } refused)
            {
                // Out of range or failed while applied: reported like a line that does not parse (the live worker dead-letters it).
                bad++;
                onBadLine(lineNo, refused);
                Emit();
                continue;
            }
            messages++;
            Emit();
        }

        var finalClock = until ?? pipeline.MaxSentAt;
        if (messages > 0 || until is not null) pipeline.AdvanceWatermark(finalClock, alerts);
        Emit(finalClock);
        return new ReplaySummary(lineNo, messages, bad, total, byRule, finalClock, pipeline.LateRecords);
    }
}
