namespace Alerting.Core.Rules.BuyerComplaintRisk;

/// <summary>
/// What the buyer-signal rules remember of one conversation: the open complaint-risk alert (its first
/// message, revision, current tier and a pending escalation) and whether the buyer's last message was
/// negative. Null on a conversation until a buyer signal is seen, so clean conversations pay one
/// reference. Checkpointed with the conversation (<see cref="Pipeline.ConversationStateCodec"/> version 2).
/// Mutated only by the partition's pipeline thread.
/// </summary>
public sealed class BuyerSignalState
{
    /// <summary>First buyer message of the complaint-risk alert (its id is derived from it); null when none fired.</summary>
    public string? RiskMessageId { get; set; }

    /// <summary>sentAt of <see cref="RiskMessageId"/>.</summary>
    public DateTimeOffset RiskSince { get; set; }

    /// <summary>Severity of the alert's latest revision.</summary>
    public Alerts.Severity RiskLevel { get; set; }

    /// <summary>Latest revision written for the alert.</summary>
    public int RiskRevision { get; set; }

    /// <summary>When the alert escalates to high unless a human agent answers first; default when none is pending.</summary>
    public DateTimeOffset EscalateAt { get; set; }

    /// <summary>Whether the buyer's latest message carried a complaint or negative-emotion signal.</summary>
    public bool LastBuyerNegative { get; set; }

    /// <summary>
    /// Facts <c>forbidden_review_invitation</c> keeps about the buyer's side (bit set of
    /// <see cref="ReviewContext"/>): a question waiting for an answer, 没解决, a price or promotion
    /// complaint, a purchase mentioned.
    /// </summary>
    public ReviewContext Review { get; set; }

    /// <summary>UTC ticks the pipeline queued the escalation at (not checkpointed: restore re-arms from <see cref="EscalateAt"/>).</summary>
    internal long QueuedTicks { get; set; }

    /// <summary>A copy, so a record whose rules fail can be undone (see <c>ConversationState.Save</c>).</summary>
    internal BuyerSignalState Copy() => (BuyerSignalState)MemberwiseClone();

    /// <summary>The same copy into an existing instance (the pipeline's undo reuses one, so a clean record allocates nothing). Every property is copied.</summary>
    internal void CopyTo(BuyerSignalState into)
    {
        into.RiskMessageId = RiskMessageId;
        into.RiskSince = RiskSince;
        into.RiskLevel = RiskLevel;
        into.RiskRevision = RiskRevision;
        into.EscalateAt = EscalateAt;
        into.LastBuyerNegative = LastBuyerNegative;
        into.Review = Review;
        into.QueuedTicks = QueuedTicks;
    }
}

/// <summary>What the buyer said that decides whether a review invitation is allowed.</summary>
[Flags]
public enum ReviewContext : byte
{
    None = 0,
    /// <summary>The buyer's latest message asked something no human reply has followed yet.</summary>
    QuestionWaiting = 1,
    /// <summary>The buyer said the problem is not solved (没解决, 还是不行 …) and has not said otherwise since.</summary>
    NotSolved = 2,
    /// <summary>The buyer complained about the price or the promotion (太贵了, 怎么涨价了, 活动不对 …).</summary>
    PriceComplaint = 4,
    /// <summary>The buyer said they bought (拍了, 已付款, 下单了 …).</summary>
    Bought = 8,
}
