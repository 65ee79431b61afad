using System.Globalization;
using Alerting.Core.Rules.AgentResponseRate;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Alerting.Redis.CrossConversation;

/// <summary>
/// The progress (event-time watermark) of every partition of the chat topic, shared by all instances of
/// one consumer group: each worker publishes its partitions' progress after recording the facts behind it,
/// and the agent-level evaluation reads the lowest of <b>all</b> partitions (<see cref="LowestOf"/>), so one
/// instance and N instances judge a window on the same, complete facts. Thread-safe.
/// </summary>
/// <remarks>
/// One hash per group and topic: <c>alerts:progress:{&lt;group&gt;:&lt;topic&gt;}</c>, field = partition,
/// value = watermark in Unix ms, or <c>e</c> = caught up with nothing open (holds nothing back). A watermark
/// only moves forward (a new owner restarting from a checkpoint publishes a lower one, which is ignored);
/// <c>e</c> replaces whatever is there and a watermark replaces <c>e</c>.
/// </remarks>
public sealed class PartitionProgressStore
{
    /// <summary>Marker of a caught-up partition without open conversations.</summary>
    public const string Empty = "e";

    /// <summary>KEYS: 1 progress hash. ARGV: 1 ttl s, then (partition, value) pairs. Returns the number of fields changed.</summary>
    internal const string PublishScript = """
        local changed = 0
        for i = 2, #ARGV, 2 do
          local v = ARGV[i + 1]
          local old = redis.call('HGET', KEYS[1], ARGV[i])
          local was = tonumber(old or '')
          if v == 'e' or (not was) or tonumber(v) > was then
            if old ~= v then
              redis.call('HSET', KEYS[1], ARGV[i], v)
              changed = changed + 1
            end
          end
        end
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        return changed
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly CrossConversationOptions _options;
    private readonly string _group;

    public PartitionProgressStore(IConnectionMultiplexer redis, RedisAlertingOptions redisOptions, string group, CrossConversationOptions? options = null,
        TimeProvider? wallClock = null, ILogger<PartitionProgressStore>? logger = null)
    {
        _redis = redis;
        _group = group;
        _options = options ?? new CrossConversationOptions();
        Resilience = new RedisResilience("partition-progress", redisOptions, (ILogger?)logger ?? NullLogger.Instance, wallClock ?? TimeProvider.System);
    }

    public RedisResilience Resilience { get; }

    /// <summary>The progress hash of one topic for this store's consumer group.</summary>
    public RedisKey Key(string topic) => $"{_options.ProgressKeyPrefix}{{{RedisKeys.Encode(_group)}:{RedisKeys.Encode(topic)}}}";

    /// <summary>Publishes partitions' progress (idempotent; retried until acknowledged or cancelled).</summary>
    public async Task PublishAsync(IReadOnlyList<PartitionProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (progress.Count == 0) return;
        var ttl = (long)Math.Ceiling(_options.StateTtl.TotalSeconds);
        var calls = progress.GroupBy(p => p.Topic, StringComparer.Ordinal)
            .Select(g => (Key: Key(g.Key), Args: g.SelectMany(p => new RedisValue[] { p.Partition, Format(p.Watermark) }).Prepend(ttl).ToArray()))
            .ToArray();
        await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var db = state._redis.GetDatabase();
                await Task.WhenAll(state.calls.Select(c => db.ScriptEvaluateAsync(PublishScript, [c.Key], c.Args))).WaitAsync(token).ConfigureAwait(false);
            },
            (_redis, calls),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every published partition of <paramref name="topic"/>: partition → watermark (null = holds nothing back).</summary>
    public async Task<IReadOnlyDictionary<int, DateTimeOffset?>> ReadAsync(string topic, CancellationToken cancellationToken)
    {
        var entries = await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) => await state._redis.GetDatabase().HashGetAllAsync(state.key).WaitAsync(token).ConfigureAwait(false),
            (_redis, key: Key(topic)),
            cancellationToken).ConfigureAwait(false);
        var marks = new Dictionary<int, DateTimeOffset?>(entries.Length);
        foreach (var e in entries)
        {
            if (!int.TryParse((string?)e.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var partition)) continue;
            var value = (string?)e.Value;
            marks[partition] = value == Empty || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
                ? null
                : DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        return marks;
    }

    /// <summary>
    /// The lowest watermark over partitions 0 … <paramref name="partitionCount"/> − 1, or null with the first
    /// partition that has published nothing yet (<paramref name="missing"/>) or when none has a watermark.
    /// </summary>
    public static DateTimeOffset? LowestOf(IReadOnlyDictionary<int, DateTimeOffset?> marks, int partitionCount, out int? missing)
    {
        ArgumentNullException.ThrowIfNull(marks);
        missing = null;
        DateTimeOffset? low = null;
        for (var p = 0; p < partitionCount; p++)
        {
            if (!marks.TryGetValue(p, out var mark))
            {
                missing = p;
                return null;
            }
            if (mark is { } m && (low is null || m < low)) low = m;
        }
        return low;
    }

    private static RedisValue Format(DateTimeOffset? watermark) => watermark is { } w ? w.ToUnixTimeMilliseconds() : Empty;
}
