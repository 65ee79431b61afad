using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Alerting.Kafka;
using Alerting.Redis.CrossConversation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Alerting.Worker.Hosting;

/// <summary>
/// Live <c>agent_response_rate_low</c>, judging side. Every <see cref="CrossConversationOptions.AgentEvaluationInterval"/>
/// the worker holding the evaluator lease reads the progress of <b>every</b> partition of the topic and,
/// for each store with facts, judges the evaluation points up to (lowest watermark − <c>SettleSeconds</c>):
/// every fact of those windows is stored by then, whichever instance consumed it, so one instance and N
/// instances raise the same alerts. A store's cursor in Redis says which points are judged, so a worker
/// that dies mid-way is replaced by another (after the lease expires) without skipping a window; the
/// sink's dedupe makes a repeated judgement harmless.
/// </summary>
internal sealed partial class AgentRateEvaluationService(
    AgentActivityTracker tracker,
    PartitionProgressStore progress,
    TopicPartitionCount partitions,
    KafkaOptions kafka,
    IRulesSource rules,
    IAlertSink sink,
    CrossConversationOptions options,
    TimeProvider time,
    ILogger<AgentRateEvaluationService> logger) : BackgroundService
{
    /// <summary>Fixed windows judged in one catch-up, at most (a longer jump only judges the latest ones).</summary>
    private const int MaxCatchUpWindows = 48;

    private readonly string _owner = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^24];
    private long _lastWaitLog;
    /// <summary>Unix ms of the last global low watermark read (long.MinValue: none), read by the metrics thread.</summary>
    private long _lowWatermarkMs = long.MinValue;
    /// <summary>The low watermark of the last complete round: with no progress since, a round has nothing new to judge.</summary>
    private DateTimeOffset? _lastRoundLow;
    /// <summary>Per store, the step boundary last judged up to by this worker: the store is looked at again once it moves.</summary>
    private readonly Dictionary<string, DateTimeOffset> _judgedUpTo = new(StringComparer.Ordinal);

    /// <summary>Lowest watermark of all partitions at the last check (null: not every partition has reported yet).</summary>
    public DateTimeOffset? LowWatermark
        => Interlocked.Read(ref _lowWatermarkMs) is var ms && ms != long.MinValue ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private TimeSpan LeaseTtl => options.AgentEvaluationInterval * 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.AgentEvaluationInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await EvaluateOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Redis or Kafka trouble: the facts stay stored, the cursor unmoved; the next tick retries.
                    Forget();
                    EvaluationFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Hand over at once instead of after the lease runs out (best effort: Redis may be the reason we stop).
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await tracker.ReleaseLeaseAsync(_owner, grace.Token).ConfigureAwait(false); }
            catch (Exception ex) when (ex is RedisException or OperationCanceledException or TimeoutException) { }
        }
    }

    /// <summary>One round: returns the alerts written (for tests and logs).</summary>
    internal async Task<int> EvaluateOnceAsync(CancellationToken cancellationToken)
    {
        var stores = await tracker.StoresAsync(cancellationToken).ConfigureAwait(false);
        if (stores.Count == 0) return 0;
        if (!await tracker.HoldLeaseAsync(_owner, LeaseTtl, cancellationToken).ConfigureAwait(false))
        {
            Forget(); // another worker judges; if we get the lease back, start afresh
            return 0;
        }
        if (await Task.Run(partitions.Get, cancellationToken).ConfigureAwait(false) is not { } count) return 0;
        var marks = await progress.ReadAsync(kafka.Topic, cancellationToken).ConfigureAwait(false);
        var lowest = PartitionProgressStore.LowestOf(marks, count, out var missing);
        Interlocked.Exchange(ref _lowWatermarkMs, lowest?.ToUnixTimeMilliseconds() ?? long.MinValue);
        if (lowest is not { } low)
        {
            if (missing is { } p && time.GetElapsedTime(_lastWaitLog) > TimeSpan.FromMinutes(1))
            {
                _lastWaitLog = time.GetTimestamp();
                WaitingForPartition(logger, kafka.Topic, p, count);
            }
            return 0;
        }

        if (low == _lastRoundLow) return 0; // nothing moved: nothing new is complete

        var snapshot = rules.Current;
        var written = 0;
        var leaseRenewed = time.GetTimestamp();
        foreach (var (shop, latestStep) in stores)
        {
            // A long round (many stores, a catch-up, Redis slow) keeps the lease; if it was lost, stop here.
            if (time.GetElapsedTime(leaseRenewed) > options.AgentEvaluationInterval)
            {
                if (!await tracker.HoldLeaseAsync(_owner, LeaseTtl, cancellationToken).ConfigureAwait(false)) return written;
                leaseRenewed = time.GetTimestamp();
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
                foreach (var alert in fresh) alert.ConfigVersion ??= snapshot.Version;
                if (fresh.Count > 0) await sink.WriteAsync(fresh, cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Agent-level evaluation failed ({Error}); retrying on the next tick")]
    private static partial void EvaluationFailed(ILogger logger, string error);
}
