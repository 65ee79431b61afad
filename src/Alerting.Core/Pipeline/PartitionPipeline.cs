using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Pipeline;

/// <summary>
/// The rules applied to one ordered stream of chat records — one Kafka partition live, or one input
/// file in replay. Not thread-safe: exactly one thread drives a pipeline (the partition is the unit of
/// order, state and parallelism). A thin composition of its parts: the conversations with their change log,
/// eviction scan and id pool (<see cref="ConversationStore"/>), one event-time clock per store and the shared
/// clock (<c>StoreClocks</c>), the deadline and escalation timers (<c>DeadlineTimers</c>), the processor that
/// applies a record and its store's rules to a conversation (<c>RuleProcessor</c>) and the agent-activity facts
/// (<c>AgentActivityLog</c>); this class admits, orders, undoes and stamps.
/// </summary>
/// <remarks>
/// Records are applied on arrival (a rude reply alerts at once). Only deadlines wait for their store's
/// watermark = the store's largest sentAt − allowed disorder, so a backlog being caught up never fires
/// a deadline for a buyer whose answer is already further down the partition, and one store's records
/// never move another store's deadlines (see the timing rules' README).
/// Every record is hostile: <see cref="Process"/> first admits its sentAt (see <see cref="EventTimeOptions"/>),
/// then applies it; a record refused, or one whose rules throw, is reported back as a reason to
/// dead-letter and leaves no alert and no change in its conversation behind.
/// </remarks>
public sealed partial class PartitionPipeline
{
    private readonly IRulesSource _rules;
    private readonly TimeProvider _wallClock;
    private readonly bool _checkWallClock;
    private readonly ConversationStore _store;
    private readonly StoreClocks _clocks;
    private readonly DeadlineTimers _timers;
    private readonly RuleProcessor _processor;
    private readonly AgentActivityLog _activity = new();
    private readonly ConversationState.UndoCopies _undo = new();

    /// <param name="rules">The config snapshot in force (read once per record).</param>
    /// <param name="wallClock">Stamps <c>detectedAt</c>; live, also the idle rule and the future-skew check.</param>
    /// <param name="trackChanges">Record changed and removed conversations for <see cref="TakeChanges"/> (live worker with checkpoints); replay leaves it off.</param>
    /// <param name="checkWallClock">Refuse records whose sentAt is too far from the wall clock (live only; replay has no wall clock).</param>
    public PartitionPipeline(IRulesSource rules, TimeProvider wallClock, bool trackChanges = false, bool checkWallClock = false)
    {
        _rules = rules;
        _wallClock = wallClock;
        _checkWallClock = checkWallClock;
        _store = new ConversationStore(trackChanges);
        _clocks = new StoreClocks(_store, rules, wallClock, checkWallClock);
        _timers = new DeadlineTimers(_clocks, _store, _activity);
        _processor = new RuleProcessor(_clocks, _timers, _store, _activity);
    }

    /// <summary>Largest sentAt of any admitted record (MinValue before the first); the reference of the clock-jump check.</summary>
    public DateTimeOffset MaxSentAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>
    /// The partition's progress: the lowest deadline clock of the stores it holds, so every wait outcome
    /// before it is decided and no store's next record is expected before it (less the allowed disorder).
    /// Only moves forward; agent-level evaluation waits for it.
    /// </summary>
    public DateTimeOffset Watermark => _clocks.Progress;

    /// <summary>Records applied so far.</summary>
    public long Applied { get; private set; }

    /// <summary>Records refused or failed (their reason was returned by <see cref="Process"/>).</summary>
    public long Refused { get; private set; }

    /// <summary>Records whose sentAt was already behind their store's watermark when they arrived (applied anyway).</summary>
    public long LateRecords { get; private set; }

    public int OpenConversations => _store.Count;

    /// <summary>Conversations with a buyer waiting and a deadline pending.</summary>
    public int PendingDeadlines => _timers.PendingDeadlines;

    /// <summary>Deadline or escalation timers whose rule threw when they fired (disarmed, not retried); a rule bug.</summary>
    public long TimerFailures => _timers.Failures;

    /// <summary>
    /// <see cref="AgentActivity"/> facts emitted (only for stores with <c>agent_response_rate_low</c> enabled)
    /// and not drained yet by <see cref="DrainActivity"/>.
    /// </summary>
    public int PendingActivity => _activity.Count;

    public IEnumerable<ConversationState> Conversations => _store.All;

    /// <summary>The partition's conversations and their change log (for checkpoints).</summary>
    public ConversationStore Store => _store;

    /// <summary>
    /// How far this partition's cross-conversation facts are complete: its <see cref="Watermark"/>, or "holds nothing
    /// back" when it has no watermark (no record since assignment), no open conversation and the source reported
    /// its end (<paramref name="atEnd"/>: an empty partition, or one restored with nothing after its checkpoint).
    /// Null otherwise: the evaluation waits for it.
    /// </summary>
    public PartitionProgress? ProgressOf(string topic, int partition, bool atEnd)
    {
        if (Watermark != DateTimeOffset.MinValue) return new PartitionProgress(topic, partition, Watermark);
        return atEnd && OpenConversations == 0 ? new PartitionProgress(topic, partition, null) : null;
    }

