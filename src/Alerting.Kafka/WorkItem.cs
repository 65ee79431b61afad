using Confluent.Kafka;

namespace Alerting.Kafka;

/// <summary>What the poll loop hands a partition worker, in the order the worker must see it.</summary>
internal enum WorkKind
{
    /// <summary>A record of <see cref="WorkItem.Slot"/>: parse, apply, or refuse.</summary>
    Record,

    /// <summary>Kafka reported the end of the slot's partition.</summary>
    EndOfPartition,

    /// <summary>A new partition (its pipeline restored already): from now on the worker owns it.</summary>
    Assign,

    /// <summary>The partition was revoked or lost: forget it, then signal <see cref="WorkItem.Done"/>.</summary>
    Release,

    /// <summary>The idle tick: caught-up partitions (<see cref="WorkItem.CaughtUp"/>) follow the wall clock; counters refreshed.</summary>
    IdleTick,

    /// <summary>Hand over everything produced since the last seal (<see cref="WorkItem.Seal"/>).</summary>
    Seal,
}

/// <summary>A request to seal: the worker's part of the batch goes to <see cref="Part"/>.</summary>
internal sealed class SealRequest(bool withProgress)
{
    /// <summary>Capture every partition's cross-conversation progress with this batch.</summary>
    public bool WithProgress { get; } = withProgress;

    /// <summary>
    /// Completed by the worker. Continuations run inline: the worker that hands in the last part merges the parts
    /// and starts the write stages up to their first wait on I/O (one thread hop less per batch, which on a busy
    /// machine is a scheduling delay less).
    /// </summary>
    public TaskCompletionSource<WorkerPart> Part { get; } = new();
}

/// <summary>One entry of a partition worker's queue.</summary>
internal readonly record struct WorkItem(
    WorkKind Kind,
    PartitionSlot? Slot = null,
    ConsumeResult<byte[]?, byte[]?>? Record = null,
    SealRequest? Seal = null,
    IReadOnlyList<PartitionSlot>? CaughtUp = null,
    TaskCompletionSource? Done = null);
