namespace Alerting.Core.Pipeline;

/// <summary>
/// Per-conversation state kept by a partition's pipeline: who holds the conversation and whether a
/// buyer is waiting for a human answer. Kept deliberately small (one waiting period is the first
/// waiting message id, its time and a count, never every id) because a partition may hold a million
/// open conversations: times are stored as UTC ticks with one shared offset (the latest record's),
/// flags in one byte, and store/agent ids are interned by the pipeline. Mutated only by the
/// partition's single pipeline thread.
/// </summary>
public sealed class ConversationState
{
    private long _waitingSince;
    private long _lastHumanReplyAt;
    private long _lastActivityAt;
    private long _deadline;
    private short _offsetMinutes;
    private byte _flags;

    private const byte FiredFlag = 1, RepliedFlag = 2, RemovedFlag = 4;

    public required string ConversationId { get; init; }
    public required string ShopId { get; init; }

    /// <summary>Agent who holds the conversation now (last agent reply, or the target of a transfer).</summary>
    public string? OwnerAgentId { get; set; }

    /// <summary>First buyer message of the current waiting period; null when no buyer is waiting.</summary>
    public string? FirstWaitingMessageId { get; set; }

    /// <summary>sentAt of <see cref="FirstWaitingMessageId"/>.</summary>
    public DateTimeOffset WaitingSince { get => Get(_waitingSince); set => _waitingSince = Set(value); }

    /// <summary>Buyer messages in the current waiting period.</summary>
    public int WaitingCount { get; set; }

    /// <summary>True once <c>unanswered_buyer</c> fired for the current waiting period.</summary>
    public bool UnansweredFired { get => (_flags & FiredFlag) != 0; set => SetFlag(FiredFlag, value); }

    /// <summary>True once a human reply ended a waiting period (so the next is not the first response).</summary>
    public bool HasHumanReply { get => (_flags & RepliedFlag) != 0; set => SetFlag(RepliedFlag, value); }

    /// <summary>Latest sentAt of a human reply; a buyer message sent before it counts as answered.</summary>
    public DateTimeOffset LastHumanReplyAt { get => Get(_lastHumanReplyAt); set => _lastHumanReplyAt = Set(value); }

    /// <summary>Largest sentAt seen in this conversation (idle eviction is measured from it).</summary>
    public DateTimeOffset LastActivityAt { get => Get(_lastActivityAt); set => _lastActivityAt = Set(value); }

    /// <summary>Event time at which the pending unanswered deadline falls due; default when none.</summary>
    public DateTimeOffset Deadline { get => Get(_deadline); set => _deadline = Set(value); }

    /// <summary>The promotion the buyer last asked about and when (<c>wrong_promo_answer</c>); null until a buyer names one.</summary>
    public Rules.PromotionAnswers.AskedPromotionState? AskedPromotion { get; set; }

    /// <summary>Complaint-risk and review-invitation signals of the buyer (<c>buyer_complaint_risk</c>, <c>forbidden_review_invitation</c>); null until a buyer signal is seen.</summary>
    public Rules.BuyerComplaintRisk.BuyerSignalState? BuyerSignals { get; set; }

    /// <summary>Recent agent replies and the current canned-answer run (<c>repeated_reply</c>); null until that rule sees a question or a reply.</summary>
    public Rules.RepeatedReply.RepeatedReplyState? RepeatedReplies { get; set; }

    /// <summary>First waiting message of the wait <c>response_warning</c> fired for and has not resolved yet; null when none.</summary>
    public string? WarnedMessageId { get; set; }

    /// <summary>UTC ticks of this conversation's latest queued warning timer (0 = none); queue bookkeeping, not checkpointed.</summary>
    internal long WarningQueuedTicks { get; set; }

    public bool IsWaiting => FirstWaitingMessageId is not null;

    /// <summary>Set when the pipeline dropped this conversation (closed or idle); stale deadline entries skip it.</summary>
    internal bool Removed { get => (_flags & RemovedFlag) != 0; set => SetFlag(RemovedFlag, value); }

    /// <summary>UTC ticks of the pending deadline (0 when none), for the deadline queue.</summary>
    internal long DeadlineTicks => _deadline;

    /// <summary>
    /// Everything a record may change, so a record whose rules fail can be undone (<see cref="Restore"/>). A field
    /// added to this class must be added here too. The rules' own state objects are copied into
    /// <paramref name="copies"/> when given (the pipeline keeps one per partition: a record allocates nothing),
    /// else into new objects.
    /// </summary>
    internal Memento Save(UndoCopies? copies = null) => new(true, OwnerAgentId, FirstWaitingMessageId, WaitingCount,
        _waitingSince, _lastHumanReplyAt, _lastActivityAt, _deadline, _offsetMinutes, _flags, AskedPromotion, CopyOfAsked(copies),
        BuyerSignals, CopyOfSignals(copies), RepeatedReplies, CopyOfRepeats(copies), WarnedMessageId, copies);

