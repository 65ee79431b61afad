using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Alerting.Redis;

/// <summary>Durable rule state of one partition: the next offset to consume and the opaque state per conversation.</summary>
/// <param name="NextOffset">The offset of the first message not yet reflected in <paramref name="Entries"/>.</param>
/// <param name="Entries">conversationId → state bytes, exactly as saved.</param>
public sealed record PartitionCheckpoint(long NextOffset, IReadOnlyDictionary<string, byte[]> Entries);

/// <summary>
/// Stores rule state per (consumer group, topic, partition) in one Redis hash
/// <c>alerts:state:{&lt;group&gt;:&lt;topic&gt;:&lt;partition&gt;}</c>. Fields:
/// <c>c:&lt;conversationId&gt;</c> = state bytes, <c>_offset</c> = next offset to consume (decimal),
/// <c>_format</c> = <see cref="FormatVersion"/>, <c>_save</c> = id of the last committed save.
/// The <c>c:</c> prefix keeps conversation ids from ever colliding with the bookkeeping fields.
/// <para>Guarantee: a save is all-or-nothing. The offset and every change of the save become
/// visible in one atomic step, so a reader sees either the previous checkpoint or the new one,
/// never state ahead of its offset. Small saves are one script call; a save with more than
/// <see cref="RedisAlertingOptions.CheckpointChunkSize"/> entries first writes chunks into a staging
/// hash (same hash tag, expires after <see cref="RedisAlertingOptions.CheckpointStagingTtl"/> if
/// abandoned), and the last call merges it, applies the last chunk and writes the offset atomically.
/// Every call is idempotent, so retries are safe.</para>
/// <para>Fencing: an owner first claims the partition (<see cref="ClaimAsync"/>: <c>HINCRBY _epoch 1</c>)
/// and passes that epoch to every save; the commit script refuses a save whose epoch is below the
/// hash's <c>_epoch</c> (<see cref="Alerting.Core.Pipeline.CheckpointFencedException"/>), so a
/// stale owner's save that reaches Redis after a handover changes nothing. Epoch 0 = unfenced
/// (tools and tests). Loading while another process saves the same partition is not a consistent
/// read for big hashes (HSCAN); the new owner claims before it loads, so no stale save lands after.</para>
/// <para>As Core's <see cref="Alerting.Core.Pipeline.IPartitionStateStore"/> (the consume path's port) it saves
/// under the consumer group given at construction.</para>
/// </summary>
public sealed partial class PartitionCheckpointStore : Alerting.Core.Pipeline.IPartitionStateStore
{
    /// <summary>Version written to <c>_format</c>; loading any other version fails loudly.</summary>
    public const int FormatVersion = 1;

    private const string EntryPrefix = "c:";
    private const int HgetallLimit = 5000;

    /// <summary>KEYS: 1 staging hash. ARGV: 1 ttl s, then field/value pairs (<c>s:conv</c> = state, <c>d:conv</c> = delete).</summary>
    private const string StageScript = """
        for i = 2, #ARGV, 2 do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: 1 checkpoint hash, 2 staging hash. ARGV: 1 format, 2 offset, 3 save id, 4 expected staged
    /// field count, 5 number of set pairs n, 6 owner epoch (0 = unfenced), then n field/value pairs, then
    /// fields to delete. Returns 3 (and writes nothing) when a newer owner claimed the partition.
    /// Staged sets are applied before staged deletes, then the last chunk's sets and deletes: the
    /// same order as a single-call save (changed, then removed).
    /// </summary>
    private const string CommitScript = """
        local epoch = tonumber(ARGV[6])
        if epoch > 0 and epoch < tonumber(redis.call('HGET', KEYS[1], '_epoch') or '0') then return 3 end
        local expected = tonumber(ARGV[4])
        if expected > 0 then
          if redis.call('HLEN', KEYS[2]) ~= expected then
            if redis.call('HGET', KEYS[1], '_save') == ARGV[3] then return 2 end
            return redis.error_reply('ERR checkpoint staging hash lost (expired or deleted) before commit')
          end
          local staged = redis.call('HGETALL', KEYS[2])
          for i = 1, #staged, 2 do
            if string.sub(staged[i], 1, 2) == 's:' then
              redis.call('HSET', KEYS[1], 'c:' .. string.sub(staged[i], 3), staged[i + 1])
            end
          end
          for i = 1, #staged, 2 do
            if string.sub(staged[i], 1, 2) == 'd:' then
              redis.call('HDEL', KEYS[1], 'c:' .. string.sub(staged[i], 3))
            end
          end
          redis.call('DEL', KEYS[2])
        end
        local n = tonumber(ARGV[5])
        local idx = 7
        for i = 1, n do
          redis.call('HSET', KEYS[1], ARGV[idx], ARGV[idx + 1])
          idx = idx + 2
        end
        while idx <= #ARGV do
          redis.call('HDEL', KEYS[1], ARGV[idx])
          idx = idx + 1
        end
        redis.call('HSET', KEYS[1], '_format', ARGV[1], '_offset', ARGV[2], '_save', ARGV[3])
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAlertingOptions _options;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;
    private readonly string? _consumerGroup;

