using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Redis;
using Alerting.Notifications;
using Polly.CircuitBreaker;

namespace Alerting.Worker.Metrics;

/// <summary>
/// The worker's instruments, meter <c>Alerting.Worker</c> (list and meaning: Metrics/README.md).
/// Record* methods are cheap and thread-safe; the consume loop calls them. Per-partition counts are
/// plain interlocked counters read at scrape time, so counting every record costs no allocation.
/// Observe* methods attach live objects (consumer status, Redis circuits, config reloads, notifier)
/// that are read at scrape time; attaching is optional and may happen in any order.
/// </summary>
public sealed class WorkerMetrics : IConsumeObserver, IDisposable
{
    public const string MeterName = "Alerting.Worker";

    /// <summary>The Redis adapter's meter (src/Alerting.Redis/RedisMetrics.cs), exported alongside.</summary>
    public const string RedisMeterName = "Alerting.Redis";

    private static readonly double[] ProcessingBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly double[] EndToEndBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900];
    private static readonly string[] CircuitStates = ["closed", "open", "half_open", "isolated"];

    private readonly ConcurrentDictionary<int, PartitionCounters> _partitions = new();
    private readonly ConcurrentDictionary<string, RedisResilience> _redis = new(StringComparer.Ordinal);
    private readonly Counter<long> _alertsDurable;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _batches;
    private readonly Histogram<double> _processing;
    private readonly Histogram<double> _endToEnd;
    private volatile ConsumerStatus? _consumer;
    private volatile ReloadingRulesSource? _rules;
    private volatile AlertNotifier? _notifier;
    private volatile Func<DateTimeOffset?>? _agentWatermark;

    /// <summary>Instruments on a meter of <paramref name="meters"/>: the host's factory, so the host's exporter reads this instance only.</summary>
    public WorkerMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(new MeterOptions(MeterName));
        Meter.CreateObservableCounter("alerting.worker.messages.consumed", ObserveConsumed, "{message}",
            "Chat records consumed from Kafka, per partition (valid and dead-lettered)");
        Meter.CreateObservableGauge("alerting.worker.consumer.lag", ObserveLag, "{message}",
            "Records behind the partition's high watermark, as last seen by the consume loop");
        _deadLettered = Meter.CreateCounter<long>("alerting.worker.messages.dead_lettered", "{message}",
            "Bad chat records sent to the dead-letter topic");
        _batches = Meter.CreateCounter<long>("alerting.worker.batches", "{batch}", "Batches made durable (alerts, checkpoint, offsets)");
        _alertsDurable = Meter.CreateCounter<long>("alerting.worker.alerts.durable", "{alert}",
            "Alert events acknowledged by the store, by rule, severity and status (a replayed alert that Redis deduplicated counts again)");
        _processing = Meter.CreateHistogram<double>("alerting.worker.processing.duration", "s",
            "From a batch's first record to its alerts, checkpoint and offsets being durable",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ProcessingBuckets });
        _endToEnd = Meter.CreateHistogram<double>("alerting.worker.alert.end_to_end", "s",
            "From the alert's eventTime (the triggering message's sentAt, or the deadline that passed) to the alert being durable",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = EndToEndBuckets });
        Meter.CreateObservableGauge("alerting.worker.partitions.assigned", () => _consumer?.AssignedPartitions ?? 0, "{partition}", "Partitions this instance owns");
        Meter.CreateObservableGauge("alerting.worker.consumer.paused", () => _consumer is { PausedForBackpressure: true } ? 1 : 0, null,
            "1 while consumption is paused because the store does not acknowledge writes");
        Meter.CreateObservableGauge("alerting.worker.conversations.open", () => _consumer?.OpenConversations ?? 0, "{conversation}",
            "Conversations held in rule state");
        Meter.CreateObservableGauge("alerting.worker.deadlines.pending", () => _consumer?.PendingDeadlines ?? 0, "{deadline}",
            "Timer deadlines (unanswered buyers) waiting to fire");
        Meter.CreateObservableCounter("alerting.worker.redis.failed_attempts", ObserveRedisFailures, "{attempt}",
            "Redis calls that failed transiently and were retried, per component");
        Meter.CreateObservableCounter("alerting.worker.redis.out_of_memory", ObserveRedisOutOfMemory, "{attempt}",
            "Redis writes refused with OOM (at maxmemory), per component: the write waits and consumption pauses until memory is freed");
        Meter.CreateObservableCounter("alerting.worker.dead_letters.skipped", () => _consumer?.DeadLettersSkipped ?? 0, "{message}",
            "Bad records that could not be dead-lettered within Kafka:DeadLetterRetrySeconds and were skipped (policy skip; each logged with its position)");
        Meter.CreateObservableGauge("alerting.worker.redis.circuit", ObserveRedisCircuits, null,
            "1 for the current circuit-breaker state of each Redis component (closed, open, half_open, isolated)");
        Meter.CreateObservableCounter("alerting.worker.config.reloads", ObserveReloads, "{reload}",
            "Config reloads, by result (accepted, rejected)");
        Meter.CreateObservableCounter("alerting.worker.notifications.queued", () => _notifier?.Stats.Queued ?? 0, "{alert}",
            "Alerts handed to the notification queue");
        Meter.CreateObservableCounter("alerting.worker.notifications.dropped", ObserveNotificationDrops, "{alert}",
            "Alerts not notified, by receiver and reason (queue_full, backlog_full, send_failed)");
        Meter.CreateObservableCounter("alerting.worker.notifications.messages", ObserveNotificationMessages, "{message}",
            "Notification messages, by receiver and result (sent, failed)");
        Meter.CreateObservableGauge("alerting.worker.notifications.pending", ObserveNotificationPending, "{alert}",
            "Alerts waiting in a receiver's groups");
        Meter.CreateObservableGauge("alerting.worker.agent_evaluation.watermark", () => _agentWatermark?.Invoke() is { } w ? w.ToUnixTimeSeconds() : 0L, "s",
            "Global low watermark (Unix s) agent-level windows are judged up to (less SettleSeconds), as last read by this worker; 0 while a partition has not reported");
    }

    /// <summary>The meter (created by the host's <see cref="IMeterFactory"/>).</summary>
    public Meter Meter { get; }

    /// <summary>Records consumed from a partition (valid or not). Consume thread; no allocation.</summary>
    public void RecordConsumed(int partition, int count) => Interlocked.Add(ref Slot(partition).Consumed, count);

    /// <summary>The partition's lag: high watermark minus the next offset to consume.</summary>
    public void RecordConsumerLag(int partition, long lag) => Interlocked.Exchange(ref Slot(partition).Lag, Math.Max(0, lag));

    /// <summary>The partition left this instance: stop reporting its lag (its consumed count stays, counters never go back).</summary>
    public void ForgetPartition(int partition) => Interlocked.Exchange(ref Slot(partition).Lag, -1);

    /// <summary>A batch became durable: its size, its dead letters and how long it took since its first record.</summary>
    public void RecordBatch(int records, int deadLettered, TimeSpan elapsed)
    {
        _batches.Add(1);
        if (deadLettered > 0) _deadLettered.Add(deadLettered);
        if (records > 0) _processing.Record(Math.Max(0, elapsed.TotalSeconds));
    }

    /// <summary>Alerts the store acknowledged at <paramref name="now"/>: counts by rule/severity/status and end-to-end latency.</summary>
    public void RecordAlertsDurable(IReadOnlyList<Alert> alerts, DateTimeOffset now)
    {
        foreach (var a in alerts)
        {
            var rule = new KeyValuePair<string, object?>("rule", a.Rule);
            _alertsDurable.Add(1, rule, new("severity", Alert.SeverityName(a.Severity)), new("status", Alert.StatusName(a.Status)));
            _endToEnd.Record(Math.Max(0, (now - a.EventTime).TotalSeconds), rule);
        }
    }

    /// <summary>Reads open conversations, pending deadlines, assigned partitions and pause state from the consume loop.</summary>
    public void ObserveConsumer(ConsumerStatus status) => _consumer = status;

    /// <summary>Reads failed attempts and circuit state of one Redis component (e.g. <c>alert-sink</c>, <c>checkpoints</c>).</summary>
    public void ObserveRedis(RedisResilience resilience) => _redis[resilience.Component] = resilience;

    /// <summary>Reads accepted / rejected config reloads.</summary>
    public void ObserveRules(ReloadingRulesSource rules) => _rules = rules;

    /// <summary>Reads the notification counters.</summary>
    public void ObserveNotifications(AlertNotifier notifier) => _notifier = notifier;

    /// <summary>Reads the global low watermark of the agent-level evaluation.</summary>
    public void ObserveAgentEvaluation(Func<DateTimeOffset?> lowWatermark) => _agentWatermark = lowWatermark;

    private PartitionCounters Slot(int partition) => _partitions.GetOrAdd(partition, static p => new PartitionCounters(p));

    private IEnumerable<Measurement<long>> ObserveConsumed()
        => _partitions.Values.Select(p => new Measurement<long>(Interlocked.Read(ref p.Consumed), p.Tag));

    private IEnumerable<Measurement<long>> ObserveLag()
        => _partitions.Values.Select(p => (p, lag: Interlocked.Read(ref p.Lag))).Where(x => x.lag >= 0)
            .Select(x => new Measurement<long>(x.lag, x.p.Tag));

    private IEnumerable<Measurement<long>> ObserveRedisFailures()
        => _redis.Values.Select(r => new Measurement<long>(r.FailedAttempts, new KeyValuePair<string, object?>("component", r.Component)));

    private IEnumerable<Measurement<long>> ObserveRedisOutOfMemory()
        => _redis.Values.Select(r => new Measurement<long>(r.OutOfMemoryReplies, new KeyValuePair<string, object?>("component", r.Component)));

    private IEnumerable<Measurement<int>> ObserveRedisCircuits()
    {
        foreach (var r in _redis.Values)
        {
            var current = r.CircuitState switch
            {
                CircuitState.Closed => "closed",
                CircuitState.Open => "open",
                CircuitState.HalfOpen => "half_open",
                _ => "isolated",
            };
            foreach (var state in CircuitStates)
                yield return new Measurement<int>(state == current ? 1 : 0, new("component", r.Component), new("state", state));
        }
    }

    private IEnumerable<Measurement<long>> ObserveReloads()
    {
        if (_rules is not { } rules) yield break;
        yield return new Measurement<long>(rules.ReloadsAccepted, new KeyValuePair<string, object?>("result", "accepted"));
        yield return new Measurement<long>(rules.ReloadsRejected, new KeyValuePair<string, object?>("result", "rejected"));
    }

    private IEnumerable<Measurement<long>> ObserveNotificationDrops()
    {
        if (_notifier is not { } n) yield break;
        var stats = n.Stats;
        yield return new Measurement<long>(stats.DroppedQueueFull, new("receiver", "*"), new("reason", "queue_full"));
        foreach (var r in stats.Receivers)
        {
            yield return new Measurement<long>(r.AlertsDroppedBacklog, new("receiver", r.Name), new("reason", "backlog_full"));
            yield return new Measurement<long>(r.AlertsFailed, new("receiver", r.Name), new("reason", "send_failed"));
        }
    }

    private IEnumerable<Measurement<long>> ObserveNotificationMessages()
    {
        if (_notifier is not { } n) yield break;
        foreach (var r in n.Stats.Receivers)
        {
            yield return new Measurement<long>(r.MessagesSent, new("receiver", r.Name), new("result", "sent"));
            yield return new Measurement<long>(r.MessagesFailed, new("receiver", r.Name), new("result", "failed"));
        }
    }

    private IEnumerable<Measurement<int>> ObserveNotificationPending()
        => _notifier is { } n
            ? n.Receivers.Select(r => new Measurement<int>(r.Pipeline.PendingAlerts, new KeyValuePair<string, object?>("receiver", r.Options.Name)))
            : [];

    /// <summary>The meter belongs to the factory, which disposes it with the host.</summary>
    public void Dispose()
    {
    }

    private sealed class PartitionCounters(int partition)
    {
        public long Consumed;
        public long Lag = -1;
        public readonly KeyValuePair<string, object?> Tag = new("partition", partition.ToString(CultureInfo.InvariantCulture));
    }
}
