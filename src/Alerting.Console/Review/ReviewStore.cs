using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Alerting.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Review;

/// <summary>An inspector's verdict on one alert, stored in the store's verdict hash.</summary>
public sealed record Verdict
{
    public const string Confirmed = "confirmed";
    public const string FalseAlarm = "false_alarm";

    public required string AlertId { get; init; }
    public required string Store { get; init; }
    /// <summary><c>confirmed</c> or <c>false_alarm</c>.</summary>
    public required string Outcome { get; init; }
    public string Note { get; init; } = "";
    public required string By { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Rule { get; init; }
    public required string Severity { get; init; }
    public string? AgentId { get; init; }
    public string ConversationId { get; init; } = "";
    public string EventTime { get; init; } = "";
    public string Summary { get; init; } = "";
    public IReadOnlyList<string> Terms { get; init; } = [];
    public IReadOnlyList<string> Promotions { get; init; } = [];
    public int Revision { get; init; }
    /// <summary>The stream entry the inspector looked at.</summary>
    public string EntryId { get; init; } = "";
}

/// <summary>Where one alert stands in review.</summary>
public sealed record ReviewState
{
    /// <summary><c>open</c> (in the pool or not yet placed), <c>claimed</c>, <c>reviewed</c> or <c>silenced</c>.</summary>
    public required string State { get; init; }
    public string? ClaimedBy { get; init; }
    public DateTimeOffset? ClaimedAt { get; init; }
    public Verdict? Verdict { get; init; }
    public string? SilenceId { get; init; }

    public static readonly ReviewState Open = new() { State = "open" };
}

/// <summary>Outcome of a claim, release or acknowledge call.</summary>
public sealed record ReviewResult(string Outcome, string? Owner = null, Verdict? Verdict = null)
{
    public bool Ok => Outcome == "ok";
}

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

    // ---- bounding the review state ----

    /// <summary>
    /// Removes the review state (current entry, claim, verdict, silenced marker) of alerts none of whose entries is
    /// left in the store's stream — in practice, alerts whose newest entry stream retention has trimmed. Works
    /// in batches of <paramref name="batch"/> alerts, each one atomic script, at most <paramref name="maxBatches"/>
    /// per call (the rest waits for the next call), and returns how many alerts it cleared. The first call for a
    /// store also indexes fields written before the index existed (once per store, marked in Redis).
    /// Safe to run from several console instances at once.
    /// </summary>
    public async Task<long> TrimGoneAsync(string store, int batch = 1000, int maxBatches = 10, CancellationToken ct = default)
    {
        await BackfillNewestAsync(store, ct);
        await BackfillCoverageAsync(store, ct);
        long removed = 0;
        for (var i = 0; i < maxBatches; i++)
        {
            ct.ThrowIfCancellationRequested();
            var n = (long)await RunAsync(ReviewScripts.TrimGone, store, "", "console", [batch]);
            removed += n;
            if (n < batch) break;
        }
        if (removed > 0) LogStateTrimmed(_logger, store, removed);
        return removed;
    }

