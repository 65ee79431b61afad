using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Pipeline.CrossConversation;

/// <summary>
/// The one orchestration of the cross-conversation rules, for replay and the live worker alike: a batch's
/// alerts are written together with the batch alerts they raise (<see cref="WithBatchesAsync"/>), then its
/// agent facts and the partition progress they complete are recorded (<see cref="RecordAsync"/>: facts
/// first), then the agent windows that progress completed are judged (<see cref="EvaluateAsync"/>).
/// Live, each step is a write stage of the sealed batch (before its offsets are stored) or the evaluator
/// service's tick; replay runs the three steps after every input record.
/// </summary>
/// <param name="aggregation">The state behind the rules: in memory (replay) or Redis (live).</param>
/// <param name="rules">For the config version stamped on judged alerts that have none; null = left as they are.</param>
public sealed class CrossConversationStage(ICrossConversationAggregation aggregation, IRulesSource? rules = null)
{
    /// <summary>The aggregation behind the stage.</summary>
    public ICrossConversationAggregation Aggregation { get; } = aggregation;

    /// <summary>
    /// <paramref name="alerts"/> followed by the batch alert events they raise (the same list when they raise none).
    /// </summary>
    public async ValueTask<IReadOnlyList<Alert>> WithBatchesAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0) return alerts;
        var batches = await Aggregation.ObserveAlertsAsync(alerts, cancellationToken).ConfigureAwait(false);
        if (batches.Count == 0) return alerts;
        var all = new List<Alert>(alerts.Count + batches.Count);
        all.AddRange(alerts);
        all.AddRange(batches);
        return all;
    }

    /// <summary>Records the facts, then the progress (never before its facts: progress promises they are stored).</summary>
    public Task RecordAsync(IReadOnlyList<AgentActivity> facts, IReadOnlyList<PartitionProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(progress);
        return facts.Count == 0 && progress.Count == 0 ? Task.CompletedTask : Aggregation.FlushAsync(facts, progress, cancellationToken);
    }

    /// <summary>
    /// Judges what the recorded progress completed and hands the alerts to <paramref name="deliver"/> (each alert
    /// once per delivery, stamped with the config version in force when it has none). Returns the alerts delivered.
    /// </summary>
    public Task<int> EvaluateAsync(bool force, Func<IReadOnlyList<Alert>, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        return Aggregation.EvaluateAsync(force, (alerts, ct) =>
        {
            if (alerts.Count == 0) return Task.CompletedTask;
            var version = rules?.Current.Version;
            List<Alert>? distinct = null;
            HashSet<string>? seen = null;
            for (var i = 0; i < alerts.Count; i++)
            {
                var alert = alerts[i];
                alert.ConfigVersion ??= version;
                if (alerts.Count == 1) break;
                seen ??= new HashSet<string>(StringComparer.Ordinal);
                if (seen.Add(alert.AlertId)) (distinct ??= new List<Alert>(alerts.Count)).Add(alert);
            }
            return deliver(distinct is null || distinct.Count == alerts.Count ? alerts : distinct, ct);
        }, cancellationToken);
    }
}
