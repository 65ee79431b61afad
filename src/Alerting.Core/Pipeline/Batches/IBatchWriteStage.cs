namespace Alerting.Core.Pipeline.Batches;

/// <summary>
/// One write step of a sealed batch (dead letters, alerts, cross-conversation facts, checkpoints, …). The
/// consumer starts the registered stages in <see cref="Order"/>: a stage that <see cref="WaitsForEarlierStages"/>
/// starts once every earlier one completed, the others start beside the earlier ones; a batch's offsets are
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

    /// <summary>
    /// The stage must not start before every stage of a lower <see cref="Order"/> completed (checkpoints: rule state
    /// never runs ahead of the alerts it raised). Default true; a stage whose writes do not depend on the earlier
    /// stages' says false and runs beside them, so a batch costs one round trip for all of them, not one each.
    /// </summary>
    bool WaitsForEarlierStages => true;

    Task WriteAsync(SealedBatch batch, CancellationToken cancellationToken);
}

/// <summary>The order of the built-in stages; a new stage picks a value between them.</summary>
public static class BatchStageOrder
{
    /// <summary>Refused records to the dead-letter topic, acknowledged (beside the messages, alerts and facts).</summary>
    public const int DeadLetters = 100;

    /// <summary>The batch's parsed messages (transcripts), beside the alerts.</summary>
    public const int Messages = 150;

    /// <summary>Alerts (and the cross-conversation batches they complete).</summary>
    public const int Alerts = 200;

    /// <summary>Cross-conversation facts, then the partition progress they complete.</summary>
    public const int CrossConversationFacts = 300;

    /// <summary>Per-partition rule state with its offset, last, after all the others (a checkpoint never runs ahead of the alerts).</summary>
    public const int Checkpoints = 400;
}
