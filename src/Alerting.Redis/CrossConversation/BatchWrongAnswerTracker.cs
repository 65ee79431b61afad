using Alerting.Core.Alerts;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Alerting.Redis.CrossConversation;

/// <summary>
/// <c>batch_wrong_promo_answer</c> across partitions and instances: every worker adds the wrong answers
/// it raised to one member hash per batch in Redis, and builds the batch alert from the whole member set
/// the script returns. Adding a member is idempotent (keyed by message id), and the alert is a function of
/// the member set alone (<see cref="WrongAnswerBatch.AlertsFor"/>), so 1 or N workers, in any order and
/// with any redelivery, end with the same alert at the same final revision. Thread-safe.
/// </summary>
/// <remarks>
/// Delivery: call <see cref="ObserveAsync"/> with a batch's alerts and write what it returns through the
/// alert sink together with them, before the batch's offsets are stored. A crash in between replays the
/// messages, which re-adds nothing and returns the alerts again; the sink's (alertId, status, revision)
/// dedupe makes the re-send harmless. The returned list can therefore hold events already delivered.
/// </remarks>
public sealed partial class BatchWrongAnswerTracker
{
    /// <summary>
    /// KEYS: 1 the batch's member hash. ARGV: 1 ttl s, 2 revision base for a new hash, 3.. field/value
    /// pairs (<c>m:&lt;messageId&gt;</c> → member JSON). Field <c>_base</c> keeps the base the hash was
    /// created with, so a threshold reload in mid-window cannot make revisions go backwards.
    /// HSETNX: a member already present (redelivery, another worker) is left as it is.
    /// Returns {base, members, added} and, once members ≥ the smaller of stored and current base (a
    /// batch is possible), the whole hash as a 4th element.
    /// </summary>
    internal const string ObserveScript = """
        local base = redis.call('HGET', KEYS[1], '_base')
        if not base then
          base = ARGV[2]
          redis.call('HSET', KEYS[1], '_base', base)
        end
        local added = 0
        for i = 3, #ARGV, 2 do
          added = added + redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        local n = redis.call('HLEN', KEYS[1]) - 1
        if n < math.min(tonumber(base), tonumber(ARGV[2])) then return {base, n, added} end
        return {base, n, added, redis.call('HGETALL', KEYS[1])}
        """;

    private const string MemberPrefix = "m:";

    private readonly IConnectionMultiplexer _redis;
    private readonly Func<string, BatchWrongPromoAnswerOptions> _optionsFor;
    private readonly CrossConversationOptions _options;
    private readonly TimeProvider _wallClock;
    private readonly ILogger _logger;

    /// <param name="optionsFor">The rule options in force for a store (e.g. from the current rules snapshot).</param>
    /// <param name="wallClock">For <c>detectedAt</c> and the retry pipeline.</param>
    public BatchWrongAnswerTracker(IConnectionMultiplexer redis, RedisAlertingOptions redisOptions, Func<string, BatchWrongPromoAnswerOptions> optionsFor,
        CrossConversationOptions? options = null, TimeProvider? wallClock = null, ILogger<BatchWrongAnswerTracker>? logger = null)
    {
        _redis = redis;
        _optionsFor = optionsFor;
        _options = options ?? new CrossConversationOptions();
        _wallClock = wallClock ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Resilience = new RedisResilience("batch-tracker", redisOptions, _logger, _wallClock);
    }

    /// <summary>Retry/circuit state (its own circuit, separate from the sink's).</summary>
    public RedisResilience Resilience { get; }

    /// <summary>The member hash of a batch: <c>alerts:batch:{&lt;shop&gt;}:&lt;alertId&gt;</c>.</summary>
    public RedisKey BatchKey(string shopId, string alertId) => _options.BatchKeyPrefix + RedisKeys.ShopTag(shopId) + ":" + alertId;

