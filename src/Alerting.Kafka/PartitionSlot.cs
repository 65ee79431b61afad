using Alerting.Core.Pipeline;
using Confluent.Kafka;

namespace Alerting.Kafka;

/// <summary>
/// One assigned partition: its pipeline (touched only by its partition worker), the offsets the poll loop
/// routed, and the ownership facts both sides read (epoch, fenced, released).
/// </summary>
internal sealed class PartitionSlot(TopicPartition partition, PartitionPipeline pipeline, PartitionWorker worker)
{
    public TopicPartition Partition { get; } = partition;

    /// <summary>The worker that owns this partition's state (fixed for the slot's life).</summary>
    public PartitionWorker Worker { get; } = worker;

    // ── poll thread ──
    /// <summary>The offset after the last record routed to the worker (-1 = none and no checkpoint).</summary>
    public long RoutedNext { get; set; } = -1;

    // ── partition worker ──
    public PartitionPipeline Pipeline { get; } = pipeline;

    /// <summary>The offset after the last record fully applied (or refused): the next checkpoint's offset.</summary>
    public long NextOffset { get; set; } = -1;
    public long SavedOffset { get; set; } = -1;

    /// <summary>Kafka reported the end of the partition and no record came since.</summary>
    public bool AtEnd { get; set; }

    // ── shared ──
    /// <summary>Ownership epoch claimed in the state store at assignment; every checkpoint save carries it.</summary>
    public long Epoch { get; set; }

    /// <summary>A save was refused because a newer owner claimed the partition: no offset of it is stored any more.</summary>
    public volatile bool Fenced;

    /// <summary>Cancelled when the partition is revoked or lost: writes for it stop.</summary>
    public CancellationTokenSource Released { get; } = new();
}
