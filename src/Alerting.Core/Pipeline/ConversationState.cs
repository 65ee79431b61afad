namespace Alerting.Core.Pipeline;

/// <summary>Per-conversation state kept by a partition's pipeline (see the timing rules' README).</summary>
public sealed class ConversationState
{
    public required string ConversationId { get; init; }
    public required string ShopId { get; init; }
    /// <summary>Agent who holds the conversation now (last agent reply or transfer).</summary>
    public string? OwnerAgentId { get; set; }

    /// <summary>The promotion the buyer last named in this conversation (set by <c>wrong_promo_answer</c>).</summary>
    public string? LastAskedPromotionId { get; set; }

    /// <summary>When the buyer named <see cref="LastAskedPromotionId"/> (event time).</summary>
    public DateTimeOffset LastAskedAt { get; set; }
}
