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

    /// <summary>UTC ticks the pipeline queued the escalation at (not checkpointed: restore re-arms from <see cref="EscalateAt"/>).</summary>
    internal long QueuedTicks { get; set; }
}