    /// <summary>Puts back what <see cref="Save"/> copied (the rules' state objects are the same instances, their contents put back).</summary>
    internal void Restore(in Memento m)
    {
        OwnerAgentId = m.OwnerAgentId;
        FirstWaitingMessageId = m.FirstWaitingMessageId;
        WaitingCount = m.WaitingCount;
        _waitingSince = m.WaitingSince;
        _lastHumanReplyAt = m.LastHumanReplyAt;
        _lastActivityAt = m.LastActivityAt;
        _deadline = m.Deadline;
        _offsetMinutes = m.OffsetMinutes;
        _flags = m.Flags;
        AskedPromotion = m.AskedPromotion;
        m.AskedCopy?.CopyTo(m.AskedPromotion!);
        BuyerSignals = m.BuyerSignals;
        m.SignalsCopy?.CopyTo(m.BuyerSignals!);
        RepeatedReplies = m.RepeatedReplies;
        if (m.RepeatsCopy is not null) Rules.RepeatedReply.RepeatedReplyState.CopyInto(m.RepeatsCopy, m.RepeatedReplies!, m.Copies?.SpareReplies);
        WarnedMessageId = m.WarnedMessageId;
    }

    private Rules.PromotionAnswers.AskedPromotionState? CopyOfAsked(UndoCopies? copies)
    {
        if (AskedPromotion is null) return null;
        var copy = copies?.Asked ?? new Rules.PromotionAnswers.AskedPromotionState();
        AskedPromotion.CopyTo(copy);
        return copy;
    }

    private Rules.BuyerComplaintRisk.BuyerSignalState? CopyOfSignals(UndoCopies? copies)
    {
        if (BuyerSignals is null) return null;
        if (copies is null) return BuyerSignals.Copy();
        BuyerSignals.CopyTo(copies.Signals);
        return copies.Signals;
    }

    private Rules.RepeatedReply.RepeatedReplyState? CopyOfRepeats(UndoCopies? copies)
    {
        if (RepeatedReplies is null) return null;
        if (copies is null) return RepeatedReplies.Copy();
        Rules.RepeatedReply.RepeatedReplyState.CopyInto(RepeatedReplies, copies.Repeats, copies.SpareReplies);
        return copies.Repeats;
    }

    /// <summary>
    /// A copy of a conversation's fields (see <see cref="Save"/>); <c>default</c> = no conversation existed.
    /// <c>AskedPromotion</c>/<c>BuyerSignals</c>/<c>RepeatedReplies</c> are the live instances, the <c>…Copy</c> fields their contents.
    /// </summary>
    internal readonly record struct Memento(bool Exists, string? OwnerAgentId, string? FirstWaitingMessageId,
        int WaitingCount, long WaitingSince, long LastHumanReplyAt, long LastActivityAt, long Deadline, short OffsetMinutes, byte Flags,
        Rules.PromotionAnswers.AskedPromotionState? AskedPromotion, Rules.PromotionAnswers.AskedPromotionState? AskedCopy,
        Rules.BuyerComplaintRisk.BuyerSignalState? BuyerSignals, Rules.BuyerComplaintRisk.BuyerSignalState? SignalsCopy,
        Rules.RepeatedReply.RepeatedReplyState? RepeatedReplies, Rules.RepeatedReply.RepeatedReplyState? RepeatsCopy, string? WarnedMessageId,
        UndoCopies? Copies);

    /// <summary>The reusable copies of one partition's undo (one record at a time is undoable).</summary>
    internal sealed class UndoCopies
    {
        public Rules.PromotionAnswers.AskedPromotionState Asked { get; } = new();
        public Rules.BuyerComplaintRisk.BuyerSignalState Signals { get; } = new();
        public Rules.RepeatedReply.RepeatedReplyState Repeats { get; } = new();
        public Stack<Rules.RepeatedReply.TrackedReply> SpareReplies { get; } = new();
    }

    internal void EndWaiting()
    {
        FirstWaitingMessageId = null;
        WaitingCount = 0;
        UnansweredFired = false;
        _deadline = 0;
    }

    private DateTimeOffset Get(long utcTicks)
        => utcTicks == 0 ? default : new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(_offsetMinutes));

    private long Set(DateTimeOffset value)
    {
        if (value == default) return 0;
        _offsetMinutes = (short)value.Offset.TotalMinutes;
        return value.UtcTicks;
    }

    private void SetFlag(byte flag, bool on) => _flags = on ? (byte)(_flags | flag) : (byte)(_flags & ~flag);
}
