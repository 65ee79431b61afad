using Alerting.Core.Alerts;
using Alerting.Core.Config;

namespace Alerting.Core.Pipeline;

/// <summary>
/// A partition's event-time timers and their firing: the <c>unanswered_buyer</c> deadlines, the
/// <c>buyer_complaint_risk</c> escalations and the <c>response_warning</c> timers. Each armed timer sits in its store's
/// queue (<see cref="StoreClock"/>, fired by that store's clock) and in a shared queue here (fired by the partition's
/// shared clock, see <see cref="StoreClocks"/>). Entries go stale when a wait ends, is re-armed, fired from the other
/// queue or the conversation is gone; they are skipped when popped, cheaper than removing them from the heaps.
/// A timer cannot be dead-lettered: a rule that throws on one is disarmed and counted (<see cref="Failures"/>).
/// Mutated only by the partition's pipeline thread.
/// </summary>
internal sealed partial class DeadlineTimers(StoreClocks clocks, ConversationStore store, AgentActivityLog activity)
{
    private readonly PriorityQueue<ConversationState, long> _allDeadlines = new();
    private readonly PriorityQueue<ConversationState, long> _allSignalTimers = new();
    private readonly PriorityQueue<ConversationState, long> _allWarningTimers = new();

    /// <summary>Conversations with a buyer waiting and a deadline pending.</summary>
    public int PendingDeadlines { get; set; }

    /// <summary>Timers whose rule threw when they fired (disarmed, not retried); a rule bug.</summary>
    public long Failures { get; private set; }

    /// <summary>Arms (or moves) the conversation's unanswered deadline.</summary>
    public void Schedule(StoreClock clock, ConversationState state, DateTimeOffset deadline)
    {
        if (state.Deadline == default)
        {
            PendingDeadlines++;
            clock.Pending++;
        }
        state.Deadline = deadline;
        clock.Deadlines.Enqueue(state, deadline.UtcTicks);
        _allDeadlines.Enqueue(state, deadline.UtcTicks);
    }

    /// <summary>One armed deadline of the store less (the wait ended or fired); its queue entries go stale.</summary>
    public void Disarm(StoreClock clock)
    {
        PendingDeadlines--;
        clock.Pending--;
    }

    /// <summary>Fires the timers of <paramref name="clock"/>'s store due by <paramref name="to"/> (its clock just moved there).</summary>
    public void FireStore(StoreClock clock, DateTimeOffset to, RulesSnapshot snapshot, List<Alert> alerts)
    {
        FireDeadlines(clock.Deadlines, to, snapshot, alerts);
        FireSignalTimers(clock.SignalTimers, to, snapshot, alerts);
        FireWarningTimers(clock.WarningTimers, to, snapshot, alerts);
    }

    /// <summary>Fires every store's timers due by the shared clock <paramref name="shared"/> (it just moved there).</summary>
    public void FireShared(DateTimeOffset shared, RulesSnapshot snapshot, List<Alert> alerts)
    {
        FireDeadlines(_allDeadlines, shared, snapshot, alerts);
        FireSignalTimers(_allSignalTimers, shared, snapshot, alerts);
        FireWarningTimers(_allWarningTimers, shared, snapshot, alerts);
    }

    /// <summary>Re-arms the timers of a restored conversation (its deadline, escalation and warning).</summary>
    public void ArmRestored(StoreClock clock, ConversationState state, StoreRules rules)
    {
        if (state.IsWaiting && !state.UnansweredFired && state.Deadline != default)
        {
            var deadline = state.Deadline;
            state.Deadline = default;
            Schedule(clock, state, deadline);
        }
        if (state.BuyerSignals is not null) ArmSignalTimer(state);
        ArmWarningTimer(state, rules);
    }

    /// <summary>
    /// The shared queues drain only as the shared clock moves; if it stalls (one store, or a quiet second one), their
    /// stale entries are dropped here (the queues rebuilt from the open conversations) so they cannot grow without bound.
    /// </summary>
    public void DropStaleSharedEntries()
    {
        if (_allDeadlines.Count <= (2 * PendingDeadlines) + 1024 && _allSignalTimers.Count <= (2 * store.Count) + 1024
            && _allWarningTimers.Count <= (2 * store.Count) + 1024) return;
        _allDeadlines.Clear();
        _allSignalTimers.Clear();
        _allWarningTimers.Clear();
        foreach (var state in store.All)
        {
            if (state.IsWaiting && !state.UnansweredFired && state.Deadline != default) _allDeadlines.Enqueue(state, state.DeadlineTicks);
            if (state.BuyerSignals is { QueuedTicks: not 0 } signals) _allSignalTimers.Enqueue(state, signals.QueuedTicks);
            if (state.WarningQueuedTicks != 0) _allWarningTimers.Enqueue(state, state.WarningQueuedTicks);
        }
    }

    /// <summary>Fires the unanswered deadlines in <paramref name="deadlines"/> due by <paramref name="watermark"/>.</summary>
    private void FireDeadlines(PriorityQueue<ConversationState, long> deadlines, DateTimeOffset watermark, RulesSnapshot snapshot, List<Alert> alerts)
    {
        var due = watermark.UtcTicks;
        while (deadlines.TryPeek(out var state, out var at) && at <= due)
        {
            deadlines.Dequeue();
            if (state.Removed || !state.IsWaiting || state.UnansweredFired || state.DeadlineTicks != at) continue;
            var clock = clocks[state.ShopId];
            var rules = snapshot.ForShop(state.ShopId);
            var rule = rules.UnansweredBuyer;
            var counted = rules.Conversation.Hours.CountedBetween(state.WaitingSince, state.Deadline);
            var before = alerts.Count;
            bool fired;
            try
            {
                fired = rule.OnDeadline(state, state.Deadline, counted, alerts);
            }
            catch (Exception) when (alerts.Count >= before)
            {
                alerts.RemoveRange(before, alerts.Count - before);
                Failures++;
                state.Deadline = default;
                Disarm(clock);
                continue;
            }
            if (fired)
            {
                state.UnansweredFired = true;
                state.Deadline = default;
                Disarm(clock);
                if (rules.AgentResponseRate.Enabled) activity.OnUnansweredFired(state);
                store.MarkChanged(state);
            }
            else if (rule.Options.Enabled)
            {
                // The threshold was raised by a reload since the deadline was armed.
                Disarm(clock);
                var newDeadline = rules.Conversation.Hours.AddCounted(state.WaitingSince, rule.Threshold);
                state.Deadline = default;
                Schedule(clock, state, newDeadline > watermark ? newDeadline : watermark.AddTicks(1));
            }
        }
    }
}
