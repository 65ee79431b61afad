using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Rules;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Pipeline;

/// <summary>
/// The rules applied to one ordered stream of chat records — one Kafka partition live, or one input
/// file in replay. Owns the partition's conversation state, its event-time watermark and its pending
/// deadlines. Not thread-safe: exactly one thread drives a pipeline (the partition is the unit of
/// order, state and parallelism).
/// </summary>
/// <remarks>
/// Records are applied on arrival (a rude reply alerts at once). Only deadlines wait for the
/// watermark = largest sentAt seen − allowed disorder, so a backlog being caught up never fires a
/// deadline for a buyer whose answer is already further down the partition.
/// </remarks>
public sealed class PartitionPipeline
{
    private readonly IRulesSource _rules;
    private readonly TimeProvider _wallClock;
    private readonly Dictionary<string, ConversationState> _conversations = new(StringComparer.Ordinal);
    private readonly PriorityQueue<ConversationState, long> _deadlines = new();
    /// <summary>Escalation timers of <c>buyer_complaint_risk</c> (event time), kept apart from the unanswered deadlines.</summary>
    private readonly PriorityQueue<ConversationState, long> _signalTimers = new();
    private readonly HashSet<ConversationState> _changed = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private readonly RuleContext _context = new();
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private DateTimeOffset _nextEviction = DateTimeOffset.MinValue;
    /// <summary>Facts for <c>agent_response_rate_low</c> not drained yet; null until a store with the rule on emits one.</summary>
    private List<AgentActivity>? _activity;

    private readonly bool _trackChanges;

    /// <param name="trackChanges">Record changed and removed conversations for <see cref="TakeChanges"/> (live worker with checkpoints); replay leaves it off.</param>
    public PartitionPipeline(IRulesSource rules, TimeProvider wallClock, bool trackChanges = false)
    {
        _rules = rules;
        _wallClock = wallClock;
        _trackChanges = trackChanges;
    }

