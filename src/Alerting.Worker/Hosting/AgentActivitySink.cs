using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Alerting.Redis.CrossConversation;

namespace Alerting.Worker.Hosting;

/// <summary>
/// Live <c>agent_response_rate_low</c>: records the batch's facts in Redis (<see cref="AgentActivityTracker"/>),
/// evaluates every store with activity up to (low watermark − <c>SettleSeconds</c>) once per evaluation
/// step, and writes new alerts through the worker's sink (dedupe, metrics, notifications). The low
/// watermark is this instance's (see the rule README: a simplification of the global one). Called only
/// from the consume loop's flush, one call at a time.
/// </summary>
internal sealed class AgentActivitySink(AgentActivityTracker tracker, IRulesSource rules, IAlertSink sink) : IAgentActivitySink
{
    /// <summary>Fixed windows judged in one catch-up, at most (a longer jump only judges the latest ones).</summary>
    private const int MaxCatchUpWindows = 48;

    private readonly Dictionary<string, ShopState> _shops = new(StringComparer.Ordinal);
    /// <summary>Alerts this instance already wrote (id → eventTime), so re-evaluations do not rewrite them.</summary>
    private readonly Dictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);

    public bool IsDue(DateTimeOffset lowWatermark)
    {
        if (_shops.Count == 0 || lowWatermark == DateTimeOffset.MinValue) return false;
        var snapshot = rules.Current;
        foreach (var (shop, state) in _shops)
            if (CompleteUpTo(state, snapshot.ForShop(shop).AgentResponseRate, lowWatermark) is not null) return true;
        return false;
    }

    public async Task FlushAsync(IReadOnlyList<AgentActivity> facts, DateTimeOffset lowWatermark, CancellationToken cancellationToken)
    {
        if (facts.Count > 0)
        {
            await tracker.RecordAsync(facts, cancellationToken).ConfigureAwait(false);
            foreach (var f in facts)
            {
                if (!_shops.TryGetValue(f.ShopId, out var state)) _shops.Add(f.ShopId, state = new ShopState(f.At));
                if (f.At < state.FirstFact) state.FirstFact = f.At;
                if (f.At > state.LastFact) state.LastFact = f.At;
            }
        }
        if (lowWatermark == DateTimeOffset.MinValue) return;

        var snapshot = rules.Current;
        var found = new List<Alert>();
        List<string>? idle = null;
        foreach (var (shop, state) in _shops)
        {
            var o = snapshot.ForShop(shop).AgentResponseRate;
            if (CompleteUpTo(state, o, lowWatermark) is not { } upTo) continue;
            // Every fixed window that ended since the last evaluation is judged at its end, then the current one.
            var from = state.EvaluatedUpTo ?? AgentResponseRates.FixedWindowOf(state.FirstFact.AddTicks(1), o);
            var ends = new List<DateTimeOffset>();
            for (var end = AgentResponseRates.FixedWindowOf(from, o) + o.Window; end < upTo; end += o.Window) ends.Add(end);
            foreach (var end in ends.Skip(Math.Max(0, ends.Count - MaxCatchUpWindows)))
                found.AddRange(await tracker.EvaluateAsync(shop, end, cancellationToken).ConfigureAwait(false));
            found.AddRange(await tracker.EvaluateAsync(shop, upTo, cancellationToken).ConfigureAwait(false));
            state.EvaluatedUpTo = upTo;
            if (state.LastFact < upTo - (2 * o.Window)) (idle ??= []).Add(shop);
        }
        if (idle is not null) foreach (var shop in idle) _shops.Remove(shop);

        var fresh = new List<Alert>();
        foreach (var alert in found)
        {
            if (_written.ContainsKey(alert.AlertId) || fresh.Exists(a => a.AlertId == alert.AlertId)) continue;
            alert.ConfigVersion ??= snapshot.Version;
            fresh.Add(alert);
        }
        if (fresh.Count > 0)
        {
            await sink.WriteAsync(fresh, cancellationToken).ConfigureAwait(false);
            foreach (var alert in fresh) _written[alert.AlertId] = alert.EventTime;
        }
        var forgetBefore = lowWatermark - TimeSpan.FromDays(2);
        foreach (var id in _written.Where(p => p.Value < forgetBefore).Select(p => p.Key).ToList()) _written.Remove(id);
    }

    /// <summary>The step boundary up to which a store's facts are complete, if later than its last evaluation.</summary>
    private static DateTimeOffset? CompleteUpTo(ShopState state, AgentResponseRateOptions o, DateTimeOffset lowWatermark)
    {
        if (!o.Enabled || lowWatermark == DateTimeOffset.MinValue) return null;
        var complete = lowWatermark - TimeSpan.FromSeconds(o.SettleSeconds);
        if (complete <= state.FirstFact) return null;
        var upTo = WrongAnswerBatch.WindowStart(complete, o.Step);
        return state.EvaluatedUpTo is { } done && upTo <= done ? null : upTo;
    }

    private sealed class ShopState(DateTimeOffset firstFact)
    {
        public DateTimeOffset FirstFact { get; set; } = firstFact;
        public DateTimeOffset LastFact { get; set; } = firstFact;
        public DateTimeOffset? EvaluatedUpTo { get; set; }
    }
}
