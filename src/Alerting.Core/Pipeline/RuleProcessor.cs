using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Rules;
using Alerting.Core.Rules.UnansweredBuyer;

namespace Alerting.Core.Pipeline;

/// <summary>
/// Applies one admitted record to its conversation: the shared conversation facts (owner, the buyer's wait, the
/// unanswered deadline it arms or disarms), then every rule of the record's store in config order with the
/// <see cref="RuleContext"/> of that record, then the timers the rules asked for and the agent-activity facts.
/// Knows nothing of admission, undo or checkpoints (the pipeline's); one instance per partition, one thread.
/// </summary>
internal sealed class RuleProcessor(StoreClocks clocks, DeadlineTimers timers, ConversationStore store, AgentActivityLog activity)
{
    private readonly RuleContext _context = new();

    /// <summary>Applies <paramref name="message"/> to <paramref name="state"/> (of <paramref name="clock"/>'s store) and appends the alerts its rules raise.</summary>
    public void Apply(ChatMessage message, ConversationState state, StoreClock clock, RulesSnapshot snapshot, List<Alert> alerts)
    {
        var rules = snapshot.ForShop(message.ShopId);
        _context.Answered = null;
        _context.ClosedWhileWaiting = null;
        Track(message, state, clock, rules);
        if (message.SentAt > state.LastActivityAt) state.LastActivityAt = message.SentAt;

        _context.Conversation = state;
        _context.Hours = rules.Conversation.Hours;
        _context.StoreOpen = rules.Conversation.Hours.IsOpen(message.SentAt);
        _context.Watermark = clocks.ClockFor(clock);
        _context.ConfigVersion = snapshot.Version;
        var list = rules.Rules;
        for (var i = 0; i < list.Count; i++) list[i].Evaluate(message, _context, alerts);
        if (state.BuyerSignals is not null) timers.ArmSignalTimer(state);
        timers.ArmWarningTimer(state, rules);
        if (rules.AgentResponseRate.Enabled) activity.OnRecord(message, state, _context, rules.AgentResponseRate.MinManualResponseRate > 0);
    }

    /// <summary>The record's effect on the shared conversation facts: owner, wait, deadline.</summary>
    private void Track(ChatMessage message, ConversationState state, StoreClock clock, StoreRules rules)
    {
        switch (message.Event)
        {
            case ChatEventKind.Transfer:
                // The buyer keeps waiting; the new owner inherits the wait and the alert names them.
                state.OwnerAgentId = store.Intern(message.AgentId);
                return;
            case ChatEventKind.Close:
                if (state.IsWaiting)
                    _context.ClosedWhileWaiting = WaitOf(state, message.SentAt, isFirst: !state.HasHumanReply, rules.Conversation.Hours);
                return;
        }

        switch (message.Sender)
        {
            case SenderKind.Buyer:
                OnBuyerMessage(message, state, clock, rules);
                break;
            case SenderKind.Agent:
                OnHumanReply(message, state, clock, rules);
                break;
            case SenderKind.Bot:
                if (rules.Conversation.BotRepliesAnswer) OnHumanReply(message, state, clock, rules);
                break;
            case SenderKind.System:
                break;
        }
    }

    private void OnBuyerMessage(ChatMessage message, ConversationState state, StoreClock clock, StoreRules rules)
    {
        if (message.AgentId is not null && state.OwnerAgentId is null) state.OwnerAgentId = store.Intern(message.AgentId);
        // Sent before a human reply that already arrived: that reply answered it.
        if (state.LastHumanReplyAt != default && message.SentAt <= state.LastHumanReplyAt) return;

        if (!state.IsWaiting)
        {
            if (rules.Conversation.IsClosingPhrase(message.Text)) return;
            state.FirstWaitingMessageId = message.MessageId;
            state.WaitingSince = message.SentAt;
            state.WaitingCount = 1;
            state.UnansweredFired = false;
            timers.Schedule(clock, state, rules.Conversation.Hours.AddCounted(message.SentAt, rules.UnansweredBuyer.Threshold));
            return;
        }

        state.WaitingCount++;
        if (message.SentAt < state.WaitingSince && !state.UnansweredFired)
        {
            // Arrived out of order: the wait really started with this earlier message.
            state.FirstWaitingMessageId = message.MessageId;
            state.WaitingSince = message.SentAt;
            timers.Schedule(clock, state, rules.Conversation.Hours.AddCounted(message.SentAt, rules.UnansweredBuyer.Threshold));
        }
    }

    private void OnHumanReply(ChatMessage message, ConversationState state, StoreClock clock, StoreRules rules)
    {
        if (message.Sender == SenderKind.Agent) state.OwnerAgentId = store.Intern(message.AgentId ?? message.SenderId);
        if (message.SentAt > state.LastHumanReplyAt) state.LastHumanReplyAt = message.SentAt;
        if (!state.IsWaiting || message.SentAt < state.WaitingSince) return;

        _context.Answered = WaitOf(state, message.SentAt, isFirst: !state.HasHumanReply, rules.Conversation.Hours);
        state.HasHumanReply = true;
        if (state.Deadline != default) timers.Disarm(clock);
        state.EndWaiting();
    }

    private static AnsweredWait WaitOf(ConversationState state, DateTimeOffset until, bool isFirst, BusinessHours hours)
        => new(state.FirstWaitingMessageId!, state.WaitingSince, state.WaitingCount, isFirst,
            state.UnansweredFired ? UnansweredBuyerRule.AlertIdFor(state.ConversationId, state.FirstWaitingMessageId!) : null,
            hours.CountedBetween(state.WaitingSince, until));
}