    /// <summary>Largest sentAt applied so far (MinValue before the first record).</summary>
    public DateTimeOffset MaxSentAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>The event-time clock deadlines run on; only moves forward.</summary>
    public DateTimeOffset Watermark { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Records applied so far.</summary>
    public long Applied { get; private set; }

    /// <summary>Records whose sentAt was already behind the watermark when they arrived (applied anyway).</summary>
    public long LateRecords { get; private set; }

    public int OpenConversations => _conversations.Count;

    /// <summary>
    /// <see cref="AgentActivity"/> facts emitted (only for stores with <c>agent_response_rate_low</c> enabled)
    /// and not drained yet by <see cref="DrainActivity"/>.
    /// </summary>
    public int PendingActivity => _activity?.Count ?? 0;

    /// <summary>Moves the facts emitted since the last call into <paramref name="into"/> (the caller aggregates them across partitions).</summary>
    public void DrainActivity(List<AgentActivity> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (_activity is not { Count: > 0 }) return;
        into.AddRange(_activity);
        _activity.Clear();
    }

    /// <summary>Conversations with a buyer waiting and a deadline pending.</summary>
    public int PendingDeadlines { get; private set; }

    /// <summary>Applies one record: updates state, runs every rule, fires deadlines the record's time made due.</summary>
    public void Process(ChatMessage message, List<Alert> alerts)
    {
        var snapshot = _rules.Current;
        var first = alerts.Count;
        Applied++;
        if (message.SentAt < Watermark) LateRecords++;
        if (message.SentAt > MaxSentAt)
        {
            MaxSentAt = message.SentAt;
            var candidate = MaxSentAt - snapshot.AllowedDisorder;
            if (candidate > Watermark) FireDue(candidate, snapshot, alerts);
        }

        var store = snapshot.ForShop(message.ShopId);
        if (!_conversations.TryGetValue(message.ConversationId, out var state))
        {
            if (message.Event == ChatEventKind.Close) { StampAlerts(alerts, first, snapshot); return; }
            state = new ConversationState { ConversationId = message.ConversationId, ShopId = Intern(message.ShopId) };
            _conversations.Add(message.ConversationId, state);
            if (_trackChanges) _removed.Remove(message.ConversationId);
        }

        _context.Answered = null;
        _context.ClosedWhileWaiting = null;
        Apply(message, state, store);
        if (message.SentAt > state.LastActivityAt) state.LastActivityAt = message.SentAt;

        _context.Conversation = state;
        _context.Hours = store.Conversation.Hours;
        _context.StoreOpen = store.Conversation.Hours.IsOpen(message.SentAt);
        _context.Watermark = Watermark;
        _context.ConfigVersion = snapshot.Version;
        var rules = store.Rules;
        for (var i = 0; i < rules.Count; i++) rules[i].Evaluate(message, _context, alerts);
        if (state.BuyerSignals is not null) ArmSignalTimer(state);
        if (store.AgentResponseRate.Enabled) EmitActivity(message, state);

        if (message.Event == ChatEventKind.Close) Remove(state);
        else if (_trackChanges) _changed.Add(state);

        StampAlerts(alerts, first, snapshot);
    }

    /// <summary>
    /// Moves the watermark forward (an idle partition following the wall clock, or the end of a
    /// replay) and fires the deadlines it passes. Never moves it back.
    /// </summary>
    public void AdvanceWatermark(DateTimeOffset to, List<Alert> alerts)
    {
        if (to <= Watermark) return;
        var snapshot = _rules.Current;
        var first = alerts.Count;
        FireDue(to, snapshot, alerts);
        StampAlerts(alerts, first, snapshot);
    }

    /// <summary>Conversations changed and ids removed since the last call (for incremental checkpoints).</summary>
    public (IReadOnlyCollection<ConversationState> Changed, IReadOnlyCollection<string> Removed) TakeChanges()
    {
        var changed = _changed.ToArray();
        var removed = _removed.ToArray();
        _changed.Clear();
        _removed.Clear();
        return (changed, removed);
    }

    /// <summary>
    /// Restores checkpointed conversations (before any record is applied) and re-arms their pending
    /// deadlines. The clock resumes from the latest activity in the restored state less the allowed
    /// disorder; deadlines that passed while nobody owned the partition fire as the clock moves on,
    /// with their original deadline as eventTime.
    /// </summary>
    public void Restore(IEnumerable<ConversationState> states)
    {
        foreach (var state in states)
        {
            _conversations[state.ConversationId] = state;
            if (state.LastActivityAt > MaxSentAt) MaxSentAt = state.LastActivityAt;
            if (state.IsWaiting && !state.UnansweredFired && state.Deadline != default)
            {
                var deadline = state.Deadline;
                state.Deadline = default;
                Schedule(state, deadline);
            }
            if (state.BuyerSignals is not null) ArmSignalTimer(state);
        }
        if (MaxSentAt != DateTimeOffset.MinValue)
        {
            var watermark = MaxSentAt - _rules.Current.AllowedDisorder;
            if (watermark > Watermark) Watermark = watermark;
        }
    }

    public IEnumerable<ConversationState> Conversations => _conversations.Values;

    /// <summary>
    /// The <c>agent_response_rate_low</c> facts of one applied record: an agent message, the wait a human
    /// reply ended, the wait a close left unanswered. Bots and system messages give none.
    /// </summary>
    private void EmitActivity(ChatMessage message, ConversationState state)
    {
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

        if (!state.IsWaiting)
        {
            if (store.Conversation.IsClosingPhrase(message.Text)) return;
            state.FirstWaitingMessageId = message.MessageId;
            state.WaitingSince = message.SentAt;
            state.WaitingCount = 1;
            state.UnansweredFired = false;
            Schedule(state, store.Conversation.Hours.AddCounted(message.SentAt, store.UnansweredBuyer.Threshold));
            return;
        }

        state.WaitingCount++;
        if (message.SentAt < state.WaitingSince && !state.UnansweredFired)
        {
            // Arrived out of order: the wait really started with this earlier message.
            state.FirstWaitingMessageId = message.MessageId;
            state.WaitingSince = message.SentAt;
            Schedule(state, store.Conversation.Hours.AddCounted(message.SentAt, store.UnansweredBuyer.Threshold));
        }
    }

    private void OnHumanReply(ChatMessage message, ConversationState state, StoreRules store)
    {
        if (message.Sender == SenderKind.Agent) state.OwnerAgentId = Intern(message.AgentId ?? message.SenderId);
        if (message.SentAt > state.LastHumanReplyAt) state.LastHumanReplyAt = message.SentAt;
        if (!state.IsWaiting || message.SentAt < state.WaitingSince) return;

        _context.Answered = WaitOf(state, message.SentAt, isFirst: !state.HasHumanReply, store.Conversation.Hours);
        state.HasHumanReply = true;
        if (state.Deadline != default) PendingDeadlines--;
        state.EndWaiting();
    }

    private static AnsweredWait WaitOf(ConversationState state, DateTimeOffset until, bool isFirst, BusinessHours hours)
        => new(state.FirstWaitingMessageId!, state.WaitingSince, state.WaitingCount, isFirst,
            state.UnansweredFired ? Rules.UnansweredBuyer.UnansweredBuyerRule.AlertIdFor(state.ConversationId, state.FirstWaitingMessageId!) : null,
            hours.CountedBetween(state.WaitingSince, until));

    /// <summary>
    /// One string per store and agent id per partition, so a million open conversations do not each
    /// keep their own copy (bounded: past 100,000 distinct ids new ones are kept as they are).
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    private string? Intern(string? value)
    {
        if (value is null) return null;
        if (_names.TryGetValue(value, out var pooled)) return pooled;
        if (_names.Count < 100_000) _names[value] = value;
        return value;
    }

    private void Schedule(ConversationState state, DateTimeOffset deadline)
    {
        if (state.Deadline == default) PendingDeadlines++;
        state.Deadline = deadline;
        _deadlines.Enqueue(state, deadline.UtcTicks);
    }

    private void FireDue(DateTimeOffset watermark, RulesSnapshot snapshot, List<Alert> alerts)
    {
        Watermark = watermark;
        var due = watermark.UtcTicks;
        while (_deadlines.TryPeek(out var state, out var at) && at <= due)
        {
            _deadlines.Dequeue();
            // Entries go stale when a wait ends, is re-armed earlier or the conversation is gone;
            // skipping them here is cheaper than removing them from the heap.
            if (state.Removed || !state.IsWaiting || state.UnansweredFired || state.DeadlineTicks != at) continue;
            var store = snapshot.ForShop(state.ShopId);
            var rule = store.UnansweredBuyer;
            var counted = store.Conversation.Hours.CountedBetween(state.WaitingSince, state.Deadline);
            if (rule.OnDeadline(state, state.Deadline, counted, alerts))
            {
                state.UnansweredFired = true;
                state.Deadline = default;
                PendingDeadlines--;
                if (store.AgentResponseRate.Enabled && !string.IsNullOrEmpty(state.OwnerAgentId))
                    (_activity ??= []).Add(new AgentActivity(state.ShopId, state.OwnerAgentId, state.ConversationId, AgentActivityKind.WaitUnanswered,
                        state.FirstWaitingMessageId!, state.WaitingSince, state.WaitingCount));
                if (_trackChanges) _changed.Add(state);
            }
            else if (rule.Options.Enabled)
            {
                // The threshold was raised by a reload since the deadline was armed.
                PendingDeadlines--;
                var newDeadline = store.Conversation.Hours.AddCounted(state.WaitingSince, rule.Threshold);
                state.Deadline = default;
                Schedule(state, newDeadline > watermark ? newDeadline : watermark.AddTicks(1));
            }
        }

        FireSignalTimers(due, snapshot, alerts);

        if (watermark >= _nextEviction)
        {
            EvictIdle(watermark - snapshot.EvictIdleAfter);
            _nextEviction = watermark + TimeSpan.FromMinutes(1);
        }
    }

    private void ArmSignalTimer(ConversationState state)
    {
        var signals = state.BuyerSignals!;
        var ticks = signals.EscalateAt == default ? 0 : signals.EscalateAt.UtcTicks;
        if (ticks == 0 || signals.QueuedTicks == ticks) return;
        signals.QueuedTicks = ticks;
        _signalTimers.Enqueue(state, ticks);
    }

    private void FireSignalTimers(long due, RulesSnapshot snapshot, List<Alert> alerts)
    {
        while (_signalTimers.TryPeek(out var state, out var at) && at <= due)
        {
            _signalTimers.Dequeue();
            // Stale when answered, re-armed or the conversation is gone.
            if (state.Removed || state.BuyerSignals is not { } signals || signals.EscalateAt == default || signals.EscalateAt.UtcTicks != at) continue;
            signals.QueuedTicks = 0;
            var rules = snapshot.ForShop(state.ShopId).Rules;
            Rules.BuyerComplaintRisk.BuyerComplaintRiskRule? rule = null;
            for (var i = 0; i < rules.Count && rule is null; i++) rule = rules[i] as Rules.BuyerComplaintRisk.BuyerComplaintRiskRule;
            if (rule is null) signals.EscalateAt = default; // switched off by a reload since
            else rule.OnEscalationDue(state, alerts);
            if (_trackChanges) _changed.Add(state);
        }
    }

    private void EvictIdle(DateTimeOffset idleBefore)
    {
        List<ConversationState>? idle = null;
        foreach (var state in _conversations.Values)
            if (state.LastActivityAt < idleBefore && (!state.IsWaiting || state.UnansweredFired))
                (idle ??= []).Add(state);
        if (idle is null) return;
        foreach (var state in idle) Remove(state);
    }

    private void Remove(ConversationState state)
    {
        if (state.IsWaiting && !state.UnansweredFired && state.Deadline != default) PendingDeadlines--;
        state.Removed = true;
        _conversations.Remove(state.ConversationId);
        if (!_trackChanges) return;
        _changed.Remove(state);
        _removed.Add(state.ConversationId);
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
