using Alerting.Core.Alerts;

namespace Alerting.Core.Rules.BatchWrongPromoAnswer;

/// <summary>
/// <c>batch_wrong_promo_answer</c> over in-process state, for <c>replay</c> and tests: one process sees
/// every partition, so no shared store is needed. The live worker uses the Redis tracker
/// (<c>Alerting.Redis.CrossConversation.BatchWrongAnswerTracker</c>) with the same semantics: both build
/// alerts with <see cref="WrongAnswerBatch.AlertsFor"/> from the member set, and this class emits exactly
/// the events the Redis tracker plus the sink's dedupe deliver (a revision once, revision 0 once).
/// Not thread-safe: one caller at a time.
/// </summary>
public sealed class BatchWrongAnswerAggregator
{
    private readonly Func<string, BatchWrongPromoAnswerOptions> _optionsFor;
    private readonly TimeProvider _wallClock;
    private readonly TimeSpan _keepClosedWindows;
    private readonly Dictionary<string, GroupState> _groups = new(StringComparer.Ordinal);
    private DateTimeOffset _maxSentAt = DateTimeOffset.MinValue;

    /// <param name="optionsFor">The options in force for a store.</param>
    /// <param name="wallClock">For <c>detectedAt</c> only.</param>
    /// <param name="keepClosedWindows">How long (in chat time, after the newest wrong answer seen) a window's
    /// members are kept after the window ended, for late messages. Default 1 day.</param>
    public BatchWrongAnswerAggregator(Func<string, BatchWrongPromoAnswerOptions> optionsFor, TimeProvider wallClock, TimeSpan? keepClosedWindows = null)
    {
        _optionsFor = optionsFor;
        _wallClock = wallClock;
        _keepClosedWindows = keepClosedWindows ?? TimeSpan.FromDays(1);
    }

    /// <summary>Groups (store, statement, window) currently held.</summary>
    public int OpenGroups => _groups.Count;

    /// <summary>
    /// Adds the wrong answers among <paramref name="alerts"/> (other alerts are ignored) and returns the
    /// batch alert events this raises: for each batch that gained a member, its new revision, preceded by
    /// revision 0 the first time. A message seen again adds nothing.
    /// </summary>
    public IReadOnlyList<Alert> Observe(IReadOnlyList<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        List<GroupState>? touched = null;
        foreach (var alert in alerts)
        {
            if (alert.Rule != WrongAnswerBatch.SourceRule) continue;
            var options = _optionsFor(alert.ShopId);
            if (!options.Enabled) continue;
            foreach (var (group, occurrence) in WrongAnswerBatch.WrongAnswersIn(alert, options))
            {
                var id = group.AlertId;
                if (!_groups.TryGetValue(id, out var state))
                {
                    state = new GroupState(group, options.RevisionBase);
                    _groups.Add(id, state);
                }
                if (!state.Members.TryAdd(occurrence.MessageId, occurrence)) continue;
                if (occurrence.SentAt > _maxSentAt) _maxSentAt = occurrence.SentAt;
                if (!state.Touched) { state.Touched = true; (touched ??= []).Add(state); }
            }
        }
        if (touched is null) return [];

        var result = new List<Alert>();
        var now = _wallClock.GetUtcNow();
        foreach (var state in touched)
        {
            state.Touched = false;
            var events = WrongAnswerBatch.AlertsFor(state.Group, state.Members.Values, state.RevisionBase, _optionsFor(state.Group.ShopId), now);
            foreach (var e in events)
            {
                if (e.Revision == 0 ? state.OpeningSent : e.Revision <= state.LastRevision) continue;
                if (e.Revision == 0) state.OpeningSent = true;
                state.LastRevision = Math.Max(state.LastRevision, e.Revision);
                result.Add(e);
            }
        }
        Evict();
        return result;
    }

    private void Evict()
    {
        List<string>? old = null;
        foreach (var (id, state) in _groups)
        {
            var end = state.Group.WindowStart + TimeSpan.FromMinutes(state.Group.WindowMinutes);
            if (end + _keepClosedWindows < _maxSentAt) (old ??= []).Add(id);
        }
        if (old is null) return;
        foreach (var id in old) _groups.Remove(id);
    }

    private sealed class GroupState(WrongAnswerGroup group, int revisionBase)
    {
        public WrongAnswerGroup Group { get; } = group;
        public int RevisionBase { get; } = revisionBase;
        public Dictionary<string, WrongAnswerOccurrence> Members { get; } = new(StringComparer.Ordinal);
        public bool Touched { get; set; }
        public bool OpeningSent { get; set; }
        public int LastRevision { get; set; } = -1;
    }
}