    /// <summary>
    /// Indexes in <see cref="ConsoleKeys.Newest"/> the fields of the four state hashes that a console before the index
    /// wrote, one HSCAN page per script call (the values never leave Redis). Hashes are scanned in the order a field
    /// moves through them (current → claims → silenced → verdicts), and the scripts that move a field index it
    /// themselves, so nothing written meanwhile escapes. Idempotent; done once per store, then marked.
    /// </summary>
    private async Task BackfillNewestAsync(string store, CancellationToken ct)
    {
        if (_backfilled.ContainsKey(store)) return;
        var marker = _keys.NewestBackfilled(store);
        if (!await _db.KeyExistsAsync(marker))
        {
            foreach (var hash in new[] { _keys.Current(store), _keys.Claims(store), _keys.Silenced(store), _keys.Verdicts(store) })
            {
                RedisValue cursor = "0";
                do
                {
                    ct.ThrowIfCancellationRequested();
                    cursor = (RedisValue)await _db.ScriptEvaluateAsync(ReviewScripts.BackfillNewest,
                        [hash, _keys.Newest(store), _keys.Stream(store)], [cursor, 1000]);
                }
                while (cursor != "0");
            }
            await _db.StringSetAsync(marker, _time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        _backfilled[store] = true;
    }

    // ---- coverage counters ----

    /// <summary>
    /// Whether the store's coverage counters cover every entry of its stream: true once the one-time count of the entries
    /// written before the counters existed has finished (marked in Redis, so every instance sees it).
    /// </summary>
    public async Task<bool> CoverageCountersReadyAsync(string store)
    {
        if (_coverageReady.ContainsKey(store)) return true;
        if (!await _db.KeyExistsAsync(_keys.CoverageBackfilled(store))) return false;
        _coverageReady[store] = true;
        return true;
    }

    /// <summary>
    /// Counts, once per store, the entries already in the stream when the coverage counters were introduced: reads the
    /// stream up to its last entry at that moment in pages of 1000 and hands each page's alerts to
    /// <see cref="ReviewScripts.CountEntries"/> (idempotent, order-independent, so an interrupted run is simply repeated
    /// and entries placed meanwhile are not counted twice). Then marks the store.
    /// </summary>
    public async Task BackfillCoverageAsync(string store, CancellationToken ct = default)
    {
        // The marker itself (one EXISTS per tick), not this process's memory: deleting it with the counters rebuilds them.
        if (await _db.KeyExistsAsync(_keys.CoverageBackfilled(store))) return;
        var stream = _keys.Stream(store);
        var last = await _db.StreamRangeAsync(stream, "-", "+", 1, Order.Descending);
        if (last.Length > 0)
        {
            RedisValue from = "-";
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var page = await _db.StreamRangeAsync(stream, from, last[0].Id, 1000);
                var args = new List<RedisValue>();
                foreach (var raw in page)
                {
                    if (AlertEntry.From(store, raw) is not { } e) continue;
                    args.Add(e.AlertId);
                    args.Add(StreamIds.Millis(e.EntryId));
                    args.Add(e.Rule);
                }
                if (args.Count > 0) await RunAsync(ReviewScripts.CountEntries, store, "", "console", [.. args]);
                if (page.Length < 1000) break;
                from = "(" + page[^1].Id;
            }
        }
        await _db.StringSetAsync(_keys.CoverageBackfilled(store), _time.GetUtcNow().ToUnixTimeMilliseconds());
        _coverageReady[store] = true;
    }

    // ---- silences ----

    /// <summary>Active silences of a store; expired ones are removed on the way.</summary>
    public async Task<List<Silence>> ActiveSilencesAsync(string store)
    {
        var now = _time.GetUtcNow();
        var list = new List<Silence>();
        foreach (var h in await _db.HashGetAllAsync(_keys.Silences(store)))
        {
            var s = JsonSerializer.Deserialize<Silence>(h.Value.ToString(), Silence.Json);
            if (s is not null && s.IsActive(now)) list.Add(s);
            else await _db.HashDeleteAsync(_keys.Silences(store), h.Name);
        }
        return list.OrderBy(s => s.ExpiresAt).ToList();
    }

    /// <summary>Adds a silence and takes the alerts it matches out of the pool (and out of claims) at once.</summary>
    public async Task<(Silence Silence, int Silenced)> AddSilenceAsync(Silence silence)
    {
        // Sweep first so the alerts already raised are placed, then counted here as silenced by this silence.
        await SweepAsync(silence.Store);
        await _db.HashSetAsync(_keys.Silences(silence.Store), silence.Id, JsonSerializer.Serialize(silence, Silence.Json));
        var count = 0;
        foreach (var cur in await _db.HashGetAllAsync(_keys.Current(silence.Store)))
        {
            var s = cur.Value.ToString();
            var entry = await GetEntryAsync(silence.Store, s[..s.IndexOf('|', StringComparison.Ordinal)]);
            if (entry is null || !silence.Matches(entry)) continue;
            if ((string?)await RunAsync(ReviewScripts.Silence, silence.Store, entry.AlertId, silence.CreatedBy, [silence.Id]) == "ok") count++;
        }
        return (silence, count);
    }

    /// <summary>Lifts a silence; alerts it already silenced stay silenced (they were seen by a lead's decision).</summary>
    public async Task<bool> LiftSilenceAsync(string store, string id) => await _db.HashDeleteAsync(_keys.Silences(store), id);

    // ---- plumbing ----

    private async Task<bool> EnsureGroupAsync(RedisKey stream)
    {
        if (!await _db.KeyExistsAsync(stream)) return false;
        try
        {
            // The worker creates the group with the stream; this only covers a stream written by someone else.
            await _db.StreamCreateConsumerGroupAsync(stream, _keys.Group, "0-0", createStream: false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Exists: the normal case.
        }
        return true;
    }

    private long StaleBeforeMs() => (_time.GetUtcNow() - _options.ClaimTimeout).ToUnixTimeMilliseconds();

    private static (string Owner, DateTimeOffset At) SplitClaim(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return (value[..bar], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(value[(bar + 1)..], CultureInfo.InvariantCulture)));
    }

    private Task<RedisResult> RunAsync(string script, string store, string alertId, string user, RedisValue[] extra)
    {
        RedisKey[] keys =
        [
            _keys.Stream(store), _keys.Current(store), _keys.Claims(store), _keys.Verdicts(store), _keys.Silenced(store), _keys.Log(store),
            _keys.Newest(store), _keys.CoverageFirst(store), _keys.CoverageRule(store), _keys.CoverageUnreviewed(store),
            _keys.CoverageCounts(store), _keys.CoverageRules(store),
        ];
        RedisValue[] args =
        [
            _keys.Group, _keys.ReviewChannel(store).ToString(), alertId, user,
            _time.GetUtcNow().ToUnixTimeMilliseconds(), .. extra,
        ];
        return _db.ScriptEvaluateAsync(script, keys, args);
    }

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Removed the review state of {Count} alerts of store {Store} whose stream entries are all gone")]
    private static partial void LogStateTrimmed(ILogger logger, string store, long count);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Claim of alert {AlertId} in store {Store} expired; back in the pool")]
    private static partial void LogClaimExpired(ILogger logger, string store, string alertId);
}
