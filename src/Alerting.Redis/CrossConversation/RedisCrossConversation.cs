using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Pipeline.CrossConversation;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerting.Redis.CrossConversation;

/// <summary>
/// Where live agent-level evaluation looks: the topic whose partitions' progress must all be past a window, and
/// how many partitions it has (null while unknown: nothing is judged).
/// </summary>
public sealed record AgentEvaluationScope(string Topic, Func<int?> PartitionCount);

/// <summary>
/// <see cref="ICrossConversationAggregation"/> over Redis, for the live worker (replay runs the same
/// <see cref="CrossConversationStage"/> over <see cref="InMemoryCrossConversation"/>): batches in
/// <see cref="BatchWrongAnswerTracker"/>, agent facts in <see cref="AgentActivityTracker"/>, partition progress in
/// <see cref="PartitionProgressStore"/>. <see cref="EvaluateAsync"/> is one judging round: the worker holding the
/// evaluator lease reads the progress of <b>every</b> partition of the topic and, for each store with facts, judges
/// the evaluation points up to (lowest watermark − <c>SettleSeconds</c>), delivering each store's alerts before its
/// cursor moves — so one instance and N instances raise the same alerts, and a worker that dies mid-way is
/// replaced (after the lease expires) without skipping a window. Thread-safe except <see cref="EvaluateAsync"/> (one caller).
/// </summary>
public sealed partial class RedisCrossConversation : ICrossConversationAggregation
{
    /// <summary>Fixed windows judged in one catch-up, at most (a longer jump only judges the latest ones).</summary>
    private const int MaxCatchUpWindows = 48;