    /// <summary>Moves the facts emitted since the last call into <paramref name="into"/> (the caller aggregates them across partitions).</summary>
    public void DrainActivity(List<AgentActivity> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        _activity.DrainTo(into);
    }

    /// <summary>
    /// Applies one record: admits its time, updates state, runs every rule and fires the deadlines of its
    /// store that its time made due. Returns null when applied, or the reason the record must be
    /// dead-lettered instead. A record refused for its time moves nothing; a record whose rules fail keeps no
    /// alert and no change in its conversation, only the clock advance of its (admitted) sentAt and the deadlines that made due.
    /// </summary>
    public string? Process(ChatMessage message, List<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(alerts);
        var snapshot = _rules.Current;
        if (Admit(message.SentAt, snapshot.EventTime) is { } refused)
        {
            Refused++;
            return refused;
        }

        var first = alerts.Count;
        var clock = _clocks.Of(message.ShopId);
        clock.LastArrival = _wallClock.GetTimestamp();
        if (message.SentAt > MaxSentAt) MaxSentAt = message.SentAt;
        if (message.SentAt < _clocks.ClockFor(clock)) LateRecords++;
        if (message.SentAt > clock.MaxSentAt)
        {
            clock.MaxSentAt = message.SentAt;
            AdvanceStore(clock, message.SentAt - snapshot.AllowedDisorder, snapshot, alerts);
        }
        // Deadlines that time made due belong to time, not to this record: they stay even if it fails.
        StampAlerts(alerts, first, snapshot);
        var own = alerts.Count;
        var activity = _activity.Count;

        var key = new ConversationKey(message.ShopId, message.ConversationId);
        _store.TryGet(key, out var state);
        if (state is null && message.Event == ChatEventKind.Close) { Applied++; return null; }
        var before = state is null ? default : state.Save(_undo);
        var pending = _timers.PendingDeadlines;
        var clockPending = clock.Pending;
        var reopened = false;
        try
        {
            if (state is null) state = Open(key, clock, out reopened);
            _processor.Apply(message, state, clock, snapshot, alerts);
            if (message.Event == ChatEventKind.Close) Remove(state);
            else _store.MarkChanged(state);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One failing record never stops a partition: it is dead-lettered, and what it half did is undone.
            alerts.RemoveRange(own, alerts.Count - own);
            _activity.TruncateTo(activity);
            _timers.PendingDeadlines = pending;
            clock.Pending = clockPending;
            if (state is not null)
            {
                if (before.Exists) state.Restore(before);
                else
                {
                    Forget(state, clock, isNew: true);
                    // It was closed before this record reopened it: the checkpoint must still delete it.
                    if (reopened) _store.MarkFieldRemoved(key.CheckpointField);
                }
            }
            Refused++;
            return RecordReason.Clean($"failed to apply: {ex.GetType().Name}: {ex.Message}");
        }
        Applied++;
        StampAlerts(alerts, own, snapshot);
        EvictIfDue(snapshot, now: false);
        return null;
    }

    /// <summary>
    /// Moves every store's clock forward to <paramref name="to"/> (the end of a replay, tests) and fires
    /// the deadlines it passes. Never moves a clock back.
    /// </summary>
    public void AdvanceWatermark(DateTimeOffset to, List<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var snapshot = _rules.Current;
        var first = alerts.Count;
        foreach (var clock in _clocks.All) AdvanceStore(clock, to, snapshot, alerts);
        StampAlerts(alerts, first, snapshot);
        EvictIfDue(snapshot, now: true);
    }

    /// <summary>
    /// Live, for a partition that is caught up (no lag, no new records): each store's clock follows the
    /// wall clock, moving by the time elapsed since that store's last record arrived (from that record's
    /// sentAt, never jumping to today's date), so a deadline fires on time in a quiet store.
    /// </summary>
    public void FollowWallClock(List<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var snapshot = _rules.Current;
        var first = alerts.Count;
        foreach (var clock in _clocks.All)
        {
            if (clock.MaxSentAt == DateTimeOffset.MinValue) continue;
            AdvanceStore(clock, clock.MaxSentAt - snapshot.AllowedDisorder + _wallClock.GetElapsedTime(clock.LastArrival), snapshot, alerts);
        }
        StampAlerts(alerts, first, snapshot);
        EvictIfDue(snapshot, now: true);
    }

    private ConversationState Open(ConversationKey key, StoreClock clock, out bool wasRemoved)
    {
        var state = _store.Open(key, clock.ShopId, out wasRemoved);
        clock.Conversations++;
        return state;
    }

    private void Remove(ConversationState state) => Forget(state, _clocks[state.ShopId], isNew: false);

    private void Forget(ConversationState state, StoreClock clock, bool isNew)
    {
        if (!isNew && state.IsWaiting && !state.UnansweredFired && state.Deadline != default) _timers.Disarm(clock);
        if (_store.Remove(state, isNew)) clock.Conversations--;
    }

    private void StampAlerts(List<Alert> alerts, int first, RulesSnapshot snapshot)
    {
        if (alerts.Count == first) return;
        var now = _wallClock.GetUtcNow();
        for (var i = first; i < alerts.Count; i++)
        {
            alerts[i].DetectedAt = now;
            alerts[i].ConfigVersion ??= snapshot.Version;
        }
    }
}