    /// <param name="consumerGroup">The consumer group of the port's calls (<see cref="Alerting.Core.Pipeline.IPartitionStateStore"/>); null when only the group-taking methods are used.</param>
    public PartitionCheckpointStore(IConnectionMultiplexer redis, RedisAlertingOptions options, ILogger<PartitionCheckpointStore>? logger = null, TimeProvider? timeProvider = null,
        string? consumerGroup = null)
    {
        _consumerGroup = consumerGroup;
        _redis = redis;
        _options = options;
        _keys = new RedisKeys(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Resilience = new RedisResilience("checkpoints", options, _logger, timeProvider);
    }

    /// <summary>Retry/circuit state of the store.</summary>
    public RedisResilience Resilience { get; }

    /// <summary>True when the circuit is not open and the connection is up.</summary>
    public bool IsHealthy => Resilience.IsHealthy && _redis.IsConnected;

    /// <summary>
    /// Applies <paramref name="changed"/> (upserts) and <paramref name="removed"/> (deletes; a
    /// conversation in both ends up removed) and sets the next offset, all-or-nothing (see the type
    /// summary). Returns once Redis acknowledged the commit; throws otherwise, in which case the
    /// previous checkpoint is still the visible one and the caller may simply save again.
    /// </summary>
    public Task SaveAsync(string consumerGroup, string topic, int partition, long nextOffset,
        IReadOnlyCollection<KeyValuePair<string, byte[]>> changed, IReadOnlyCollection<string> removed, CancellationToken ct)
        => SaveAsync(consumerGroup, topic, partition, epoch: 0, nextOffset, changed, removed, ct);

    private string Group => _consumerGroup ?? throw new InvalidOperationException("this checkpoint store was built without a consumer group");

    Task<long> Alerting.Core.Pipeline.IPartitionStateStore.ClaimAsync(string topic, int partition, CancellationToken ct) => ClaimAsync(Group, topic, partition, ct);

    Task Alerting.Core.Pipeline.IPartitionStateStore.SaveAsync(string topic, int partition, long epoch, long nextOffset,
        IReadOnlyCollection<KeyValuePair<string, byte[]>> changed, IReadOnlyCollection<string> removed, CancellationToken ct)
        => SaveAsync(Group, topic, partition, epoch, nextOffset, changed, removed, ct);

    async Task<Alerting.Core.Pipeline.PartitionStateCheckpoint?> Alerting.Core.Pipeline.IPartitionStateStore.LoadAsync(string topic, int partition, CancellationToken ct)
        => await LoadAsync(Group, topic, partition, ct).ConfigureAwait(false) is { } c ? new Alerting.Core.Pipeline.PartitionStateCheckpoint(c.NextOffset, c.Entries) : null;

    /// <summary>Claims the partition for a new owner: the returned epoch is higher than every earlier claim's.</summary>
    public async Task<long> ClaimAsync(string consumerGroup, string topic, int partition, CancellationToken ct)
    {
        var key = _keys.State(consumerGroup, topic, partition);
        return await Resilience.Pipeline.ExecuteAsync(
            async token => await _redis.GetDatabase().HashIncrementAsync(key, "_epoch").WaitAsync(token).ConfigureAwait(false),
            ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="SaveAsync(string, string, int, long, IReadOnlyCollection{KeyValuePair{string, byte[]}}, IReadOnlyCollection{string}, CancellationToken)"/>
    /// as the owner of <paramref name="epoch"/>: refused with <see cref="Alerting.Core.Pipeline.CheckpointFencedException"/>
    /// (nothing written) when the partition was claimed with a higher epoch since.
    /// </summary>
    public async Task SaveAsync(string consumerGroup, string topic, int partition, long epoch, long nextOffset,
        IReadOnlyCollection<KeyValuePair<string, byte[]>> changed, IReadOnlyCollection<string> removed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentOutOfRangeException.ThrowIfNegative(nextOffset);

        var key = _keys.State(consumerGroup, topic, partition);
        var saveId = Guid.NewGuid().ToString("N");
        var staging = (RedisKey)(key.ToString() + ":staging:" + saveId);
        var chunk = _options.CheckpointChunkSize;
        var total = changed.Count + removed.Count;

        // Everything but the last chunk goes to staging; the last chunk travels with the commit.
        var ops = changed.Select(kv => (Set: true, kv.Key, Value: (RedisValue)kv.Value))
            .Concat(removed.Select(r => (Set: false, Key: r, Value: RedisValue.EmptyString)));
        var stagedCount = total <= chunk ? 0 : total - ((total - 1) % chunk + 1);
        var stagedFields = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<RedisValue>(2 * chunk + 1);
        var last = new List<(bool Set, string Key, RedisValue Value)>(Math.Min(total, chunk));
        var seen = 0;
        foreach (var op in ops)
        {
            if (seen++ < stagedCount)
            {
                var field = (op.Set ? "s:" : "d:") + op.Key;
                stagedFields.Add(field);
                if (batch.Count == 0) batch.Add((long)Math.Ceiling(_options.CheckpointStagingTtl.TotalSeconds));
                batch.Add(field);
                batch.Add(op.Value);
                if (batch.Count == 2 * chunk + 1) { await StageAsync(staging, batch, ct).ConfigureAwait(false); batch.Clear(); }
            }
            else
            {
                last.Add(op);
            }
        }
        if (batch.Count > 0) await StageAsync(staging, batch, ct).ConfigureAwait(false);

        var sets = last.Where(o => o.Set).ToList();
        var args = new List<RedisValue>(5 + 2 * sets.Count + (last.Count - sets.Count))
        {
            FormatVersion, nextOffset, saveId, stagedFields.Count, sets.Count, epoch,
        };
        foreach (var s in sets) { args.Add(EntryPrefix + s.Key); args.Add(s.Value); }
        foreach (var d in last.Where(o => !o.Set)) args.Add(EntryPrefix + d.Key);
        var commitArgs = args.ToArray();
        var keys = new[] { key, staging };
        var result = await Resilience.Pipeline.ExecuteAsync(
            async token => await _redis.GetDatabase().ScriptEvaluateAsync(CommitScript, keys, commitArgs).WaitAsync(token).ConfigureAwait(false),
            ct).ConfigureAwait(false);
        if ((int)result == 3)
            throw new Alerting.Core.Pipeline.CheckpointFencedException($"checkpoint {key} was claimed by a newer owner than epoch {epoch}; this save was refused");
        LogSaved(_logger, key.ToString(), nextOffset, changed.Count, removed.Count);
    }

    private async Task StageAsync(RedisKey staging, List<RedisValue> batch, CancellationToken ct)
    {
        var args = batch.ToArray();
        var keys = new[] { staging };
        await Resilience.Pipeline.ExecuteAsync(
            async token => await _redis.GetDatabase().ScriptEvaluateAsync(StageScript, keys, args).WaitAsync(token).ConfigureAwait(false),
            ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads the checkpoint, or null when the partition has none. Hashes up to 5000 fields are read
    /// with one HGETALL (an atomic snapshot); bigger ones with HSCAN. Throws
    /// <see cref="InvalidDataException"/> for an unknown format version or a missing offset.
    /// </summary>
    public async Task<PartitionCheckpoint?> LoadAsync(string consumerGroup, string topic, int partition, CancellationToken ct)
    {
        var key = _keys.State(consumerGroup, topic, partition);
        var fields = await Resilience.Pipeline.ExecuteAsync(
            async token =>
            {
                var db = _redis.GetDatabase();
                var length = await db.HashLengthAsync(key).WaitAsync(token).ConfigureAwait(false);
                if (length == 0) return null;
                if (length <= HgetallLimit) return await db.HashGetAllAsync(key).WaitAsync(token).ConfigureAwait(false);
                var all = new List<HashEntry>((int)Math.Min(length, int.MaxValue));
                await foreach (var entry in db.HashScanAsync(key, pageSize: 1000).WithCancellation(token).ConfigureAwait(false)) all.Add(entry);
                return all.ToArray();
            },
            ct).ConfigureAwait(false);
        if (fields is null) return null;
        // Claimed (only _epoch written) but never saved: no checkpoint yet.
        if (fields.All(f => f.Name == "_epoch")) return null;

        // HSCAN may return a field twice while the hash is rehashed; the dictionary absorbs that.
        var entries = new Dictionary<string, byte[]>(fields.Length, StringComparer.Ordinal);
        string? format = null;
        long? offset = null;
        foreach (var f in fields)
        {
            var name = (string)f.Name!;
            if (name.StartsWith(EntryPrefix, StringComparison.Ordinal)) entries[name[EntryPrefix.Length..]] = (byte[])f.Value!;
            else if (name == "_format") format = f.Value;
            else if (name == "_offset") offset = long.Parse((string)f.Value!, CultureInfo.InvariantCulture);
        }
        if (format != FormatVersion.ToString(CultureInfo.InvariantCulture))
            throw new InvalidDataException($"checkpoint {key} has format version '{format}', this build reads version {FormatVersion}");
        if (offset is null) throw new InvalidDataException($"checkpoint {key} has no _offset field");
        return new PartitionCheckpoint(offset.Value, entries);
    }

    [LoggerMessage(EventId = 4120, Level = LogLevel.Debug, Message = "Checkpoint {Key} saved at offset {NextOffset}: {Changed} changed, {Removed} removed")]
    private static partial void LogSaved(ILogger logger, string key, long nextOffset, int changed, int removed);
}
