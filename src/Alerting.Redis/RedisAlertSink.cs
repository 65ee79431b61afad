using System.Globalization;
using Alerting.Core.Alerts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Alerting.Redis;

/// <summary>Outcome of <see cref="RedisAlertSink.WriteAsync"/>: alert events appended vs. skipped as already delivered.</summary>
public readonly record struct AlertWriteResult(int Written, int Duplicates);

/// <summary>Told of alerts once they are durable in Redis and were appended by that write (metrics, notifications). Must return at once.</summary>
public interface IDurableAlertsObserver
{
    void OnDurable(IReadOnlyList<Alert> appended);
}

/// <summary>
/// Writes alerts to Redis (CONTRACTS.md §2): per alert one Lua script that dedupes, appends to the
/// store's stream (creating it and the <c>inspectors</c> group from id 0), publishes on the three
/// channel families and bumps the dashboard counters — all keys of one alert share the store's hash
/// tag. Delivery: <see cref="WriteAsync"/> returns only after Redis acknowledged every alert of the
/// batch (written or recognised as duplicate); on a transient failure it retries (by default until
/// cancelled), so it never drops an alert; re-sending is safe because the dedupe key makes the
/// script idempotent. Thread-safe.
/// </summary>
public sealed partial class RedisAlertSink : IAlertSink
{
    /// <summary>
    /// KEYS: 1 dedupe key, 2 stream, 3 counter hash (all with the store's hash tag).
    /// ARGV: 1 dedupe ttl s, 2 group, 3 alertId, 4 rule, 5 status, 6 revision, 7 alert JSON,
    /// 8..10 channels (all, rule, shop), 11 counter ttl s, 12.. counter fields.
    /// The dedupe key is checked first and set last: Redis does not roll a script back, so if a
    /// command in the middle failed (e.g. OOM) a retry must not find the key already set, or the
    /// alert would be lost; the worst case of that order is a duplicate entry, never a missing one.
    /// Returns 1 when written, 0 when the event was already delivered.
    /// </summary>
    internal const string WriteScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        if redis.call('EXISTS', KEYS[2]) == 0 then
          redis.call('XGROUP', 'CREATE', KEYS[2], ARGV[2], '0', 'MKSTREAM')
        end
        redis.call('XADD', KEYS[2], '*', 'alertId', ARGV[3], 'rule', ARGV[4], 'status', ARGV[5], 'revision', ARGV[6], 'alert', ARGV[7])
        redis.call('PUBLISH', ARGV[8], ARGV[7])
        redis.call('PUBLISH', ARGV[9], ARGV[7])
        redis.call('PUBLISH', ARGV[10], ARGV[7])
        for i = 12, #ARGV do
          redis.call('HINCRBY', KEYS[3], ARGV[i], 1)
        end
        redis.call('EXPIRE', KEYS[3], ARGV[11])
        redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAlertingOptions _options;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;
    private readonly IDurableAlertsObserver[] _observers;

