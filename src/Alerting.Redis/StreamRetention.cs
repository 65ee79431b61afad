using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Alerting.Redis;

/// <summary>Why retention kept entries older than the retention age.</summary>
public enum RetentionBlock
{
    /// <summary>Nothing old was kept.</summary>
    None,
    /// <summary>A consumer group holds an old entry unacknowledged (XPENDING).</summary>
    Pending,
    /// <summary>A consumer group has not yet read past an old entry (XINFO GROUPS last-delivered-id).</summary>
    Undelivered,
}

/// <summary>Result of trimming one stream.</summary>
/// <param name="StreamKey">The stream.</param>
/// <param name="Trimmed">Entries removed.</param>
/// <param name="MinId">The MINID used (entries below it were removed), or null when nothing could be trimmed.</param>
/// <param name="Block">Why old entries were kept, if any were.</param>
/// <param name="BlockingGroup">The consumer group that holds them.</param>
/// <param name="BlockingEntryId">Oldest entry still in the stream although older than the retention age.</param>
/// <param name="BlockingAge">Age of that entry at the run's <c>now</c>.</param>
public sealed record StreamRetentionResult(
    string StreamKey, long Trimmed, string? MinId, RetentionBlock Block, string? BlockingGroup, string? BlockingEntryId, TimeSpan? BlockingAge);

/// <summary>Result of one retention run over all alert streams.</summary>
public sealed record RetentionReport(DateTimeOffset Now, IReadOnlyList<StreamRetentionResult> Streams, int FailedStreams)
{
    /// <summary>Entries removed over all streams.</summary>
    public long Trimmed => Streams.Sum(s => s.Trimmed);

    /// <summary>The oldest blocking entry over all streams, or null when nothing blocks.</summary>
    public StreamRetentionResult? MostBlocked => Streams.Where(s => s.BlockingAge is not null).MaxBy(s => s.BlockingAge);
}

