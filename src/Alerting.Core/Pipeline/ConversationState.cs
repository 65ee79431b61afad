namespace Alerting.Core.Pipeline;

/// <summary>Per-conversation state kept by a partition's pipeline (see the timing rules' README).</summary>
public sealed class ConversationState
{
    public required string ConversationId { get; init; }
    public required string ShopId { get; init; }
    /// <summary>Agent who holds the conversation now (last agent reply or transfer).</summary>
    public string? OwnerAgentId { get; set; }
}
