using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Rules;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Pipeline;

/// <summary>
/// The rules applied to one ordered stream of chat records — one Kafka partition live, or one input
/// file in replay. Owns the partition's conversation state (keyed by store and conversation), one
/// event-time clock per store and that store's pending deadlines. Not thread-safe: exactly one thread
/// drives a pipeline (the partition is the unit of order, state and parallelism).
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
    private readonly Dictionary<string, StoreClock> _stores = new(StringComparer.Ordinal);
    private readonly RuleContext _context = new();
    /// <summary>Facts for <c>agent_response_rate_low</c> not drained yet; null until a store with the rule on emits one.</summary>
    private List<AgentActivity>? _activity;
    private DateTimeOffset _progress = DateTimeOffset.MinValue;
    /// <summary>Every armed deadline, for the partition's shared clock (<see cref="_assist"/>); each is also in its store's own queue.</summary>
    private readonly PriorityQueue<ConversationState, long> _allDeadlines = new();
    /// <summary>Every queued <c>buyer_complaint_risk</c> escalation timer, for the shared clock; each is also in its store's queue.</summary>
    private readonly PriorityQueue<ConversationState, long> _allSignalTimers = new();
    private readonly PriorityQueue<ConversationState, long> _allWarningTimers = new();
    /// <summary>The store whose clock is furthest ahead, and that clock.</summary>
    private string? _topStore;
    private DateTimeOffset _top = DateTimeOffset.MinValue;
    /// <summary>
    /// The partition's shared clock: the second-highest store clock, i.e. the furthest point two different
    /// stores have reached. Every store's deadlines also fire on it, so a quiet store on a busy partition
    /// is not held back by its own silence, yet no single store — whatever its records say — can move it.
    /// </summary>
    private DateTimeOffset _assist = DateTimeOffset.MinValue;

    /// <param name="rules">The config snapshot in force (read once per record).</param>
    /// <param name="wallClock">Stamps <c>detectedAt</c>; live, also the idle rule and the future-skew check.</param>
    /// <param name="trackChanges">Record changed and removed conversations for <see cref="TakeChanges"/> (live worker with checkpoints); replay leaves it off.</param>
    /// <param name="checkWallClock">Refuse records whose sentAt is too far from the wall clock (live only; replay has no wall clock).</param>
    public PartitionPipeline(IRulesSource rules, TimeProvider wallClock, bool trackChanges = false, bool checkWallClock = false)
    {
        _rules = rules;
        _wallClock = wallClock;
        _store = new ConversationStore(trackChanges);
        _checkWallClock = checkWallClock;
    }

    /// <summary>Largest sentAt of any admitted record (MinValue before the first); the reference of the clock-jump check.</summary>
    public DateTimeOffset MaxSentAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>
    /// The partition's progress: the lowest deadline clock of the stores it holds, so every wait outcome
    /// before it is decided and no store's next record is expected before it (less the allowed disorder).
    /// Only moves forward; agent-level evaluation waits for it.
    /// </summary>
    public DateTimeOffset Watermark
    {
        get
        {
            if (_stores.Count == 0) return _progress;
            var lowest = DateTimeOffset.MaxValue;
            foreach (var store in _stores.Values)
                if (store.Watermark < lowest) lowest = store.Watermark;
            if (_assist > lowest) lowest = _assist;
            if (lowest > _progress) _progress = lowest;
            return _progress;
        }
    }

    /// <summary>Records applied so far.</summary>
    public long Applied { get; private set; }

    /// <summary>Records refused or failed (their reason was returned by <see cref="Process"/>).</summary>
    public long Refused { get; private set; }

    /// <summary>Records whose sentAt was already behind their store's watermark when they arrived (applied anyway).</summary>
    public long LateRecords { get; private set; }

    public int OpenConversations => _store.Count;

    /// <summary>Conversations with a buyer waiting and a deadline pending.</summary>
    public int PendingDeadlines { get; private set; }

    /// <summary>
    /// <see cref="AgentActivity"/> facts emitted (only for stores with <c>agent_response_rate_low</c> enabled)
    /// and not drained yet by <see cref="DrainActivity"/>.
    /// </summary>
    public int PendingActivity => _activity?.Count ?? 0;

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
        if (_activity is not { Count: > 0 }) return;
        into.AddRange(_activity);
        _activity.Clear();
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
        var clock = ClockOf(message.ShopId);
        clock.LastArrival = _wallClock.GetTimestamp();
        if (message.SentAt > MaxSentAt) MaxSentAt = message.SentAt;
        if (message.SentAt < ClockFor(clock)) LateRecords++;
        if (message.SentAt > clock.MaxSentAt)
        {
            clock.MaxSentAt = message.SentAt;
            AdvanceStore(clock, message.SentAt - snapshot.AllowedDisorder, snapshot, alerts);
        }
        // Deadlines that time made due belong to time, not to this record: they stay even if it fails.
        StampAlerts(alerts, first, snapshot);
        var own = alerts.Count;
        var activity = _activity?.Count ?? 0;

        var key = new ConversationKey(message.ShopId, message.ConversationId);
        _store.TryGet(key, out var state);
        if (state is null && message.Event == ChatEventKind.Close) { Applied++; return null; }
        var before = state is null ? default : state.Save();
        var pending = PendingDeadlines;
        var clockPending = clock.Pending;
        var reopened = false;
        try
        {
            if (state is null) state = Open(key, clock, out reopened);
            ApplyRules(message, state, snapshot, alerts);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One failing record never stops a partition: it is dead-lettered, and what it half did is undone.
            alerts.RemoveRange(own, alerts.Count - own);
            if (_activity is not null && _activity.Count > activity) _activity.RemoveRange(activity, _activity.Count - activity);
            PendingDeadlines = pending;
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
        foreach (var clock in _stores.Values) AdvanceStore(clock, to, snapshot, alerts);
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
        foreach (var clock in _stores.Values)
        {
            if (clock.MaxSentAt == DateTimeOffset.MinValue) continue;
            AdvanceStore(clock, clock.MaxSentAt - snapshot.AllowedDisorder + _wallClock.GetElapsedTime(clock.LastArrival), snapshot, alerts);
        }
        StampAlerts(alerts, first, snapshot);
        EvictIfDue(snapshot, now: true);
    }

    /// <summary>Conversations changed and checkpoint fields removed since the last call (for incremental checkpoints).</summary>
    public (IReadOnlyCollection<ConversationState> Changed, IReadOnlyCollection<string> Removed) TakeChanges()
    {
        return _store.TakeChanges();
    }

    /// <summary>
    /// Restores checkpointed conversations (before any record is applied) and re-arms their pending
    /// deadlines. Each store's clock resumes from the latest activity of its restored conversations less
    /// the allowed disorder; deadlines that passed while nobody owned the partition fire as the clock
    /// moves on, with their original deadline as eventTime.
    /// </summary>
    public void Restore(IEnumerable<ConversationState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        Restore(states.Select(s => KeyValuePair.Create(new ConversationKey(s.ShopId, s.ConversationId).CheckpointField, s)));
    }

    /// <summary>
    /// <see cref="Restore(IEnumerable{ConversationState})"/> with the checkpoint field each state was read
    /// from: a field of an older layout (the conversation id alone) is removed and the state saved again
    /// under its (store, conversation) field with the next checkpoint.
    /// </summary>
    public void Restore(IEnumerable<KeyValuePair<string, ConversationState>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var disorder = _rules.Current.AllowedDisorder;
        foreach (var (field, state) in fields)
        {
            var key = new ConversationKey(state.ShopId, state.ConversationId);
            var clock = ClockOf(state.ShopId);
            if (_store.Put(key, state, field)) clock.Conversations++;
            if (state.LastActivityAt > clock.MaxSentAt) clock.MaxSentAt = state.LastActivityAt;
            if (state.LastActivityAt > MaxSentAt) MaxSentAt = state.LastActivityAt;
            if (state.IsWaiting && !state.UnansweredFired && state.Deadline != default)
            {
                var deadline = state.Deadline;
                state.Deadline = default;
                Schedule(clock, state, deadline);
            }
            if (state.BuyerSignals is not null) ArmSignalTimer(state);
            ArmWarningTimer(state, _rules.Current.ForShop(state.ShopId));
        }
        foreach (var clock in _stores.Values)
        {
            clock.LastArrival = _wallClock.GetTimestamp();
            if (clock.MaxSentAt == DateTimeOffset.MinValue) continue;
            var watermark = clock.MaxSentAt - disorder;
            if (watermark > clock.Watermark)
            {
                clock.Watermark = watermark;
                Track(clock);
            }
        }
    }

    private void ApplyRules(ChatMessage message, ConversationState state, RulesSnapshot snapshot, List<Alert> alerts)
    {
        var store = snapshot.ForShop(message.ShopId);
        _context.Answered = null;
        _context.ClosedWhileWaiting = null;
        Apply(message, state, store);
        if (message.SentAt > state.LastActivityAt) state.LastActivityAt = message.SentAt;

        _context.Conversation = state;
        _context.Hours = store.Conversation.Hours;
        _context.StoreOpen = store.Conversation.Hours.IsOpen(message.SentAt);
        _context.Watermark = ClockFor(_stores[state.ShopId]);
        _context.ConfigVersion = snapshot.Version;
        var rules = store.Rules;
        for (var i = 0; i < rules.Count; i++) rules[i].Evaluate(message, _context, alerts);
        if (state.BuyerSignals is not null) ArmSignalTimer(state);
        ArmWarningTimer(state, store);
        if (store.AgentResponseRate.Enabled) EmitActivity(message, state, store.AgentResponseRate.MinManualResponseRate > 0);

        if (message.Event == ChatEventKind.Close) Remove(state);
        else _store.MarkChanged(state);
    }

    private StoreClock ClockOf(string shopId)
    {
        if (_stores.TryGetValue(shopId, out var clock)) return clock;
        clock = new StoreClock(Intern(shopId));
        _stores.Add(clock.ShopId, clock);
        return clock;
    }

    private ConversationState Open(ConversationKey key, StoreClock clock, out bool wasRemoved)
    {
        var state = _store.Open(key, clock.ShopId, out wasRemoved);
        clock.Conversations++;
        return state;
    }

    /// <summary>
    /// The <c>agent_response_rate_low</c> facts of one applied record: an agent message, the wait a human
    /// reply ended, the wait a close left unanswered; a bot message only when the 3-minute manual rate is
    /// on (<paramref name="botReplies"/>: an assisting bot's reply is a valid reply for it). System messages give none.
    /// </summary>
    private void EmitActivity(ChatMessage message, ConversationState state, bool botReplies)
    {
        if (botReplies && message.Event == ChatEventKind.Message && message.Sender == SenderKind.Bot
            && (state.OwnerAgentId ?? message.AgentId) is { Length: > 0 } owner)
            (_activity ??= []).Add(new AgentActivity(state.ShopId, owner, state.ConversationId, AgentActivityKind.BotReply, message.MessageId, message.SentAt));
        if (message.Event == ChatEventKind.Message && message.Sender == SenderKind.Agent)
        {
            var agent = state.OwnerAgentId ?? message.AgentId ?? message.SenderId;
            if (string.IsNullOrEmpty(agent)) return;
            var list = _activity ??= [];
            list.Add(new AgentActivity(state.ShopId, agent, state.ConversationId, AgentActivityKind.AgentMessage, message.MessageId, message.SentAt));
            if (_context.Answered is { } answered)
                list.Add(new AgentActivity(state.ShopId, agent, state.ConversationId, AgentActivityKind.WaitAnswered, answered.FirstMessageId,
                    answered.WaitingSince, answered.BuyerMessages, answered.CountedWait, message.SentAt));
        }
        if (_context.ClosedWhileWaiting is { } closed && !string.IsNullOrEmpty(state.OwnerAgentId))
            (_activity ??= []).Add(new AgentActivity(state.ShopId, state.OwnerAgentId, state.ConversationId, AgentActivityKind.WaitUnanswered,
                closed.FirstMessageId, closed.WaitingSince, closed.BuyerMessages));
    }

    private void Apply(ChatMessage message, ConversationState state, StoreRules store)
    {
        switch (message.Event)
        {
            case ChatEventKind.Transfer:
                // The buyer keeps waiting; the new owner inherits the wait and the alert names them.
                state.OwnerAgentId = Intern(message.AgentId);
                return;
            case ChatEventKind.Close:
                if (state.IsWaiting)
                    _context.ClosedWhileWaiting = WaitOf(state, message.SentAt, isFirst: !state.HasHumanReply, store.Conversation.Hours);
                return;
        }

        switch (message.Sender)
        {
            case SenderKind.Buyer:
                OnBuyerMessage(message, state, store);
                break;
            case SenderKind.Agent:
                OnHumanReply(message, state, store);
                break;
            case SenderKind.Bot:
                if (store.Conversation.BotRepliesAnswer) OnHumanReply(message, state, store);
                break;
            case SenderKind.System:
                break;
        }
    }

    private void OnBuyerMessage(ChatMessage message, ConversationState state, StoreRules store)
    {
        if (message.AgentId is not null && state.OwnerAgentId is null) state.OwnerAgentId = Intern(message.AgentId);
        // Sent before a human reply that already arrived: that reply answered it.
        if (state.LastHumanReplyAt != default && message.SentAt <= state.LastHumanReplyAt) return;
        var clock = _stores[state.ShopId];

        if (!state.IsWaiting)
        {
            if (store.Conversation.IsClosingPhrase(message.Text)) return;
            state.FirstWaitingMessageId = message.MessageId;
            state.WaitingSince = message.SentAt;
            state.WaitingCount = 1;
            state.UnansweredFired = false;
            Schedule(clock, state, store.Conversation.Hours.AddCounted(message.SentAt, store.UnansweredBuyer.Threshold));
            return;
        }

        state.WaitingCount++;
        if (message.SentAt < state.WaitingSince && !state.UnansweredFired)
        {
            // Arrived out of order: the wait really started with this earlier message.
            state.FirstWaitingMessageId = message.MessageId;
            state.WaitingSince = message.SentAt;
            Schedule(clock, state, store.Conversation.Hours.AddCounted(message.SentAt, store.UnansweredBuyer.Threshold));
        }
    }

    private void OnHumanReply(ChatMessage message, ConversationState state, StoreRules store)
    {
        if (message.Sender == SenderKind.Agent) state.OwnerAgentId = Intern(message.AgentId ?? message.SenderId);
        if (message.SentAt > state.LastHumanReplyAt) state.LastHumanReplyAt = message.SentAt;
        if (!state.IsWaiting || message.SentAt < state.WaitingSince) return;

        _context.Answered = WaitOf(state, message.SentAt, isFirst: !state.HasHumanReply, store.Conversation.Hours);
        state.HasHumanReply = true;
        if (state.Deadline != default) Disarm(_stores[state.ShopId]);
        state.EndWaiting();
    }

    private static AnsweredWait WaitOf(ConversationState state, DateTimeOffset until, bool isFirst, BusinessHours hours)
        => new(state.FirstWaitingMessageId!, state.WaitingSince, state.WaitingCount, isFirst,
            state.UnansweredFired ? Rules.UnansweredBuyer.UnansweredBuyerRule.AlertIdFor(state.ConversationId, state.FirstWaitingMessageId!) : null,
            hours.CountedBetween(state.WaitingSince, until));

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    private string? Intern(string? value) => _store.Intern(value);

    private const int EvictionSpacing = 1000;
    private const int JumpCheckAfter = 10;

    /// <summary>Deadline or escalation timers whose rule threw when they fired (disarmed, not retried); a rule bug.</summary>
    public long TimerFailures { get; private set; }
    private bool _evictionDue;
    private long _lastEvictionAt;

    private void Remove(ConversationState state) => Forget(state, _stores[state.ShopId], isNew: false);

    private void Forget(ConversationState state, StoreClock clock, bool isNew)
    {
        if (!isNew && state.IsWaiting && !state.UnansweredFired && state.Deadline != default) Disarm(clock);
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
