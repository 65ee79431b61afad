using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Rules.BatchWrongPromoAnswer;

namespace Alerting.Core.Pipeline.CrossConversation;

/// <summary>
/// <see cref="ICrossConversationAggregation"/> over in-process state, for <c>replay</c> and tests (one process
/// sees every partition): batches in <see cref="BatchWrongAnswerAggregator"/>, agent facts in
/// <see cref="AgentResponseRateAggregator"/>. The agent windows are judged up to the lowest progress reported
/// by the partitions seen so far, whenever that progress enters a new minute (evaluation points are whole
/// minutes), or at once when forced (end of input). Every call completes synchronously. Not thread-safe.
/// </summary>
public sealed class InMemoryCrossConversation : ICrossConversationAggregation
{
    private readonly BatchWrongAnswerAggregator _batches;
    private readonly AgentResponseRateAggregator _agents;
    private readonly Dictionary<(string Topic, int Partition), DateTimeOffset?> _progress = [];
    private DateTimeOffset _judgedAt = DateTimeOffset.MinValue;

    /// <param name="rules">The rules in force (read per call).</param>
    /// <param name="wallClock">For <c>detectedAt</c> only.</param>
    public InMemoryCrossConversation(IRulesSource rules, TimeProvider wallClock)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _batches = new BatchWrongAnswerAggregator(shop => rules.Current.ForShop(shop).BatchWrongPromoAnswer, wallClock);
        _agents = new AgentResponseRateAggregator(shop => rules.Current.ForShop(shop).AgentResponseRate,
            (shop, at) => rules.Current.ForShop(shop).IsOpen(at), wallClock);
    }

    /// <summary>Agents with facts held.</summary>
    public int Agents => _agents.Agents;

    /// <summary>The lowest progress of the partitions that reported one (null: none has, or all hold nothing back).</summary>
    public DateTimeOffset? LowestProgress
    {
        get
        {
            DateTimeOffset? lowest = null;
            foreach (var mark in _progress.Values)
                if (mark is { } m && (lowest is null || m < lowest)) lowest = m;
            return lowest;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Alert>> ObserveAlertsAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        => ValueTask.FromResult(_batches.Observe(alerts));

    /// <inheritdoc />
    public Task FlushAsync(IReadOnlyList<AgentActivity> facts, IReadOnlyList<PartitionProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(progress);
        if (facts.Count > 0) _agents.Observe(facts);
        foreach (var p in progress) _progress[(p.Topic, p.Partition)] = p.Watermark;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> EvaluateAsync(bool force, Func<IReadOnlyList<Alert>, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (_agents.Agents == 0 || LowestProgress is not { } low) return Task.FromResult(0);
        if (!force && low.UtcTicks / TimeSpan.TicksPerMinute <= _judgedAt.UtcTicks / TimeSpan.TicksPerMinute) return Task.FromResult(0);
        _judgedAt = low;
        var alerts = _agents.AdvanceTo(low);
        if (alerts.Count == 0) return Task.FromResult(0);
        var delivered = deliver(alerts, cancellationToken);
        // Replay's delivery is synchronous; a caller's asynchronous one is awaited before the count is reported.
        return delivered.IsCompletedSuccessfully ? Task.FromResult(alerts.Count) : CountAfter(delivered, alerts.Count);
    }

    private static async Task<int> CountAfter(Task delivered, int count)
    {
        await delivered.ConfigureAwait(false);
        return count;
    }
}
