namespace Alerting.Core.Messages;

/// <summary>Who wrote a chat message (CONTRACTS.md §1 <c>sender</c>).</summary>
public enum SenderKind
{
    Buyer,
    Agent,
    /// <summary>Auto-reply (自动回复, 机器人); not an answer from a person.</summary>
    Bot,
    System,
}

/// <summary>What a chat record is (CONTRACTS.md §1 <c>event</c>).</summary>
public enum ChatEventKind
{
    Message,
    /// <summary>The conversation is now owned by <see cref="ChatMessage.AgentId"/> (转接).</summary>
    Transfer,
    /// <summary>The conversation ended.</summary>
    Close,
}

/// <summary>One chat record as consumed from Kafka (CONTRACTS.md §1). Immutable once parsed.</summary>
public sealed class ChatMessage
{
    public required string MessageId { get; init; }
    public required string ConversationId { get; init; }
    public required string ShopId { get; init; }
    public required SenderKind Sender { get; init; }
    public required string SenderId { get; init; }
    /// <summary>Agent who owns the conversation at this point, when known.</summary>
    public string? AgentId { get; init; }
    /// <summary>Message text; empty for non-text messages and for transfer/close events.</summary>
    public string Text { get; init; } = "";
    /// <summary>Event time with its original offset; every timing rule uses it, never the Kafka timestamp.</summary>
    public required DateTimeOffset SentAt { get; init; }
    public ChatEventKind Event { get; init; } = ChatEventKind.Message;

    public static string SenderName(SenderKind sender) => sender switch
    {
        SenderKind.Buyer => "buyer",
        SenderKind.Agent => "agent",
        SenderKind.Bot => "bot",
        _ => "system",
    };

    public static string EventName(ChatEventKind kind) => kind switch
    {
        ChatEventKind.Transfer => "transfer",
        ChatEventKind.Close => "close",
        _ => "message",
    };
}
