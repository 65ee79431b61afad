namespace Alerting.Core.Pipeline.Batches;

/// <summary>
/// One write step of a sealed batch (dead letters, alerts, cross-conversation facts, checkpoints, …). The
/// consumer runs the registered stages one after the other in <see cref="Order"/>; a batch's offsets are
/// stored only after every stage completed. A stage must retry rather than drop (throwing fails the batch for
/// good: nothing after it is committed) and must be idempotent (a crash replays the batch).
/// </summary>
public interface IBatchWriteStage
{
    /// <summary>Position in the write sequence; see <see cref="BatchStageOrder"/>.</summary>
    int Order { get; }

    /// <summary>Short name, for timings and trace spans.</summary>
    string Name { get; }

    /// <summary>The stage reads <see cref="SealedBatch.Progress"/>: the consumer then captures every partition's progress once per idle tick.</summary>
    bool NeedsPartitionProgress => false;

    /// <summary>The stage reads <see cref="SealedBatch.Messages"/>: the partition workers then keep every applied message for it.</summary>
    bool NeedsMessages => false;

    Task WriteAsync(SealedBatch batch, CancellationToken cancellationToken);
}

/// <summary>The order of the built-in stages; a new stage picks a value between them.</summary>
public static class BatchStageOrder
{
    /// <summary>Refused records to the dead-letter topic, acknowledged, first.</summary>
    public const int DeadLetters = 100;

    /// <summary>The batch's parsed messages (transcripts), before the alerts.</summary>
    public const int Messages = 150;

    /// <summary>Alerts (and the cross-conversation batches they complete).</summary>
    public const int Alerts = 200;

    /// <summary>Cross-conversation facts, then the partition progress they complete.</summary>
    public const int CrossConversationFacts = 300;

    /// <summary>Per-partition rule state with its offset, last (a checkpoint never runs ahead of the alerts).</summary>
    public const int Checkpoints = 400;
}
