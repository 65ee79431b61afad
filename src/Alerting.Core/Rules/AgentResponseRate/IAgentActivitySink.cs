namespace Alerting.Core.Rules.AgentResponseRate;

/// <summary>
/// How far one partition's <see cref="AgentActivity"/> facts are complete: every fact of the records
/// consumed from it so far, and every wait outcome its watermark has decided, is in the batch that
/// carries this progress or in an earlier one.
/// </summary>
/// <param name="Watermark">The partition's event-time watermark; null = the partition is caught up and
/// holds no open conversation, so it holds nothing back (its future records are new traffic).</param>
public readonly record struct PartitionProgress(string Topic, int Partition, DateTimeOffset? Watermark);

/// <summary>
/// Where the live consume loop sends the <see cref="AgentActivity"/> facts of a batch and its partitions'
/// progress: called from the batch flush <b>before</b> its offsets are stored, so a crash replays the
/// facts (recording is idempotent). <c>agent_response_rate_low</c> is evaluated elsewhere, on the lowest
/// progress of <b>all</b> partitions (see the rule README). Called from one thread at a time.
/// </summary>
public interface IAgentActivitySink
{
    /// <summary>
    /// Records <paramref name="facts"/> durably, then <paramref name="progress"/> (never before the facts:
    /// published progress promises that the facts behind it are stored).
    /// </summary>
    Task FlushAsync(IReadOnlyList<AgentActivity> facts, IReadOnlyList<PartitionProgress> progress, CancellationToken cancellationToken);
}
