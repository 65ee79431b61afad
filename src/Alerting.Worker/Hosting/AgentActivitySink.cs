using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Redis.CrossConversation;

namespace Alerting.Worker.Hosting;

/// <summary>
/// Live <c>agent_response_rate_low</c>, recording side: stores the batch's facts in Redis
/// (<see cref="AgentActivityTracker"/>), then the progress of this worker's partitions
/// (<see cref="PartitionProgressStore"/>) — in that order, so published progress always has its facts
/// stored. <see cref="AgentRateEvaluationService"/> judges the windows once every partition is past them.
/// </summary>
internal sealed class AgentActivitySink(AgentActivityTracker tracker, PartitionProgressStore progressStore) : IAgentActivitySink
{
    public async Task FlushAsync(IReadOnlyList<AgentActivity> facts, IReadOnlyList<PartitionProgress> progress, CancellationToken cancellationToken)
    {
        if (facts.Count > 0) await tracker.RecordAsync(facts, cancellationToken).ConfigureAwait(false);
        if (progress.Count > 0) await progressStore.PublishAsync(progress, cancellationToken).ConfigureAwait(false);
    }
}
