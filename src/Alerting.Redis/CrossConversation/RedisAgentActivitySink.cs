using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Redis.CrossConversation;

/// <summary>
/// Live <c>agent_response_rate_low</c>, recording side: stores the batch's facts in Redis
/// (<see cref="AgentActivityTracker"/>), then the progress of this worker's partitions
/// (<see cref="PartitionProgressStore"/>) — in that order, so published progress always has its facts
/// stored. The worker's evaluation service judges the windows once every partition is past them.
/// </summary>
public sealed class RedisAgentActivitySink(AgentActivityTracker tracker, PartitionProgressStore progressStore) : IAgentActivitySink
{
    public async Task FlushAsync(IReadOnlyList<AgentActivity> facts, IReadOnlyList<PartitionProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(progress);
        if (facts.Count > 0) await tracker.RecordAsync(facts, cancellationToken).ConfigureAwait(false);
        if (progress.Count > 0) await progressStore.PublishAsync(progress, cancellationToken).ConfigureAwait(false);
    }
}
