using Alerting.Core.Alerts;

namespace Alerting.Core.Rules.AgentResponseRate;

/// <summary>
/// <c>agent_response_rate_low</c> over in-process state (replay, tests; the design of the shared Redis
/// version is in this folder's README). Facts are merged by id (<see cref="AgentActivity.Merge"/>), and a
/// window is evaluated only once the caller's clock says its facts are complete, so the alerts do not
/// depend on the order facts arrived in. Not thread-safe: one caller at a time.
/// </summary>
public sealed class AgentResponseRateAggregator
{
    private readonly Func<string, AgentResponseRateOptions> _optionsFor;
    private readonly Func<string, DateTimeOffset, bool> _storeOpen;
    private readonly TimeProvider _wallClock;
    private readonly Dictionary<(string Shop, string Agent), AgentState> _agents = new();

    /// <param name="optionsFor">The options in force for a store.</param>
    /// <param name="storeOpen">Whether a store is within business hours at an instant; null = always.</param>
    /// <param name="wallClock">For <c>detectedAt</c> only.</param>
    public AgentResponseRateAggregator(Func<string, AgentResponseRateOptions> optionsFor, Func<string, DateTimeOffset, bool>? storeOpen, TimeProvider wallClock)
    {
        _optionsFor = optionsFor;
        _storeOpen = storeOpen ?? ((_, _) => true);
        _wallClock = wallClock;
    }

    /// <summary>Agents with facts held.</summary>
    public int Agents => _agents.Count;

    /// <summary>Adds facts (a fact seen again, or in another order, merges to the same state).</summary>
    public void Observe(IEnumerable<AgentActivity> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        foreach (var f in facts)
        {
            var options = _optionsFor(f.ShopId);
            if (!options.Enabled || string.IsNullOrEmpty(f.AgentId)) continue;
            if (!_agents.TryGetValue((f.ShopId, f.AgentId), out var state))
            {
                state = new AgentState(AgentResponseRates.FixedWindowOf(f.At.AddTicks(1), options));
                _agents.Add((f.ShopId, f.AgentId), state);
            }
            else if (!state.Evaluated)
            {
                // Until the first evaluation, start from the earliest fact, whatever order facts came in.
                var start = AgentResponseRates.FixedWindowOf(f.At.AddTicks(1), options);
                if (start < state.EvaluatedUpTo) state.EvaluatedUpTo = start;
            }
            var id = f.FactId;
            state.Facts[id] = state.Facts.TryGetValue(id, out var existing) ? AgentActivity.Merge(existing, f) : f;
        }
    }

    /// <summary>
    /// Evaluates every evaluation point E with E + SettleSeconds ≤ <paramref name="watermark"/> not yet
    /// evaluated, in order, and returns the alerts: per agent at most one per fixed window. Live, the
    /// watermark must be the <b>lowest</b> watermark of all partitions (facts of a lagging partition are
    /// otherwise missing from a window already judged).
    /// </summary>
    public IReadOnlyList<Alert> AdvanceTo(DateTimeOffset watermark)
    {
        var alerts = new List<Alert>();
        var now = _wallClock.GetUtcNow();
        List<(string, string)>? idle = null;
        foreach (var ((shop, agent), state) in _agents.OrderBy(p => p.Key.Shop, StringComparer.Ordinal).ThenBy(p => p.Key.Agent, StringComparer.Ordinal))
        {
            var options = _optionsFor(shop);
            var upTo = watermark - TimeSpan.FromSeconds(options.SettleSeconds);
            foreach (var e in AgentResponseRates.EvaluationPoints(state.EvaluatedUpTo, upTo, options))
            {
                state.EvaluatedUpTo = e;
                state.Evaluated = true;
                var fixedStart = AgentResponseRates.FixedWindowOf(e, options);
                if (state.FiredWindows.Contains(fixedStart)) continue;
                var alert = AgentResponseRates.AlertFor(shop, agent, state.Facts.Values, e, options, t => _storeOpen(shop, t), now);
                if (alert is null) continue;
                state.FiredWindows.Add(fixedStart);
                alerts.Add(alert);
            }
            // Facts older than any window still to be evaluated are no longer needed.
            var keepFrom = state.EvaluatedUpTo - options.Window;
            foreach (var id in state.Facts.Where(p => p.Value.At < keepFrom).Select(p => p.Key).ToList()) state.Facts.Remove(id);
            state.FiredWindows.RemoveWhere(w => w < keepFrom - options.Window);
            if (state.Facts.Count == 0) (idle ??= []).Add((shop, agent));
        }
        if (idle is not null) foreach (var key in idle) _agents.Remove(key);
        return alerts;
    }

    private sealed class AgentState(DateTimeOffset evaluatedUpTo)
    {
        /// <summary>Last evaluation point done (initially the start of the fixed window of the first fact).</summary>
        public DateTimeOffset EvaluatedUpTo { get; set; } = evaluatedUpTo;
        public bool Evaluated { get; set; }
        public Dictionary<string, AgentActivity> Facts { get; } = new(StringComparer.Ordinal);
        public HashSet<DateTimeOffset> FiredWindows { get; } = [];
    }
}
