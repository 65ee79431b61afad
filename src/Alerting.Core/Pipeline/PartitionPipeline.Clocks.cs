using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Pipeline;

/// <summary>
/// The pipeline's time: the event-time admission check, each store's clock and the partition's shared clock
/// (the second-highest store clock), the unanswered-buyer deadlines and complaint-risk escalation timers they
/// fire, and idle eviction. Fields live with the rest of the pipeline; the same single thread drives both halves.
/// </summary>
public sealed partial class PartitionPipeline
{
    private void Schedule(StoreClock clock, ConversationState state, DateTimeOffset deadline)
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

    private void Disarm(StoreClock clock)
    {
        PendingDeadlines--;
        clock.Pending--;
    }

    /// <summary>A store's deadline clock in force: its own, or the partition's shared clock when that is ahead.</summary>
    private DateTimeOffset ClockFor(StoreClock clock) => clock.Watermark > _assist ? clock.Watermark : _assist;

    /// <summary>Moves a store's own clock to <paramref name="to"/> (never back) and fires what it, and the shared clock it may move, made due.</summary>
    private void AdvanceStore(StoreClock clock, DateTimeOffset to, RulesSnapshot snapshot, List<Alert> alerts)
    {
        if (to <= clock.Watermark) return;
        clock.Watermark = to;
        if (clock.NextEviction == DateTimeOffset.MinValue) clock.NextEviction = to + TimeSpan.FromMinutes(1);
        else if (to >= clock.NextEviction) _evictionDue = true;
        FireFrom(clock.Deadlines, to, snapshot, alerts);
        FireSignalTimers(clock.SignalTimers, to, snapshot, alerts);
        FireWarningTimers(clock.WarningTimers, to, snapshot, alerts);
        var assist = _assist;
        Track(clock);
        if (_assist > assist)
        {
            FireFrom(_allDeadlines, _assist, snapshot, alerts);
            FireSignalTimers(_allSignalTimers, _assist, snapshot, alerts);
            FireWarningTimers(_allWarningTimers, _assist, snapshot, alerts);
        }
    }

    /// <summary>Keeps the highest store clock and the second highest (<see cref="_assist"/>) up to date; clocks only grow.</summary>
    private void Track(StoreClock clock)
    {
        var to = clock.Watermark;
        // Live, no store's records can carry the shared clock past now (less the disorder allowance): two stores
        // dated a few minutes ahead, within the skew check, must not fire a third store's deadlines early.
        if (_checkWallClock && _wallClock.GetUtcNow() - _rules.Current.AllowedDisorder is var now && to > now) to = now;
        if (string.Equals(clock.ShopId, _topStore, StringComparison.Ordinal))
        {
            if (to > _top) _top = to;
        }
        else if (to > _top)
        {
            _assist = _top;
            _top = to;
            _topStore = clock.ShopId;
        }
        else if (to > _assist)
        {
            _assist = to;
        }
    }

    /// <summary>Fires the unanswered deadlines in <paramref name="deadlines"/> due by <paramref name="watermark"/>.</summary>
    private void FireFrom(PriorityQueue<ConversationState, long> deadlines, DateTimeOffset watermark, RulesSnapshot snapshot, List<Alert> alerts)
    {
        var due = watermark.UtcTicks;
        while (deadlines.TryPeek(out var state, out var at) && at <= due)
        {
            deadlines.Dequeue();
            // Entries go stale when a wait ends, is re-armed earlier, fired from the other queue or the
            // conversation is gone; skipping them here is cheaper than removing them from the heaps.
            if (state.Removed || !state.IsWaiting || state.UnansweredFired || state.DeadlineTicks != at) continue;
            var clock = _stores[state.ShopId];
            var store = snapshot.ForShop(state.ShopId);
            var rule = store.UnansweredBuyer;
            var counted = store.Conversation.Hours.CountedBetween(state.WaitingSince, state.Deadline);
            var before = alerts.Count;
            bool fired;
            try
            {
                fired = rule.OnDeadline(state, state.Deadline, counted, alerts);
            }
            catch (Exception) when (alerts.Count >= before)
            {
                // A timer cannot be dead-lettered: a rule that throws on it is disarmed and counted, and the partition goes on.
                alerts.RemoveRange(before, alerts.Count - before);
                TimerFailures++;
                state.Deadline = default;
                Disarm(clock);
                continue;
            }
            if (fired)
            {
                state.UnansweredFired = true;
                state.Deadline = default;
                Disarm(clock);
                if (store.AgentResponseRate.Enabled && !string.IsNullOrEmpty(state.OwnerAgentId))
                    (_activity ??= []).Add(new AgentActivity(state.ShopId, state.OwnerAgentId, state.ConversationId, AgentActivityKind.WaitUnanswered,
                        state.FirstWaitingMessageId!, state.WaitingSince, state.WaitingCount));
                _store.MarkChanged(state);
            }
            else if (rule.Options.Enabled)
            {
                // The threshold was raised by a reload since the deadline was armed.
                Disarm(clock);
                var newDeadline = store.Conversation.Hours.AddCounted(state.WaitingSince, rule.Threshold);
                state.Deadline = default;
                Schedule(clock, state, newDeadline > watermark ? newDeadline : watermark.AddTicks(1));
            }
        }
    }

