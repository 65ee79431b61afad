namespace Alerting.Core.Pipeline;

/// <summary>
/// Per-conversation state kept by a partition's pipeline: who holds the conversation and whether a
/// buyer is waiting for a human answer. Kept deliberately small (one waiting period is the first
/// waiting message id, its time and a count, never every id) because a partition may hold a million
/// open conversations. Mutated only by the partition's single pipeline thread.
/// </summary>
public sealed class ConversationState
{
    public required string ConversationId { get; init; }
    public required string ShopId { get; init; }

    /// <summary>Agent who holds the conversation now (last agent reply, or the target of a transfer).</summary>
    public string? OwnerAgentId { get; set; }

    /// <summary>First buyer message of the current waiting period; null when no buyer is waiting.</summary>
    public string? FirstWaitingMessageId { get; set; }

    /// <summary>sentAt of <see cref="FirstWaitingMessageId"/> (original offset kept for alert times).</summary>
    public DateTimeOffset WaitingSince { get; set; }

    /// <summary>Buyer messages in the current waiting period.</summary>
    public int WaitingCount { get; set; }

    /// <summary>True once <c>unanswered_buyer</c> fired for the current waiting period.</summary>
    public bool UnansweredFired { get; set; }

    /// <summary>True once any human reply was seen (so the next reply is not the first response).</summary>
    public bool HasHumanReply { get; set; }

    /// <summary>Latest sentAt of a human reply; a buyer message sent before it counts as answered.</summary>
    public DateTimeOffset LastHumanReplyAt { get; set; }

    /// <summary>Largest sentAt seen in this conversation (idle eviction is measured from it).</summary>
    public DateTimeOffset LastActivityAt { get; set; }

    /// <summary>Event time at which the pending unanswered deadline falls due; default when none.</summary>
    public DateTimeOffset Deadline { get; set; }

    /// <summary>The promotion a buyer last asked about (set by the promotion rule).</summary>
    public string? LastAskedPromotionId { get; set; }

    /// <summary>When the buyer asked about <see cref="LastAskedPromotionId"/>.</summary>
    public DateTimeOffset LastAskedAt { get; set; }

    public bool IsWaiting => FirstWaitingMessageId is not null;

    /// <summary>Set when the pipeline dropped this conversation (closed or idle); stale deadline entries skip it.</summary>
    internal bool Removed { get; set; }

    internal void EndWaiting()
    {
        FirstWaitingMessageId = null;
        WaitingCount = 0;
        UnansweredFired = false;
        Deadline = default;
    }
}