/// <summary>
/// Age-based retention of the alert streams (CONTRACTS.md §2): removes entries older than
/// <see cref="RedisAlertingOptions.Retention"/> with <c>XTRIM MINID</c> (exact, never MAXLEN), but never
/// an entry that a consumer group still holds: the MINID is capped at every group's oldest pending
/// entry (XPENDING summary) and at the first entry after its last-delivered id (XINFO GROUPS), so
/// unacknowledged and undelivered entries survive. Reads and the trim are separate calls; that is safe because in
/// between a group can only acknowledge (shrinking its pending list) or read newer entries.
/// Streams are discovered with <c>SCAN MATCH alerts:stream:*</c> on every connected primary — in
/// Redis Cluster SCAN is per node, so each primary is scanned. A failing stream is logged and
/// counted; the run goes on and the next run tries again.
/// </summary>
public sealed partial class StreamRetention
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAlertingOptions _options;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;

    public StreamRetention(IConnectionMultiplexer redis, RedisAlertingOptions options, ILogger<StreamRetention>? logger = null)
    {
        _redis = redis;
        _options = options;
        _keys = new RedisKeys(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Trims every alert stream as of <paramref name="now"/> and reports what blocked trimming.</summary>
    public async Task<RetentionReport> TrimAsync(DateTimeOffset now, CancellationToken ct)
    {
        var streams = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in _redis.GetServers())
        {
            if (server.IsReplica || !server.IsConnected) continue;
            await foreach (var key in server.KeysAsync(-1, _keys.StreamPattern, _options.ScanPageSize).WithCancellation(ct).ConfigureAwait(false))
                streams.Add(key.ToString());
        }

        var results = new List<StreamRetentionResult>(streams.Count);
        var failed = 0;
        foreach (var stream in streams.Order(StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var r = await TrimStreamAsync(stream, now).WaitAsync(ct).ConfigureAwait(false);
                results.Add(r);
                if (r.Trimmed > 0) RedisMetrics.RetentionTrimmed.Add(r.Trimmed);
                if (r.BlockingAge is { } age)
                    LogBlocked(_logger, stream, r.BlockingEntryId, age, r.BlockingGroup, r.Block);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                failed++;
                LogStreamFailed(_logger, stream, e);
            }
        }

        var report = new RetentionReport(now, results, failed);
        RedisMetrics.SetRetentionBlockedAge(report.MostBlocked?.BlockingAge ?? TimeSpan.Zero);
        LogRun(_logger, results.Count, report.Trimmed, failed);
        return report;
    }

    /// <summary>
    /// KEYS: 1 store stream, 2 its overflow stream. ARGV: 1 hard cut-off id (entries below it move), 2 page size.
    /// Moves one page of entries below the cut-off to the overflow stream (same ids; ids already there from a
    /// run cut short are skipped), acknowledges them in every group, moves each group's last-delivered id past
    /// them, and trims them from the store stream. Returns {moved, last id of the page} ({0, ''} when none).
    /// </summary>
    private const string ArchiveScript = """
        local function parse(id)
          local dash = string.find(id, '-', 1, true)
          return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
        end
        local function less(a, b)
          local am, as = parse(a)
          local bm, bs = parse(b)
          return am < bm or (am == bm and as < bs)
        end
        local entries = redis.call('XRANGE', KEYS[1], '-', '(' .. ARGV[1], 'COUNT', ARGV[2])
        if #entries == 0 then return {0, ''} end
        local tail = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
        local archived = nil
        if #tail > 0 then archived = tail[1][1] end
        local moved = 0
        for _, e in ipairs(entries) do
          if archived == nil or less(archived, e[1]) then
            redis.call('XADD', KEYS[2], e[1], unpack(e[2]))
            moved = moved + 1
          end
        end
        local last = entries[#entries][1]
        for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
          local name, delivered
          for i = 1, #g, 2 do
            if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then delivered = g[i + 1] end
          end
          for _, e in ipairs(entries) do redis.call('XACK', KEYS[1], name, e[1]) end
          if less(delivered, last) then redis.call('XGROUP', 'SETID', KEYS[1], name, last) end
        end
        local ms, seq = parse(last)
        redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d-%d', ms, seq + 1))
        return {moved, last}
        """;

    /// <summary>Moves entries older than the hard maximum age to the overflow stream (pages of 500, at most 100 pages a run) and trims the overflow stream by age.</summary>
    private async Task<long> ArchiveOverdueAsync(IDatabase db, string stream, DateTimeOffset now)
    {
        if (_options.RetentionHardMaxAge <= TimeSpan.Zero) return 0;
        var overflow = (RedisKey)(_options.OverflowKeyPrefix + stream[_options.StreamKeyPrefix.Length..]);
        var hardCut = new EntryId(Math.Max(0, (now - _options.RetentionHardMaxAge).ToUnixTimeMilliseconds()), 0);
        long moved = 0;
        for (var page = 0; page < 100; page++)
        {
            var reply = (RedisResult[])(await db.ScriptEvaluateAsync(ArchiveScript, [stream, overflow], [hardCut.ToString(), 500]).ConfigureAwait(false))!;
            var count = (long)reply[0];
            moved += count;
            if ((string?)reply[1] is null or "") break;
        }
        if (moved > 0)
        {
            RedisMetrics.RetentionArchived.Add(moved);
            LogArchived(_logger, moved, stream, _options.RetentionHardMaxAge, overflow.ToString());
        }
        var overflowCut = new EntryId(Math.Max(0, (now - _options.RetentionHardMaxAge - _options.Retention).ToUnixTimeMilliseconds()), 0);
        if (overflowCut > new EntryId(0, 1) && await db.KeyExistsAsync(overflow).ConfigureAwait(false))
            await db.ExecuteAsync("XTRIM", overflow, "MINID", overflowCut.ToString()).ConfigureAwait(false);
        return moved;
    }

    private async Task<StreamRetentionResult> TrimStreamAsync(string stream, DateTimeOffset now)
    {
        var db = _redis.GetDatabase();
        await ArchiveOverdueAsync(db, stream, now).ConfigureAwait(false);
        var cutoff = new EntryId(Math.Max(0, (now - _options.Retention).ToUnixTimeMilliseconds()), 0);
        var minId = cutoff;
        var block = RetentionBlock.None;
        string? blockingGroup = null;

        var groups = await db.StreamGroupInfoAsync(stream).ConfigureAwait(false);
        foreach (var g in groups)
        {
            if (g.PendingMessageCount > 0)
            {
                var pending = await db.StreamPendingAsync(stream, g.Name).ConfigureAwait(false);
                if (EntryId.TryParse(pending.LowestPendingMessageId, out var lowest) && lowest < minId)
                    (minId, block, blockingGroup) = (lowest, RetentionBlock.Pending, g.Name);
            }
            // Entries after last-delivered-id have not been read by this group: keep them. The
            // last delivered entry itself may go once it is acknowledged (the pending cap above
            // protects it until then); keeping it would pin one old entry of every idle store forever.
            var lastDelivered = EntryId.TryParse(g.LastDeliveredId, out var ld) ? ld : new EntryId(0, 0);
            var firstUndelivered = new EntryId(lastDelivered.Ms, lastDelivered.Seq + 1);
            if (firstUndelivered < minId)
                (minId, block, blockingGroup) = (firstUndelivered, RetentionBlock.Undelivered, g.Name);
        }

        long trimmed = 0;
        if (minId > new EntryId(0, 1))
            trimmed = (long)await db.ExecuteAsync("XTRIM", stream, "MINID", minId.ToString()).ConfigureAwait(false);

        if (block == RetentionBlock.None)
            return new StreamRetentionResult(stream, trimmed, minId.ToString(), block, null, null, null);

        // The oldest entry left is the one retention wanted gone but had to keep (if it is old at all).
        var first = await db.StreamRangeAsync(stream, "-", "+", 1).ConfigureAwait(false);
        if (first.Length == 0 || !EntryId.TryParse(first[0].Id, out var oldest) || !(oldest < cutoff))
            return new StreamRetentionResult(stream, trimmed, minId.ToString(), RetentionBlock.None, null, null, null);
        var age = now - DateTimeOffset.FromUnixTimeMilliseconds(oldest.Ms);
        return new StreamRetentionResult(stream, trimmed, minId > new EntryId(0, 1) ? minId.ToString() : null, block, blockingGroup, oldest.ToString(), age);
    }

    private readonly record struct EntryId(long Ms, long Seq) : IComparable<EntryId>
    {
        public static bool TryParse(RedisValue value, out EntryId id)
        {
            id = default;
            if (value.IsNullOrEmpty) return false;
            var s = (string)value!;
            var dash = s.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0) return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var ms0) && Set(ms0, 0, out id);
            return long.TryParse(s.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                && long.TryParse(s.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                && Set(ms, seq, out id);
        }

        private static bool Set(long ms, long seq, out EntryId id) { id = new EntryId(ms, seq); return true; }

        public int CompareTo(EntryId other) => Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);
        public static bool operator <(EntryId a, EntryId b) => a.CompareTo(b) < 0;
        public static bool operator >(EntryId a, EntryId b) => a.CompareTo(b) > 0;
        public static bool operator <=(EntryId a, EntryId b) => a.CompareTo(b) <= 0;
        public static bool operator >=(EntryId a, EntryId b) => a.CompareTo(b) >= 0;
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ms}-{Seq}");
    }

    [LoggerMessage(EventId = 4130, Level = LogLevel.Warning, Message = "Retention of {Stream} blocked at entry {EntryId}, age {Age}: {Reason} in group {Group}")]
    private static partial void LogBlocked(ILogger logger, string stream, string? entryId, TimeSpan age, string? group, RetentionBlock reason);

    [LoggerMessage(EventId = 4133, Level = LogLevel.Warning, Message = "Retention moved {Count} entries of {Stream} older than the hard maximum age {MaxAge} to {Overflow} (acknowledged in every group): nobody reviewed them in time")]
    private static partial void LogArchived(ILogger logger, long count, string stream, TimeSpan maxAge, string overflow);

    [LoggerMessage(EventId = 4131, Level = LogLevel.Error, Message = "Retention of {Stream} failed; the next run tries again")]
    private static partial void LogStreamFailed(ILogger logger, string stream, Exception error);

    [LoggerMessage(EventId = 4132, Level = LogLevel.Information, Message = "Retention run: {Streams} streams, {Trimmed} entries trimmed, {Failed} failed")]
    private static partial void LogRun(ILogger logger, int streams, long trimmed, int failed);
}
