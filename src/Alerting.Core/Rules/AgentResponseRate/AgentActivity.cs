namespace Alerting.Core.Rules.AgentResponseRate;

/// <summary>What an <see cref="AgentActivity"/> fact records.</summary>
public enum AgentActivityKind
{
    /// <summary>One agent message (<c>sender: agent</c>, <c>event: message</c>).</summary>
    AgentMessage,

    /// <summary>A buyer wait ended by a human reply of the agent (<c>RuleContext.Answered</c>).</summary>
    WaitAnswered,

    /// <summary>A buyer wait that got no human reply: its unanswered deadline passed, or the conversation closed while waiting.</summary>
    WaitUnanswered,

    /// <summary>A message of the store's assisting bot (<c>sender: bot</c>, <c>event: message</c>): a valid reply for the 3-minute manual response rate. Emitted only when that measure is on.</summary>
    BotReply,
}

/// <summary>
/// One fact about an agent's work, emitted by the partition pipeline next to its alerts and aggregated
/// across partitions (Redis) per agent. Proposed minimal shape: an agent message, or the outcome of one
/// buyer wait (the waiting period that starts with the first buyer message after the last human reply).
/// </summary>
/// <param name="MessageId">The agent message; for a wait, the first buyer message left waiting.</param>
/// <param name="AgentId">The agent who sent the message, answered the wait, or owned the conversation when it went unanswered.</param>
/// <param name="At">The message's sentAt; for a wait, when it started (so a wait belongs to the window the buyer asked in).</param>
/// <param name="BuyerMessages">Buyer messages in the wait (0 for an agent message): summed, they are the 答问比 denominator.</param>
/// <param name="Wait">For an answered wait: the counted (business-hours) wait; otherwise zero.</param>
/// <param name="AnsweredAt">For an answered wait: the reply's sentAt. An evaluation point E counts the wait as
/// answered only if the reply came by E + <c>SettleSeconds</c>, so a very late reply gives every evaluator — one
/// instance or N, early or late — the same answer (see <see cref="AgentResponseRates.Measure"/>).</param>
public sealed record AgentActivity(string ShopId, string AgentId, string ConversationId, AgentActivityKind Kind, string MessageId,
    DateTimeOffset At, int BuyerMessages = 0, TimeSpan Wait = default, DateTimeOffset? AnsweredAt = null)
{
    /// <summary>
    /// Idempotency key: the <c>messageId</c> for an agent or bot message; <see cref="WaitId"/> for both wait
    /// outcomes, so a wait that first went unanswered and was answered later is one wait (answered wins,
    /// see <see cref="Merge"/>).
    /// </summary>
    public string FactId => Kind is AgentActivityKind.AgentMessage or AgentActivityKind.BotReply ? MessageId : WaitId(ConversationId, MessageId);

    /// <summary>Fact id of a wait: <c>w:&lt;conversationId&gt;:&lt;firstWaitingMessageId&gt;</c>.</summary>
    public static string WaitId(string conversationId, string firstWaitingMessageId) => $"w:{conversationId}:{firstWaitingMessageId}";

    /// <summary>
    /// Combines two facts with the same <see cref="FactId"/> into one, independently of order
    /// (commutative, associative, idempotent): an answered wait wins over an unanswered one; between two
    /// answers the shorter wait, then the smaller agent id, wins. Redelivery and any arrival order give
    /// the same stored fact.
    /// </summary>
    public static AgentActivity Merge(AgentActivity a, AgentActivity b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Kind != b.Kind)
        {
            if (a.Kind == AgentActivityKind.WaitAnswered) return a;
            if (b.Kind == AgentActivityKind.WaitAnswered) return b;
        }
        var c = a.Wait.CompareTo(b.Wait);
        if (c == 0) c = string.CompareOrdinal(a.AgentId, b.AgentId);
        if (c == 0) c = a.BuyerMessages.CompareTo(b.BuyerMessages);
        return c <= 0 ? a : b;
    }
}
