using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Pipeline.Batches;

/// <summary>
/// A record the pipeline refused (does not parse, time out of range, rules failed), with the reason and
/// its source position, on its way to the dead-letter destination.
/// </summary>
public sealed record RefusedRecord(byte[]? Key, byte[]? Value, string Reason, string Topic, int Partition, long Offset)
{
    /// <summary>The source position as <c>topic [[partition]] @offset</c> (for logs).</summary>
    public string Source => $"{Topic} [[{Partition}]] @{Offset}";
}

/// <summary>
/// One partition's rule state to save with the offset it corresponds to: the conversations changed and the
/// checkpoint fields removed since the previous save of that partition.
/// </summary>
public sealed class PartitionCheckpointWrite(string topic, int partition, long epoch, long nextOffset,
    IReadOnlyCollection<KeyValuePair<string, byte[]>> changed, IReadOnlyCollection<string> removed, CancellationToken released)
{
    public string Topic { get; } = topic;
    public int Partition { get; } = partition;

    /// <summary>The ownership epoch claimed at assignment (see <see cref="IPartitionStateStore.ClaimAsync"/>).</summary>
    public long Epoch { get; } = epoch;
    public long NextOffset { get; } = nextOffset;
    public IReadOnlyCollection<KeyValuePair<string, byte[]>> Changed { get; } = changed;
    public IReadOnlyCollection<string> Removed { get; } = removed;

    /// <summary>Cancelled when the partition is revoked or lost: its save is skipped or stops waiting.</summary>
    public CancellationToken Released { get; } = released;

    /// <summary>Set by the checkpoint stage when a newer owner refused this save: no offset of the partition may be stored after it.</summary>
    public bool Fenced { get; set; }
}

/// <summary>
/// A sealed batch as the write stages see it: everything the rules produced for a run of records, to be made
/// durable, stage after stage, before any of its offsets is stored.
/// </summary>
public sealed class SealedBatch
{
    /// <summary>Records consumed in the batch (valid or refused).</summary>
    public int Records { get; set; }

    /// <summary>Refused records, in partition order.</summary>
    public List<RefusedRecord> Refused { get; } = [];

    /// <summary>The applied (not refused) messages, in partition order; kept only when a stage reads them.</summary>
    public List<ChatMessage> Messages { get; } = [];

    /// <summary>Alerts, in partition order (one partition's alerts in the order its records produced them).</summary>
    public List<Alert> Alerts { get; } = [];

    /// <summary>Cross-conversation facts (agent activity), for the aggregation stage.</summary>
    public List<AgentActivity> Facts { get; } = [];

    /// <summary>How far each partition's facts are complete; null when not due with this batch.</summary>
    public List<PartitionProgress>? Progress { get; set; }

    /// <summary>Rule state to checkpoint, one entry per partition that changed.</summary>
    public List<PartitionCheckpointWrite> Checkpoints { get; } = [];

    /// <summary>Time each stage took (name → time), filled in by the writer.</summary>
    public Dictionary<string, TimeSpan> StageTimes { get; } = new(StringComparer.Ordinal);

    /// <summary>Nothing to write (an idle seal that found nothing).</summary>
    public bool IsEmpty => Records == 0 && Refused.Count == 0 && Alerts.Count == 0 && Facts.Count == 0 && Progress is null && Checkpoints.Count == 0;
}