    /// <summary>
    /// Adds the wrong answers among <paramref name="alerts"/> (firing <c>wrong_promo_answer</c> of stores
    /// where the batch rule is enabled; everything else is ignored) to their batches and returns the batch
    /// alert events to write: for every touched batch that meets the threshold, its current revision and,
    /// when that is above 0, its revision 0. One script per touched batch, pipelined, in the retry
    /// pipeline of the adapter (waits while Redis is down; throws on cancellation — then nothing is lost:
    /// the caller re-sends the batch later and the scripts are idempotent).
    /// </summary>
    public async Task<IReadOnlyList<Alert>> ObserveAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        Dictionary<string, Touched>? touched = null;
        foreach (var alert in alerts)
        {
            if (alert.Rule != WrongAnswerBatch.SourceRule) continue;
            var options = _optionsFor(alert.ShopId);
            if (!options.Enabled) continue;
            foreach (var (group, occurrence) in WrongAnswerBatch.WrongAnswersIn(alert, options))
            {
                touched ??= new Dictionary<string, Touched>(StringComparer.Ordinal);
                if (!touched.TryGetValue(group.AlertId, out var t)) touched.Add(group.AlertId, t = new Touched(group, options));
                t.Members.TryAdd(occurrence.MessageId, occurrence);
            }
        }
        if (touched is null) return [];

        var calls = touched.Values.ToArray();
        var replies = new RedisResult?[calls.Length];
        await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var (tracker, calls, replies) = state;
                var db = tracker._redis.GetDatabase();
                var pending = new List<Task>(calls.Length);
                for (var i = 0; i < calls.Length; i++)
                    if (Volatile.Read(ref replies[i]) is null) pending.Add(tracker.RunAsync(db, calls[i], replies, i));
                var all = Task.WhenAll(pending);
                // A timed-out attempt's replies may still fail later; observe them (the retry re-sends).
                _ = all.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                await all.WaitAsync(token).ConfigureAwait(false);
            },
            (this, calls, replies),
            cancellationToken).ConfigureAwait(false);

        var result = new List<Alert>();
        var now = _wallClock.GetUtcNow();
        for (var i = 0; i < calls.Length; i++)
        {
            var reply = (RedisResult[])replies[i]!;
            if (reply.Length < 4) continue;
            var revisionBase = (int)reply[0];
            var hash = (RedisResult[])reply[3]!;
            var members = new List<WrongAnswerOccurrence>(hash.Length / 2);
            for (var f = 0; f + 1 < hash.Length; f += 2)
            {
                var field = (string)hash[f]!;
                if (!field.StartsWith(MemberPrefix, StringComparison.Ordinal)) continue;
                members.Add(WrongAnswerOccurrence.Decode(field[MemberPrefix.Length..], (string)hash[f + 1]!));
            }
            var events = WrongAnswerBatch.AlertsFor(calls[i].Group, members, revisionBase, calls[i].Options, now);
            if (events.Count > 0) LogBatch(_logger, calls[i].Group.ShopId, calls[i].Group.AlertId, members.Count, events[^1].Revision);
            result.AddRange(events);
        }
        return result;
    }

    private async Task RunAsync(IDatabaseAsync db, Touched call, RedisResult?[] replies, int index)
    {
        var args = new RedisValue[2 + (call.Members.Count * 2)];
        args[0] = (long)Math.Ceiling(_options.StateTtl.TotalSeconds);
        args[1] = call.Options.RevisionBase;
        var a = 2;
        foreach (var m in call.Members.Values)
        {
            args[a++] = MemberPrefix + m.MessageId;
            args[a++] = m.Encode();
        }
        var reply = await db.ScriptEvaluateAsync(ObserveScript, [BatchKey(call.Group.ShopId, call.Group.AlertId)], args).ConfigureAwait(false);
        Interlocked.CompareExchange(ref replies[index], reply, null);
    }

    private sealed class Touched(WrongAnswerGroup group, BatchWrongPromoAnswerOptions options)
    {
        public WrongAnswerGroup Group { get; } = group;
        public BatchWrongPromoAnswerOptions Options { get; } = options;
        public Dictionary<string, WrongAnswerOccurrence> Members { get; } = new(StringComparer.Ordinal);
    }

    [LoggerMessage(EventId = 4150, Level = LogLevel.Debug, Message = "Batch wrong answer {AlertId} of store {ShopId}: {Members} members, revision {Revision}")]
    private static partial void LogBatch(ILogger logger, string shopId, string alertId, int members, int revision);
}
