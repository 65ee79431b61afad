namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>
/// What <c>wrong_promo_answer</c> remembers of one conversation: the promotion the buyer last asked about and when,
/// so an agent's answer that names no promotion is still held against it (within the asked-promotion window). Null on
/// a conversation until a buyer names a promotion, so the many that never do pay one reference. Checkpointed with the
/// conversation in the codec's version-1 fields (unchanged). Mutated only by the partition's pipeline thread.
/// </summary>
public sealed class AskedPromotionState
{
    /// <summary>The promotion's id.</summary>
    public string? PromotionId { get; set; }

    /// <summary>sentAt of the buyer message that named it.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>A copy into an existing instance, so a record whose rules fail can be undone (see <c>ConversationState.Save</c>). Every property is copied.</summary>
    internal void CopyTo(AskedPromotionState into)
    {
        into.PromotionId = PromotionId;
        into.At = At;
    }
}