    private readonly BatchWrongAnswerTracker _batches;
    private readonly AgentActivityTracker? _agents;
    private readonly PartitionProgressStore? _progress;
    private readonly AgentEvaluationScope? _scope;
    private readonly IRulesSource? _rules;
    private readonly CrossConversationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _owner = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^24];
    private long _lastWaitLog;
    /// <summary>Unix ms of the last global low watermark read (long.MinValue: none), read by the metrics thread.</summary>
    private long _lowWatermarkMs = long.MinValue;
    /// <summary>The low watermark of the last complete round: with no progress since, a round has nothing new to judge.</summary>
    private DateTimeOffset? _lastRoundLow;
    /// <summary>Per store, the step boundary last judged up to by this worker: the store is looked at again once it moves.</summary>
    private readonly Dictionary<string, DateTimeOffset> _judgedUpTo = new(StringComparer.Ordinal);

    /// <summary>Batches only: facts and evaluation need <see cref="RedisCrossConversation(BatchWrongAnswerTracker, AgentActivityTracker, PartitionProgressStore, AgentEvaluationScope?, IRulesSource, CrossConversationOptions, TimeProvider, ILogger?)"/>.</summary>
    public RedisCrossConversation(BatchWrongAnswerTracker batches)
    {
        _batches = batches;
        _options = new CrossConversationOptions();
        _time = TimeProvider.System;
        _logger = NullLogger.Instance;
    }

    /// <param name="scope">The topic judged; null = this process records facts but never judges.</param>
    public RedisCrossConversation(BatchWrongAnswerTracker batches, AgentActivityTracker agents, PartitionProgressStore progress, AgentEvaluationScope? scope,
        IRulesSource rules, CrossConversationOptions options, TimeProvider time, ILogger? logger = null)
    {
        _batches = batches;
        _agents = agents;
        _progress = progress;
        _scope = scope;
        _rules = rules;
        _options = options;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Lowest watermark of all partitions at the last round (null: not every partition has reported yet).</summary>
    public DateTimeOffset? LowWatermark
        => Interlocked.Read(ref _lowWatermarkMs) is var ms && ms != long.MinValue ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private TimeSpan LeaseTtl => _options.AgentEvaluationInterval * 10;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Alert>> ObserveAlertsAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        => await _batches.ObserveAsync(alerts, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task FlushAsync(IReadOnlyList<AgentActivity> facts, IReadOnlyList<PartitionProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(progress);
        if (facts.Count == 0 && progress.Count == 0) return;
        if (_agents is null || _progress is null) throw new InvalidOperationException("this cross-conversation aggregation records batches only");
        if (facts.Count > 0) await _agents.RecordAsync(facts, cancellationToken).ConfigureAwait(false);
        if (progress.Count > 0) await _progress.PublishAsync(progress, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> EvaluateAsync(bool force, Func<IReadOnlyList<Alert>, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (_agents is null || _progress is null || _scope is null || _rules is null) return 0;
        if (force) Forget();
        try
        {
            return await RoundAsync(_agents, _progress, _scope, _rules, deliver, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Redis or Kafka trouble: the facts stay stored, the cursors unmoved; the next round reads everything again.
            Forget();
            throw;
        }
    }

    /// <summary>Gives the evaluator lease up (on shutdown), so another worker takes over at once.</summary>
    public Task ReleaseLeaseAsync(CancellationToken cancellationToken)
        => _agents is null ? Task.CompletedTask : _agents.ReleaseLeaseAsync(_owner, cancellationToken);

    private async Task<int> RoundAsync(AgentActivityTracker tracker, PartitionProgressStore progressStore, AgentEvaluationScope scope, IRulesSource rules,
        Func<IReadOnlyList<Alert>, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        var stores = await tracker.StoresAsync(cancellationToken).ConfigureAwait(false);
        if (stores.Count == 0) return 0;
        if (!await tracker.HoldLeaseAsync(_owner, LeaseTtl, cancellationToken).ConfigureAwait(false))
        {
            Forget(); // another worker judges; if we get the lease back, start afresh
            return 0;
        }
        if (await Task.Run(scope.PartitionCount, cancellationToken).ConfigureAwait(false) is not { } count) return 0;
        var marks = await progressStore.ReadAsync(scope.Topic, cancellationToken).ConfigureAwait(false);
        var lowest = PartitionProgressStore.LowestOf(marks, count, out var missing);
        Interlocked.Exchange(ref _lowWatermarkMs, lowest?.ToUnixTimeMilliseconds() ?? long.MinValue);
        if (lowest is not { } low)
        {
            if (missing is { } p && _time.GetElapsedTime(_lastWaitLog) > TimeSpan.FromMinutes(1))
            {
                _lastWaitLog = _time.GetTimestamp();
                WaitingForPartition(_logger, scope.Topic, p, count);
            }
            return 0;
        }

        if (low == _lastRoundLow) return 0; // nothing moved: nothing new is complete

        var snapshot = rules.Current;
        var written = 0;
        var leaseRenewed = _time.GetTimestamp();
        foreach (var (shop, latestStep) in stores)
        {
            // A long round (many stores, a catch-up, Redis slow) keeps the lease; if it was lost, stop here.
            if (_time.GetElapsedTime(leaseRenewed) > _options.AgentEvaluationInterval)
            {
                if (!await tracker.HoldLeaseAsync(_owner, LeaseTtl, cancellationToken).ConfigureAwait(false)) return written;
                leaseRenewed = _time.GetTimestamp();
            }
            var o = snapshot.ForShop(shop).AgentResponseRate;
            var upTo = WrongAnswerBatch.WindowStart(low - TimeSpan.FromSeconds(o.SettleSeconds), o.Step);
            // Judged up to here already; facts that changed since (late records) are judged when upTo moves on.
            if (_judgedUpTo.TryGetValue(shop, out var judged) && judged == upTo) continue;
            var stale = latestStep + o.Step < upTo - (2 * o.Window);
            if (!o.Enabled)
            {
                if (stale) await tracker.ForgetStoreAsync(shop, latestStep, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (await tracker.BeginJudgementAsync(shop, cancellationToken).ConfigureAwait(false) is not { } from)
            {
                await tracker.ForgetStoreAsync(shop, latestStep, cancellationToken).ConfigureAwait(false); // facts expired
                continue;
            }
            if (upTo > from)
            {
                // Every fixed window that ended since `from` is judged at its end, then the current one.
                var found = new List<Alert>();
                var ends = new List<DateTimeOffset>();
                for (var end = AgentResponseRates.FixedWindowOf(from, o) + o.Window; end < upTo; end += o.Window) ends.Add(end);
                foreach (var end in ends.Skip(Math.Max(0, ends.Count - MaxCatchUpWindows)))
                    found.AddRange(await tracker.EvaluateAsync(shop, end, cancellationToken).ConfigureAwait(false));
                found.AddRange(await tracker.EvaluateAsync(shop, upTo, cancellationToken).ConfigureAwait(false));
                var fresh = found.DistinctBy(a => a.AlertId).ToList();
                // Delivered (durable) before the cursor moves past them.
                if (fresh.Count > 0) await deliver(fresh, cancellationToken).ConfigureAwait(false);
                written += fresh.Count;
            }
            // Also when nothing was due: a mark consumed by BeginJudgementAsync is put back this way.
            await tracker.AdvanceCursorAsync(shop, upTo > from ? upTo : from, cancellationToken).ConfigureAwait(false);
            _judgedUpTo[shop] = upTo;
            if (stale)
            {
                await tracker.ForgetStoreAsync(shop, latestStep, cancellationToken).ConfigureAwait(false);
                _judgedUpTo.Remove(shop);
            }
        }
        _lastRoundLow = low;
        return written;
    }

    /// <summary>Drops what this worker remembers of past rounds (lease lost, error): the next round reads everything again.</summary>
    private void Forget()
    {
        _lastRoundLow = null;
        _judgedUpTo.Clear();
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Agent-level evaluation waits for partition {Partition} of {Topic} ({Count} partitions) to report progress")]
    private static partial void WaitingForPartition(ILogger logger, string topic, int partition, int count);
}
