using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Rules.ResponseWarning;

namespace Alerting.Core.Pipeline;

/// <summary>
/// The <c>response_warning</c> timers: a third timer kind beside the unanswered deadlines and the
/// complaint-risk escalations, queued on the store's clock and on the shared clock the same way.
/// </summary>
public sealed partial class PartitionPipeline
{
    private static ResponseWarningRule? WarningRuleOf(StoreRules store)
    {
        var rules = store.Rules;
        for (var i = 0; i < rules.Count; i++)
            if (rules[i] is ResponseWarningRule rule) return rule;
        return null;
    }

    /// <summary>Queues the warning timer of the conversation's current wait (when the rule is on and the wait has not been warned).</summary>
    private void ArmWarningTimer(ConversationState state, StoreRules store)
    {
        // One open warning per conversation: while one is open (fired, not yet resolved) nothing is armed.
        if (!state.IsWaiting || state.WarnedMessageId is not null) return;
        if (WarningRuleOf(store) is not { } rule) return;
        var ticks = rule.WarnAt(state, store.Conversation.Hours).UtcTicks;
        if (ticks == state.WarningQueuedTicks) return;
        state.WarningQueuedTicks = ticks;
        _stores[state.ShopId].WarningTimers.Enqueue(state, ticks);
        _allWarningTimers.Enqueue(state, ticks);
    }

    /// <summary>Fires the warning timers in <paramref name="timers"/> due by <paramref name="watermark"/>.</summary>
    private void FireWarningTimers(PriorityQueue<ConversationState, long> timers, DateTimeOffset watermark, RulesSnapshot snapshot, List<Alert> alerts)
    {
        var due = watermark.UtcTicks;
        while (timers.TryPeek(out var state, out var at) && at <= due)
        {
            timers.Dequeue();
            // Stale when the wait ended or was warned, the timer was re-armed or fired from the other queue, or the conversation is gone.
            if (state.Removed || !state.IsWaiting || state.WarningQueuedTicks != at || state.WarnedMessageId is not null) continue;
            state.WarningQueuedTicks = 0;
            var store = snapshot.ForShop(state.ShopId);
            if (WarningRuleOf(store) is not { } rule) continue; // switched off by a reload since
            var warnAt = rule.WarnAt(state, store.Conversation.Hours);
            if (warnAt.UtcTicks > due)
            {
                // The threshold was raised by a reload since the timer was armed.
                ArmWarningTimer(state, store);
                continue;
            }
            var before = alerts.Count;
            try
            {
                rule.OnWarningDue(state, warnAt, alerts);
            }
            catch (Exception) when (alerts.Count >= before)
            {
                // A timer cannot be dead-lettered: a rule that throws on it is disarmed and counted.
                alerts.RemoveRange(before, alerts.Count - before);
                TimerFailures++;
            }
            _store.MarkChanged(state);
        }
    }
}
