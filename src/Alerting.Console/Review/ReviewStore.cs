using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Review;

/// <summary>
/// The review state of every store in Redis: the pool (consumer <c>pool</c> of the group
/// <c>inspectors</c>), claims, verdicts and silences. All changes go through the scripts in
/// <see cref="ReviewScripts"/>; nothing is kept in process memory except which stores were
/// recovered, so any number of console instances can run against one Redis, and a restart loses nothing.
/// Thread-safe.
/// </summary>
public sealed partial class ReviewStore
{
    private const int ReadBatch = 200;
    private readonly IDatabase _db;
    private readonly ConsoleKeys _keys;
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ReviewStore> _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _sweepLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _recovered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _backfilled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _coverageReady = new(StringComparer.Ordinal);

    public ReviewStore(IConnectionMultiplexer redis, ConsoleKeys keys, ConsoleOptions options, TimeProvider time, ILogger<ReviewStore> logger)
    {
        _db = redis.GetDatabase();
        _keys = keys;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Moves the store's new stream entries into the pool (XREADGROUP as consumer <c>pool</c>), acknowledging
    /// superseded, reviewed and silenced ones, and returns claims older than <see cref="ConsoleOptions.ClaimTimeout"/>
    /// to the pool. The first sweep of a store after start also re-places what the pool already held, which
    /// finishes the work of a console that died between reading and placing.
    /// </summary>
    public async Task SweepAsync(string store, CancellationToken ct = default)
    {
        var gate = _sweepLocks.GetOrAdd(store, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var stream = _keys.Stream(store);
            if (!await EnsureGroupAsync(stream)) return;
            var silences = await ActiveSilencesAsync(store);
            if (!_recovered.ContainsKey(store))
            {
                RedisValue position = "0-0";
                while (true)
                {
                    var pending = await _db.StreamReadGroupAsync(stream, _keys.Group, ConsoleKeys.PoolConsumer, position, ReadBatch);
                    if (pending.Length == 0) break;
                    foreach (var e in pending) await PlaceAsync(store, e, silences);
                    position = pending[^1].Id;
                }
                _recovered[store] = true;
            }
            while (true)
            {
                var fresh = await _db.StreamReadGroupAsync(stream, _keys.Group, ConsoleKeys.PoolConsumer, StreamPosition.NewMessages, ReadBatch);
                foreach (var e in fresh) await PlaceAsync(store, e, silences);
                if (fresh.Length < ReadBatch) break;
            }
            await ReturnStaleClaimsAsync(store);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task PlaceAsync(string store, StreamEntry raw, IReadOnlyList<Silence> silences)
    {
        var entry = raw.IsNull ? null : AlertEntry.From(store, raw);
        if (entry is null)
        {
            // Trimmed meanwhile, or not an alert: nothing to review, so it must not block retention.
            await _db.StreamAcknowledgeAsync(_keys.Stream(store), _keys.Group, raw.Id);
            return;
        }
        var silence = silences.FirstOrDefault(s => s.Matches(entry));
        await RunAsync(ReviewScripts.Place, store, entry.AlertId, "console",
            [entry.EntryId, entry.Revision.ToString(CultureInfo.InvariantCulture), silence?.Id ?? "", entry.Rule]);
    }

    private async Task ReturnStaleClaimsAsync(string store)
    {
        var staleBefore = StaleBeforeMs();
        foreach (var claim in await _db.HashGetAllAsync(_keys.Claims(store)))
        {
            var (_, at) = SplitClaim(claim.Value!);
            if (at.ToUnixTimeMilliseconds() > staleBefore) continue;
            var r = (string?)await RunAsync(ReviewScripts.Release, store, claim.Name!, "console", [staleBefore.ToString(CultureInfo.InvariantCulture), "stale"]);
            if (r == "ok") LogClaimExpired(_logger, store, claim.Name.ToString());
        }
    }

    /// <summary>Claims one alert for <paramref name="user"/> (XCLAIM of its current entry to the user's consumer).</summary>
    public async Task<ReviewResult> ClaimAsync(string store, string alertId, string user, CancellationToken ct = default)
    {
        await SweepAsync(store, ct);
        var r = (RedisResult[])(await RunAsync(ReviewScripts.Claim, store, alertId, user, [StaleBeforeMs().ToString(CultureInfo.InvariantCulture)]))!;
        return new ReviewResult((string)r[0]!, r.Length > 1 ? (string?)r[1] : null);
    }

    /// <summary>
    /// Claims the oldest alert of the pool for <paramref name="user"/>; null when the pool is empty.
    /// Losing a race for one alert moves on to the next.
    /// </summary>
    public async Task<AlertEntry?> ClaimNextAsync(string store, string user, CancellationToken ct = default)
    {
        await SweepAsync(store, ct);
        var stream = _keys.Stream(store);
        for (var round = 0; round < 5; round++)
        {
            var pending = await _db.StreamPendingMessagesAsync(stream, _keys.Group, 20, ConsoleKeys.PoolConsumer);
            if (pending.Length == 0) return null;
            foreach (var p in pending)
            {
                var entry = await GetEntryAsync(store, p.MessageId.ToString());
                if (entry is null) continue;
                var r = await ClaimAsync(store, entry.AlertId, user, ct);
                if (r.Ok) return await CurrentEntryAsync(store, entry.AlertId) ?? entry;
            }
        }
        return null;
    }

    /// <summary>Gives the user's claim back to the pool.</summary>
    public async Task<ReviewResult> ReleaseAsync(string store, string alertId, string user)
        => new((string)(await RunAsync(ReviewScripts.Release, store, alertId, user, ["0", "user"]))!);

    /// <summary>Records a verdict on the alert whose entry <paramref name="entryId"/> the user looked at and acknowledges it.</summary>
    public async Task<ReviewResult> AcknowledgeAsync(string store, string alertId, string entryId, string outcome, string note, string user, CancellationToken ct = default)
    {
        await SweepAsync(store, ct);
        var entry = await GetEntryAsync(store, entryId);
        if (entry is null || entry.AlertId != alertId) return new ReviewResult("unknown");
        var current = await CurrentEntryAsync(store, alertId) ?? entry;
        var verdict = new Verdict
        {
            AlertId = alertId,
            Store = store,
            Outcome = outcome,
            Note = note,
            By = user,
            At = _time.GetUtcNow(),
            Rule = current.Rule,
            Severity = current.Severity,
            AgentId = current.AgentId,
            ConversationId = (string?)current.Alert["conversationId"] ?? "",
            EventTime = (string?)current.Alert["eventTime"] ?? "",
            Summary = (string?)current.Alert["summary"] ?? "",
            Terms = current.Terms,
            Promotions = current.Promotions,
            Revision = current.Revision,
            EntryId = current.EntryId,
        };
        var json = JsonSerializer.Serialize(verdict, Silence.Json);
        var r = (RedisResult[])(await RunAsync(ReviewScripts.Acknowledge, store, alertId, user,
            [StaleBeforeMs().ToString(CultureInfo.InvariantCulture), json, verdict.EntryId]))!;
        var outcomeName = (string)r[0]!;
        return outcomeName switch
        {
            "ok" or "reviewed" => new ReviewResult(outcomeName, null, JsonSerializer.Deserialize<Verdict>((string)r[1]!, Silence.Json)),
            _ => new ReviewResult(outcomeName, r.Length > 1 ? (string?)r[1] : null),
        };
    }

    /// <summary>The review state of each of <paramref name="alertIds"/> (one round trip per hash).</summary>
    public async Task<Dictionary<string, ReviewState>> StatesAsync(string store, IReadOnlyCollection<string> alertIds)
    {
        var result = new Dictionary<string, ReviewState>(StringComparer.Ordinal);
        if (alertIds.Count == 0) return result;
        var fields = alertIds.Select(a => (RedisValue)a).ToArray();
        var verdicts = _db.HashGetAsync(_keys.Verdicts(store), fields);
        var claims = _db.HashGetAsync(_keys.Claims(store), fields);
        var silenced = _db.HashGetAsync(_keys.Silenced(store), fields);
        await Task.WhenAll(verdicts, claims, silenced);
        var i = 0;
        foreach (var a in alertIds)
        {
            var v = verdicts.Result[i];
            var c = claims.Result[i];
            var s = silenced.Result[i];
            i++;
            if (!v.IsNull) result[a] = new ReviewState { State = "reviewed", Verdict = JsonSerializer.Deserialize<Verdict>(v.ToString(), Silence.Json) };
            else if (!s.IsNull) result[a] = new ReviewState { State = "silenced", SilenceId = s };
            else if (!c.IsNull)
            {
                var (owner, at) = SplitClaim(c.ToString());
                result[a] = new ReviewState { State = "claimed", ClaimedBy = owner, ClaimedAt = at };
            }
            else result[a] = ReviewState.Open;
        }
        return result;
    }

    /// <summary>
    /// Only the state name (<c>reviewed</c>, <c>silenced</c>, <c>claimed</c>, <c>open</c>) of each of <paramref name="alertIds"/>,
    /// as <see cref="StatesAsync"/> would give it, without reading verdicts or claims: one script per 1000 ids
    /// that answers one byte per alert.
    /// </summary>
    public async Task<Dictionary<string, string>> StateNamesAsync(string store, IReadOnlyCollection<string> alertIds)
    {
        var result = new Dictionary<string, string>(alertIds.Count, StringComparer.Ordinal);
        RedisKey[] keys = [_keys.Verdicts(store), _keys.Silenced(store), _keys.Claims(store)];
        foreach (var chunk in alertIds.Chunk(1000))
        {
            var codes = (string)(await _db.ScriptEvaluateAsync(ReviewScripts.StateCodes, keys, chunk.Select(a => (RedisValue)a).ToArray()))!;
            for (var i = 0; i < chunk.Length; i++)
            {
                result[chunk[i]] = codes[i] switch { 'r' => "reviewed", 's' => "silenced", 'c' => "claimed", _ => "open" };
            }
        }
        return result;
    }

    /// <summary>All verdicts of a store (for calibration and export).</summary>
    public async Task<List<Verdict>> VerdictsAsync(string store)
    {
        var list = new List<Verdict>();
        foreach (var h in await _db.HashGetAllAsync(_keys.Verdicts(store)))
        {
            if (JsonSerializer.Deserialize<Verdict>(h.Value.ToString(), Silence.Json) is { } v) list.Add(v);
        }
        return list;
    }

    /// <summary>One stream entry, or null when it does not exist (trimmed, or never written).</summary>
    public async Task<AlertEntry?> GetEntryAsync(string store, string entryId)
    {
        if (!StreamIds.IsValid(entryId)) return null;
        var e = await _db.StreamRangeAsync(_keys.Stream(store), entryId, entryId, 1);
        return e.Length == 0 ? null : AlertEntry.From(store, e[0]);
    }

    private async Task<AlertEntry?> CurrentEntryAsync(string store, string alertId)
    {
        var cur = await _db.HashGetAsync(_keys.Current(store), alertId);
        if (cur.IsNull) return null;
        var s = cur.ToString();
        return await GetEntryAsync(store, s[..s.IndexOf('|', StringComparison.Ordinal)]);
    }

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Removed the review state of {Count} alerts of store {Store} whose stream entries are all gone")]
    private static partial void LogStateTrimmed(ILogger logger, string store, long count);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Claim of alert {AlertId} in store {Store} expired; back in the pool")]
    private static partial void LogClaimExpired(ILogger logger, string store, string alertId);
}
