using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Rules.BuyerComplaintRisk;
using Alerting.Core.Rules.ResponseWarning;

namespace Alerting.Core.Pipeline;

/// <summary>The two timers rules ask for beside the unanswered deadline: complaint-risk escalations and response warnings.</summary>
internal sealed partial class DeadlineTimers
{
    /// <summary>Queues the conversation's <c>buyer_complaint_risk</c> escalation timer (when its time is set and not queued yet).</summary>
    public void ArmSignalTimer(ConversationState state)
    {
        var signals = state.BuyerSignals!;
        var ticks = signals.EscalateAt == default ? 0 : signals.EscalateAt.UtcTicks;
        if (ticks == 0 || signals.QueuedTicks == ticks) return;
        signals.QueuedTicks = ticks;
        clocks[state.ShopId].SignalTimers.Enqueue(state, ticks);
        _allSignalTimers.Enqueue(state, ticks);
    }

    /// <summary>Queues the warning timer of the conversation's current wait (when the rule is on and the wait has not been warned).</summary>
    public void ArmWarningTimer(ConversationState state, StoreRules rules)
    {
        // One open warning per conversation: while one is open (fired, not yet resolved) nothing is armed.
        if (!state.IsWaiting || state.WarnedMessageId is not null) return;
        if (WarningRuleOf(rules) is not { } rule) return;
        var ticks = rule.WarnAt(state, rules.Conversation.Hours).UtcTicks;
        if (ticks == state.WarningQueuedTicks) return;
        state.WarningQueuedTicks = ticks;
        clocks[state.ShopId].WarningTimers.Enqueue(state, ticks);
        _allWarningTimers.Enqueue(state, ticks);
    }

    private static ResponseWarningRule? WarningRuleOf(StoreRules rules)
    {
        var list = rules.Rules;
        for (var i = 0; i < list.Count; i++)
            if (list[i] is ResponseWarningRule rule) return rule;
        return null;
    }

    private static BuyerComplaintRiskRule? ComplaintRuleOf(StoreRules rules)
    {
        var list = rules.Rules;
        for (var i = 0; i < list.Count; i++)
            if (list[i] is BuyerComplaintRiskRule rule) return rule;
        return null;
    }

    /// <summary>Fires the escalation timers in <paramref name="timers"/> due by <paramref name="watermark"/>.</summary>
    private void FireSignalTimers(PriorityQueue<ConversationState, long> timers, DateTimeOffset watermark, RulesSnapshot snapshot, List<Alert> alerts)
    {
        var due = watermark.UtcTicks;
        while (timers.TryPeek(out var state, out var at) && at <= due)
        {
            timers.Dequeue();
            // Stale when answered, re-armed, fired from the other queue, or the conversation is gone.
            if (state.Removed || state.BuyerSignals is not { } signals || signals.EscalateAt == default
                || signals.EscalateAt.UtcTicks != at || signals.QueuedTicks != at) continue;
            signals.QueuedTicks = 0;
            if (ComplaintRuleOf(snapshot.ForShop(state.ShopId)) is not { } rule) signals.EscalateAt = default; // switched off by a reload since
            else
            {
                var before = alerts.Count;
                try
                {
                    rule.OnEscalationDue(state, alerts);
                }
                catch (Exception) when (alerts.Count >= before)
                {
                    alerts.RemoveRange(before, alerts.Count - before);
                    Failures++;
                    signals.EscalateAt = default;
                }
            }
            store.MarkChanged(state);
        }
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
            var rules = snapshot.ForShop(state.ShopId);
            if (WarningRuleOf(rules) is not { } rule) continue; // switched off by a reload since
            var warnAt = rule.WarnAt(state, rules.Conversation.Hours);
            if (warnAt.UtcTicks > due)
            {
                // The threshold was raised by a reload since the timer was armed.
                ArmWarningTimer(state, rules);
                continue;
            }
            var before = alerts.Count;
            try
            {
                rule.OnWarningDue(state, warnAt, alerts);
            }
            catch (Exception) when (alerts.Count >= before)
            {
                alerts.RemoveRange(before, alerts.Count - before);
                Failures++;
            }
            store.MarkChanged(state);
        }
    }
}
