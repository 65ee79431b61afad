namespace Alerting.Core.Pipeline;

/// <summary>
/// One store's event-time clock on one partition, with that store's pending unanswered deadlines.
/// A partition is shared by unrelated stores (it is keyed by conversation), so each store's deadlines
/// run on that store's own chat time: a record of store B, whatever its <c>sentAt</c>, never fires,
/// delays or evicts anything of store A. Mutated only by the partition's pipeline thread.
/// </summary>
internal sealed class StoreClock(string shopId)
{
    public string ShopId { get; } = shopId;

    /// <summary>Largest sentAt of this store's admitted records on the partition.</summary>
    public DateTimeOffset MaxSentAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>The store's deadline clock: <see cref="MaxSentAt"/> − allowed disorder, moved on by idle time live; never goes back.</summary>
    public DateTimeOffset Watermark { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Wall-clock timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the store's last record, for the live idle rule.</summary>
    public long LastArrival { get; set; }

    /// <summary>Pending deadlines by UTC ticks; stale entries (wait ended, re-armed, conversation gone) are skipped when popped.</summary>
    public PriorityQueue<ConversationState, long> Deadlines { get; } = new();

    /// <summary>This store's queued <c>buyer_complaint_risk</c> escalation timers by UTC ticks (stale entries skipped when popped).</summary>
    public PriorityQueue<ConversationState, long> SignalTimers { get; } = new();

    /// <summary>This store's queued <c>response_warning</c> timers by UTC ticks (stale entries skipped when popped).</summary>
    public PriorityQueue<ConversationState, long> WarningTimers { get; } = new();

    /// <summary>Conversations of this store held by the partition.</summary>
    public int Conversations { get; set; }

    /// <summary>Armed deadlines (buyer waiting, not fired yet).</summary>
    public int Pending { get; set; }

    /// <summary>Next watermark at which idle conversations of this store are looked for.</summary>
    public DateTimeOffset NextEviction { get; set; } = DateTimeOffset.MinValue;
}

/// <summary>A conversation's identity: the same conversation id in two stores is two conversations.</summary>
public readonly record struct ConversationKey(string ShopId, string ConversationId)
{
    /// <summary>
    /// The field name of the conversation in a partition checkpoint: the store id, U+001F, the
    /// conversation id (ids never hold control characters, so it is unambiguous).
    /// </summary>
    public string CheckpointField => string.Concat(ShopId, "\u001f", ConversationId);
}