    /// <summary>Queues the conversation's <c>buyer_complaint_risk</c> escalation timer (event time) on its store's clock and the shared clock.</summary>
    private void ArmSignalTimer(ConversationState state)
    {
        var signals = state.BuyerSignals!;
        var ticks = signals.EscalateAt == default ? 0 : signals.EscalateAt.UtcTicks;
        if (ticks == 0 || signals.QueuedTicks == ticks) return;
        signals.QueuedTicks = ticks;
        _stores[state.ShopId].SignalTimers.Enqueue(state, ticks);
        _allSignalTimers.Enqueue(state, ticks);
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
            var rules = snapshot.ForShop(state.ShopId).Rules;
            Rules.BuyerComplaintRisk.BuyerComplaintRiskRule? rule = null;
            for (var i = 0; i < rules.Count && rule is null; i++) rule = rules[i] as Rules.BuyerComplaintRisk.BuyerComplaintRiskRule;
            if (rule is null) signals.EscalateAt = default; // switched off by a reload since
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
                    TimerFailures++;
                    signals.EscalateAt = default;
                }
            }
            _store.MarkChanged(state);
        }
    }

    /// <summary>
    /// The event-time sanity check: null when <paramref name="sentAt"/> may move clocks, else the reason.
    /// The parser already keeps sentAt in [2000, 2100); here it is held against the partition's clock
    /// (replay and live alike) and, live, against the wall clock.
    /// </summary>
    private string? Admit(DateTimeOffset sentAt, EventTimeOptions options)
    {
        // The jump check is replay's only guard (no wall clock there); live, the wall clock bounds the future more
        // tightly, and a partition quiet for a month must not refuse its next record. It starts once the partition
        // has admitted a few records, so one odd first record cannot anchor it and refuse everything after.
        if (!_checkWallClock && options.MaxAheadOfClockHours > 0 && Applied >= JumpCheckAfter
            && sentAt - MaxSentAt > TimeSpan.FromHours(options.MaxAheadOfClockHours))
            return $"sentAt out of range: {(sentAt - MaxSentAt).TotalHours:0} h ahead of the partition's clock (limit Rules:EventTime:MaxAheadOfClockHours = {options.MaxAheadOfClockHours})";
        if (!_checkWallClock) return null;
        var now = _wallClock.GetUtcNow();
        if (options.MaxFutureSkewSeconds > 0 && sentAt - now > TimeSpan.FromSeconds(options.MaxFutureSkewSeconds))
            return $"sentAt out of range: {(sentAt - now).TotalSeconds:0} s ahead of the wall clock (limit Rules:EventTime:MaxFutureSkewSeconds = {options.MaxFutureSkewSeconds})";
        if (options.MaxAgeDays > 0 && now - sentAt > TimeSpan.FromDays(options.MaxAgeDays))
            return $"sentAt out of range: {(now - sentAt).TotalDays:0} days old (limit Rules:EventTime:MaxAgeDays = {options.MaxAgeDays})";
        return null;
    }

    /// <summary>
    /// Runs an eviction pass when a store's clock has moved a minute since the last one, at most once per
    /// <see cref="EvictionSpacing"/> records (so a store walking its own clock forward cannot make every
    /// record scan the partition) unless <paramref name="now"/> (idle tick, end of replay).
    /// </summary>
    private void EvictIfDue(RulesSnapshot snapshot, bool now)
    {
        if (!_evictionDue || (!now && Applied - _lastEvictionAt < EvictionSpacing)) return;
        _evictionDue = false;
        _lastEvictionAt = Applied;
        List<ConversationState>? idle = null;
        foreach (var state in _store.All)
        {
            var clock = _stores[state.ShopId];
            if (state.LastActivityAt < ClockFor(clock) - snapshot.EvictIdleAfter && (!state.IsWaiting || state.UnansweredFired))
                (idle ??= []).Add(state);
        }
        if (idle is not null)
            foreach (var state in idle) Remove(state);
        // The shared queues drain only as the shared clock moves; if it stalls (one store, or a quiet second one),
        // their stale entries are dropped here so they cannot grow without bound.
        if (_allDeadlines.Count > (2 * PendingDeadlines) + 1024 || _allSignalTimers.Count > (2 * _store.Count) + 1024
            || _allWarningTimers.Count > (2 * _store.Count) + 1024)
        {
            _allDeadlines.Clear();
            _allSignalTimers.Clear();
            _allWarningTimers.Clear();
            foreach (var state in _store.All)
            {
                if (state.IsWaiting && !state.UnansweredFired && state.Deadline != default) _allDeadlines.Enqueue(state, state.DeadlineTicks);
                if (state.BuyerSignals is { QueuedTicks: not 0 } signals) _allSignalTimers.Enqueue(state, signals.QueuedTicks);
                if (state.WarningQueuedTicks != 0) _allWarningTimers.Enqueue(state, state.WarningQueuedTicks);
            }
        }
        // A store with nothing left whose clock is far behind the others is forgotten (its next record starts a new clock).
        DateTimeOffset highest = DateTimeOffset.MinValue;
        foreach (var clock in _stores.Values)
            if (clock.Watermark > highest) highest = clock.Watermark;
        List<string>? gone = null;
        foreach (var clock in _stores.Values)
        {
            clock.NextEviction = clock.Watermark + TimeSpan.FromMinutes(1);
            if (clock.Conversations == 0 && clock.Watermark < highest - snapshot.EvictIdleAfter) (gone ??= []).Add(clock.ShopId);
        }
        if (gone is not null)
            foreach (var shop in gone) _stores.Remove(shop);
    }
}
