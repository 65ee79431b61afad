using Alerting.Core.Messages;
using Alerting.Core.Rules;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Pipeline;

/// <summary>
/// The <c>agent_response_rate_low</c> facts a partition emitted and the caller has not drained yet (it aggregates them
/// across partitions): what one applied record tells about its agent, and the waits a deadline left unanswered.
/// Empty (no list) until a store with the rule on emits one. Mutated only by the partition's pipeline thread.
/// </summary>
internal sealed class AgentActivityLog
{
    private List<AgentActivity>? _facts;

    public int Count => _facts?.Count ?? 0;

    /// <summary>Moves every fact into <paramref name="into"/>.</summary>
    public void DrainTo(List<AgentActivity> into)
    {
        if (_facts is not { Count: > 0 }) return;
        into.AddRange(_facts);
        _facts.Clear();
    }

    /// <summary>Drops the facts after the first <paramref name="count"/> (the undo of a failed record).</summary>
    public void TruncateTo(int count)
    {
        if (_facts is not null && _facts.Count > count) _facts.RemoveRange(count, _facts.Count - count);
    }

    /// <summary>
    /// The facts of one applied record: an agent message, the wait a human reply ended, the wait a close left
    /// unanswered; a bot message only when the 3-minute manual rate is on (<paramref name="botReplies"/>: an
    /// assisting bot's reply is a valid reply for it). System messages give none.
    /// </summary>
    public void OnRecord(ChatMessage message, ConversationState state, RuleContext context, bool botReplies)
    {
        if (botReplies && message.Event == ChatEventKind.Message && message.Sender == SenderKind.Bot
            && (state.OwnerAgentId ?? message.AgentId) is { Length: > 0 } owner)
            Add(new AgentActivity(state.ShopId, owner, state.ConversationId, AgentActivityKind.BotReply, message.MessageId, message.SentAt));
        if (message.Event == ChatEventKind.Message && message.Sender == SenderKind.Agent)
        {
            var agent = state.OwnerAgentId ?? message.AgentId ?? message.SenderId;
            if (string.IsNullOrEmpty(agent)) return;
            Add(new AgentActivity(state.ShopId, agent, state.ConversationId, AgentActivityKind.AgentMessage, message.MessageId, message.SentAt));
            if (context.Answered is { } answered)
                Add(new AgentActivity(state.ShopId, agent, state.ConversationId, AgentActivityKind.WaitAnswered, answered.FirstMessageId,
                    answered.WaitingSince, answered.BuyerMessages, answered.CountedWait, message.SentAt));
        }
        if (context.ClosedWhileWaiting is { } closed && !string.IsNullOrEmpty(state.OwnerAgentId))
            Add(new AgentActivity(state.ShopId, state.OwnerAgentId, state.ConversationId, AgentActivityKind.WaitUnanswered,
                closed.FirstMessageId, closed.WaitingSince, closed.BuyerMessages));
    }

    /// <summary>The wait <c>unanswered_buyer</c> just fired for, counted against its owner (none when nobody holds the conversation).</summary>
    public void OnUnansweredFired(ConversationState state)
    {
        if (string.IsNullOrEmpty(state.OwnerAgentId)) return;
        Add(new AgentActivity(state.ShopId, state.OwnerAgentId, state.ConversationId, AgentActivityKind.WaitUnanswered,
            state.FirstWaitingMessageId!, state.WaitingSince, state.WaitingCount));
    }

    private void Add(AgentActivity fact) => (_facts ??= []).Add(fact);
}
