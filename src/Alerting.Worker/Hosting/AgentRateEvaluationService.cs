using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Alerting.Kafka;
using Alerting.Redis.CrossConversation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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

    /// <summary>Lowest watermark of all partitions at the last check (null: not every partition has reported).</summary>
    public DateTimeOffset? LowWatermark { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.AgentEvaluationInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await EvaluateOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Redis or Kafka trouble: the facts stay stored, the cursor unmoved; the next tick retries.
                EvaluationFailed(logger, ex.Message);
            }
        }
    }

    /// <summary>One round: returns the alerts written (for tests and logs).</summary>
    internal async Task<int> EvaluateOnceAsync(CancellationToken cancellationToken)
    {
        var stores = await tracker.StoresAsync(cancellationToken).ConfigureAwait(false);
        if (stores.Count == 0) return 0;
        var leaseTtl = options.AgentEvaluationInterval * 10;
        if (!await tracker.HoldLeaseAsync(_owner, leaseTtl, cancellationToken).ConfigureAwait(false)) return 0;
        if (await Task.Run(partitions.Get, cancellationToken).ConfigureAwait(false) is not { } count) return 0;
        var marks = await progress.ReadAsync(kafka.Topic, cancellationToken).ConfigureAwait(false);
        LowWatermark = PartitionProgressStore.LowestOf(marks, count, out var missing);
        if (LowWatermark is not { } low)
        {
            if (missing is { } p && time.GetElapsedTime(_lastWaitLog) > TimeSpan.FromMinutes(1))
            {
                _lastWaitLog = time.GetTimestamp();
                WaitingForPartition(logger, kafka.Topic, p, count);
            }
            return 0;
        }

        var snapshot = rules.Current;
        var written = 0;
        foreach (var (shop, latestStep) in stores)
        {
            var o = snapshot.ForShop(shop).AgentResponseRate;
            if (!o.Enabled) continue;
            var upTo = WrongAnswerBatch.WindowStart(low - TimeSpan.FromSeconds(o.SettleSeconds), o.Step);
            if (await tracker.CursorAsync(shop, cancellationToken).ConfigureAwait(false) is not { } cursor)
            {
                await tracker.ForgetStoreAsync(shop, latestStep, cancellationToken).ConfigureAwait(false); // facts expired
                continue;
            }
            if (upTo <= cursor) continue;

            // Every fixed window that ended since the cursor is judged at its end, then the current one.
            var found = new List<Alert>();
            var ends = new List<DateTimeOffset>();
            for (var end = AgentResponseRates.FixedWindowOf(cursor, o) + o.Window; end < upTo; end += o.Window) ends.Add(end);
            foreach (var end in ends.Skip(Math.Max(0, ends.Count - MaxCatchUpWindows)))
                found.AddRange(await tracker.EvaluateAsync(shop, end, cancellationToken).ConfigureAwait(false));
            found.AddRange(await tracker.EvaluateAsync(shop, upTo, cancellationToken).ConfigureAwait(false));
            var fresh = found.DistinctBy(a => a.AlertId).ToList();
            foreach (var alert in fresh) alert.ConfigVersion ??= snapshot.Version;
            if (fresh.Count > 0) await sink.WriteAsync(fresh, cancellationToken).ConfigureAwait(false);
            written += fresh.Count;
            await tracker.AdvanceCursorAsync(shop, cursor, upTo, cancellationToken).ConfigureAwait(false);
            if (latestStep + o.Step < upTo - (2 * o.Window)) await tracker.ForgetStoreAsync(shop, latestStep, cancellationToken).ConfigureAwait(false);
        }
        return written;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Agent-level evaluation waits for partition {Partition} of {Topic} ({Count} partitions) to report progress")]
    private static partial void WaitingForPartition(ILogger logger, string topic, int partition, int count);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Agent-level evaluation failed ({Error}); retrying on the next tick")]
    private static partial void EvaluationFailed(ILogger logger, string error);
}