    /// <param name="observers">Told of the alerts each write appended (not the duplicates), once they are durable.</param>
    public RedisAlertSink(IConnectionMultiplexer redis, RedisAlertingOptions options, ILogger<RedisAlertSink>? logger = null, TimeProvider? timeProvider = null,
        IEnumerable<IDurableAlertsObserver>? observers = null)
    {
        _observers = observers is null ? [] : [.. observers];
        _redis = redis;
        _options = options;
        _keys = new RedisKeys(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Resilience = new RedisResilience("alert-sink", options, _logger, timeProvider);
        Nodes = new RedisNodeHealth(redis, timeProvider);
    }

    /// <summary>Which node is failing: connection state per node and the node of every write left unanswered.</summary>
    public RedisNodeHealth Nodes { get; }

    /// <summary>Retry/circuit state of the sink.</summary>
    public RedisResilience Resilience { get; }

    /// <summary>Circuit state, for readiness probes and dashboards.</summary>
    public CircuitState CircuitState => Resilience.CircuitState;

    /// <summary>True when the circuit is not open and the connection is up: ready to take alerts.</summary>
    public bool IsHealthy => Resilience.IsHealthy && _redis.IsConnected;

    /// <summary>
    /// Writes a batch: all scripts of up to <see cref="RedisAlertingOptions.BatchSize"/> alerts are
    /// pipelined (sent at once, then awaited together). Returns when every alert is acknowledged;
    /// throws on a non-transient error, when retries are exhausted, or when <paramref name="ct"/> is
    /// cancelled — the caller must then treat the whole batch as not written and send it again.
    /// A retry re-sends only the alerts whose reply has not arrived. <see cref="AlertWriteResult.Written"/>
    /// is exact unless a timed-out attempt's reply arrives after the retry's: that alert then counts
    /// as a duplicate (it is still in Redis exactly once).
    /// </summary>
    /// <param name="appended">Receives the alerts appended by this call (not the ones already delivered), in
    /// input order — what a notifier should pass on, so a replayed batch is not notified twice.</param>
    public async Task<AlertWriteResult> WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken ct, ICollection<Alert>? appended = null)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0) return default;

        var calls = new ScriptCall[alerts.Count];
        for (var i = 0; i < calls.Length; i++) calls[i] = Prepare(alerts[i]);
        var results = new int[calls.Length];
        var everWritten = new bool[calls.Length];
        for (var round = 1; ; round++)
        {
            Array.Fill(results, -1);
            await SendAllAsync(calls, results, ct).ConfigureAwait(false);
            for (var i = 0; i < results.Length; i++) everWritten[i] |= results[i] == 1;
            if (_options.WaitForReplicas == 0) break;
            try
            {
                await WaitForReplicasAsync(alerts, ct).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (RedisResilience.IsTransient(e) && round < _options.MaxRetryAttempts && !ct.IsCancellationRequested)
            {
                // Not confirmed on a replica: the primary may die with these writes. Send the whole batch again (what is
                // there is a duplicate, what a failover lost is written anew), then wait again.
                LogReplicaWaitFailed(_logger, round, e);
                var delay = Math.Min(_options.RetryMaxDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(round - 1, 20)));
                await Task.Delay(TimeSpan.FromMilliseconds(delay), ct).ConfigureAwait(false);
            }
        }

        Nodes.ClearUnanswered();
        if (appended is not null || _observers.Length > 0)
        {
            var now = new List<Alert>();
            for (var i = 0; i < everWritten.Length; i++)
                if (everWritten[i]) now.Add(alerts[i]);
            if (appended is not null) foreach (var a in now) appended.Add(a);
            // Durable from here on. Only alerts appended now are announced: a batch replayed after a crash, or an
            // agent window judged again, is not announced twice.
            if (now.Count > 0) foreach (var observer in _observers) observer.OnDurable(now);
        }
        System.Diagnostics.Activity.Current?.SetTag("alerting.alerts.appended", everWritten.Count(w => w));
        var written = everWritten.Count(w => w);
        var result = new AlertWriteResult(written, everWritten.Length - written);
        RedisMetrics.AlertsWritten.Add(result.Written);
        RedisMetrics.AlertsDuplicate.Add(result.Duplicates);
        LogBatchWritten(_logger, result.Written, result.Duplicates);
        return result;
    }

    /// <inheritdoc />
    Task IAlertSink.WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken) => WriteAsync(alerts, cancellationToken);

    /// <summary>
    /// <c>WAIT</c> on every primary that holds a store of the batch. <c>WAIT</c> counts the writes of the calling
    /// connection, and StackExchange.Redis has one interactive connection per node, so it covers every script of
    /// the batch sent to that node. Throws a transient <c>NOREPLICAS</c> error when fewer replicas confirmed in time.
    /// </summary>
    private async Task WaitForReplicasAsync(IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        var db = _redis.GetDatabase();
        var endpoints = new HashSet<System.Net.EndPoint>();
        foreach (var shop in alerts.Select(a => a.ShopId).Distinct(StringComparer.Ordinal))
        {
            if (await db.IdentifyEndpointAsync(_keys.Stream(shop)).WaitAsync(_options.AttemptTimeout, ct).ConfigureAwait(false) is { } endpoint)
                endpoints.Add(endpoint);
        }
        var timeoutMs = (long)Math.Ceiling(_options.WaitTimeout.TotalMilliseconds);
        // The primaries are waited for at once (one WAIT each, in parallel): the batch costs one replica round trip, not one per node.
        var waits = endpoints.Select(async endpoint =>
        {
            var confirmed = (long)await _redis.GetServer(endpoint).ExecuteAsync("WAIT", _options.WaitForReplicas, timeoutMs)
                .WaitAsync(_options.WaitTimeout + _options.AttemptTimeout, ct).ConfigureAwait(false);
            if (confirmed < _options.WaitForReplicas)
                throw new RedisServerException($"NOREPLICAS WAIT: {confirmed} of {_options.WaitForReplicas} replica(s) of {endpoint} confirmed the batch within {_options.WaitTimeout}");
        }).ToList();
        var all = Task.WhenAll(waits);
        try
        {
            await all.ConfigureAwait(false);
        }
        catch when (all.Exception is { InnerExceptions.Count: > 1 } many)
        {
            // Task.WhenAll rethrows the first failure only; surface a NOREPLICAS one if any (the transient reason).
            throw many.InnerExceptions.FirstOrDefault(e => e is RedisServerException) ?? many.InnerExceptions[0];
        }
    }

    private async Task SendAllAsync(ScriptCall[] calls, int[] results, CancellationToken ct)
    {
        for (var start = 0; start < calls.Length; start += _options.BatchSize)
        {
            var end = Math.Min(calls.Length, start + _options.BatchSize);
            await Resilience.Pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    var (sink, calls, results, start, end) = state;
                    var db = sink._redis.GetDatabase();
                    var pending = new List<Task>(end - start);
                    for (var i = start; i < end; i++)
                    {
                        if (Volatile.Read(ref results[i]) < 0) pending.Add(RunAsync(db, calls[i], results, i));
                    }
                    var all = Task.WhenAll(pending);
                    // If this attempt times out, its replies may still fail later; observe them so they
                    // do not surface as unobserved task exceptions. The retry re-sends what is missing.
                    _ = all.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    try
                    {
                        await all.WaitAsync(token).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // Name the nodes that hold the batch back (readiness, metrics), then let the retry re-send.
                        var unanswered = new List<RedisKey>();
                        for (var i = start; i < end; i++)
                            if (Volatile.Read(ref results[i]) < 0) unanswered.Add(calls[i].Keys[1]);
                        sink.Nodes.RecordUnanswered(unanswered);
                        throw;
                    }
                },
                (this, calls, results, start, end),
                ct).ConfigureAwait(false);
        }
    }

    private static async Task RunAsync(IDatabaseAsync db, ScriptCall call, int[] results, int index)
    {
        var reply = await db.ScriptEvaluateAsync(WriteScript, call.Keys, call.Args).ConfigureAwait(false);
        Interlocked.CompareExchange(ref results[index], (int)reply, -1);
    }

    private ScriptCall Prepare(Alert alert)
    {
        var status = Alert.StatusName(alert.Status);
        var keys = new RedisKey[]
        {
            _keys.Seen(alert.ShopId, alert.AlertId, status, alert.Revision),
            _keys.Stream(alert.ShopId),
            _keys.Counter(alert.ShopId, alert.EventTime),
        };
        var args = new List<RedisValue>(16)
        {
            (long)Math.Ceiling(_options.DedupeTtl.TotalSeconds),
            _options.ConsumerGroup,
            alert.AlertId,
            alert.Rule,
            status,
            alert.Revision,
            AlertJson.ToUtf8(alert),
            _keys.AllChannel.ToString(),
            _keys.RuleChannel(alert.Rule).ToString(),
            _keys.ShopChannel(alert.ShopId).ToString(),
            (long)Math.Ceiling(_options.CounterTtl.TotalSeconds),
        };
        foreach (var field in CounterFields(alert)) args.Add(field);
        return new ScriptCall(keys, [.. args]);
    }

    /// <summary>
    /// Hash fields incremented in <c>alerts:count:{shop}:yyyyMMddHHmm</c> for one alert event.
    /// A new alert (firing, revision 0): <c>total</c>, <c>rule:&lt;rule&gt;</c>, <c>severity:&lt;sev&gt;</c>
    /// and, when it names an agent, <c>agent:&lt;agentId&gt;</c> and <c>rule:&lt;rule&gt;:agent:&lt;agentId&gt;</c>.
    /// An update (firing, revision &gt; 0): <c>revised</c>, <c>rule:&lt;rule&gt;:revised</c>.
    /// A resolution: <c>resolved</c>, <c>rule:&lt;rule&gt;:resolved</c>.
    /// So <c>total</c> counts distinct alerts, not stream entries.
    /// </summary>
    public static IReadOnlyList<string> CounterFields(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.Status == AlertStatus.Resolved) return ["resolved", $"rule:{alert.Rule}:resolved"];
        if (alert.Revision > 0) return ["revised", $"rule:{alert.Rule}:revised"];
        var fields = new List<string>(5) { "total", "rule:" + alert.Rule, "severity:" + Alert.SeverityName(alert.Severity) };
        if (!string.IsNullOrEmpty(alert.AgentId))
        {
            fields.Add("agent:" + alert.AgentId);
            fields.Add(string.Create(CultureInfo.InvariantCulture, $"rule:{alert.Rule}:agent:{alert.AgentId}"));
        }
        return fields;
    }

    private sealed record ScriptCall(RedisKey[] Keys, RedisValue[] Args);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning, Message = "Redis alert batch not confirmed by the required replicas (round {Round}); sending it again")]
    private static partial void LogReplicaWaitFailed(ILogger logger, int round, Exception error);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Debug, Message = "Redis alert batch acknowledged: {Written} written, {Duplicates} duplicates")]
    private static partial void LogBatchWritten(ILogger logger, int written, int duplicates);
}
