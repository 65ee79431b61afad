using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.InspectorConsole.Review;
using Alerting.Notifications;
using Alerting.Redis;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Escalation;

/// <summary>An open alert past its limit: its current entry, severity, when it first appeared and its limit.</summary>
public sealed record PastLimitAlert(string AlertId, string EntryId, string Severity, DateTimeOffset FirstSeen, TimeSpan Limit);

/// <summary>
/// Finds the open (unclaimed, unreviewed, unsilenced) alerts of a store that have waited longer than their
/// severity's limit, escalates each once, and tells which alerts are escalated. "Once" holds across console
/// instances: the flag <c>console:escalated:{&lt;shop&gt;}:&lt;alertId&gt;</c> is set with <c>SET NX</c> in a script that
/// also re-checks the alert is still open and logs the change, so of several instances racing exactly one wins
/// and only the winner notifies. The age is measured from the alert's first stream entry (Redis time) to
/// <see cref="TimeProvider"/> now. Thread-safe.
/// </summary>
public sealed class Escalator
{
    /// <summary>
    /// KEYS: flag, claims, verdicts, silenced, log. ARGV: alertId, now ms, flag TTL ms, review channel.
    /// Returns 1 when this call escalated the alert, 0 when it is not open any more or was escalated already.
    /// </summary>
    internal const string FlagScript = """
        if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1
           or redis.call('HEXISTS', KEYS[4], ARGV[1]) == 1 then return 0 end
        if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then return 0 end
        redis.call('XADD', KEYS[5], 'MAXLEN', '~', '100000', '*', 'alertId', ARGV[1], 'kind', 'escalated', 'by', 'escalation')
        redis.call('PUBLISH', ARGV[4], ARGV[1])
        return 1
        """;

    private readonly IDatabase _db;
    private readonly ConsoleKeys _keys;
    private readonly EscalationOptions _options;
    private readonly IAlertNotifier _notifier;
    private readonly string _prefix;
    private readonly long _flagTtlMs;
    /// <summary>Severity of a stream entry (entries never change), keyed by store and entry id; cleared when large.</summary>
    private readonly ConcurrentDictionary<(string Store, string EntryId), string> _severities = new();

    public Escalator(IConnectionMultiplexer redis, ConsoleKeys keys, ConsoleOptions console, RedisAlertingOptions redisOptions, EscalationOptions options, IAlertNotifier notifier)
    {
        _db = redis.GetDatabase();
        _keys = keys;
        _options = options;
        _notifier = notifier;
        _prefix = console.KeyPrefix + "escalated:";
        // As long as a dedupe key: an alert still in the stream keeps its mark.
        _flagTtlMs = (long)redisOptions.DedupeTtl.TotalMilliseconds;
    }

    /// <summary>The escalation flag of one alert.</summary>
    public RedisKey FlagKey(string store, string alertId) => _prefix + RedisKeys.ShopTag(store) + ":" + RedisKeys.Encode(alertId);

    /// <summary>The open alerts of <paramref name="store"/> past their limit at <paramref name="now"/>, oldest first (at most <see cref="EscalationOptions.MaxAlertsPerCheck"/> examined).</summary>
    public async Task<List<PastLimitAlert>> FindPastLimitAsync(string store, DateTimeOffset now)
    {
        var found = new List<PastLimitAlert>();
        if (_options.ShortestLimit(store) is not { } shortest) return found;
        var candidates = await _db.SortedSetRangeByScoreWithScoresAsync(_keys.CoverageUnreviewed(store), double.NegativeInfinity,
            (now - shortest).ToUnixTimeMilliseconds(), take: _options.MaxAlertsPerCheck);
        if (candidates.Length == 0) return found;
        var fields = candidates.Select(c => c.Element).ToArray();
        var claims = _db.HashGetAsync(_keys.Claims(store), fields);
        var current = _db.HashGetAsync(_keys.Current(store), fields);
        await Task.WhenAll(claims, current);
        var open = new List<(string AlertId, string EntryId, DateTimeOffset FirstSeen)>();
        for (var i = 0; i < candidates.Length; i++)
        {
            if (!claims.Result[i].IsNull || current.Result[i].IsNull) continue;
            var cur = current.Result[i].ToString();
            var bar = cur.IndexOf('|', StringComparison.Ordinal);
            open.Add((candidates[i].Element.ToString(), bar < 0 ? cur : cur[..bar], DateTimeOffset.FromUnixTimeMilliseconds((long)candidates[i].Score)));
        }
        var severities = await SeveritiesAsync(store, open.Select(o => o.EntryId).ToList());
        foreach (var (alertId, entryId, firstSeen) in open)
        {
            if (!severities.TryGetValue(entryId, out var severity) || _options.LimitFor(store, severity) is not { } limit) continue;
            if (now - firstSeen >= limit) found.Add(new PastLimitAlert(alertId, entryId, severity, firstSeen, limit));
        }
        return found;
    }

    /// <summary>How many open alerts of <paramref name="store"/> are past their limit now (the coverage meter's <c>pastLimit</c>).</summary>
    public async Task<int> PastLimitCountAsync(string store, DateTimeOffset now) => (await FindPastLimitAsync(store, now)).Count;

    /// <summary>
    /// Escalates every open alert of <paramref name="store"/> past its limit that no instance escalated yet: flags it
    /// (once), logs <c>escalated</c> in the review log (open feeds show it at once) and hands an escalation notice to the
    /// receivers. Returns the alerts this call escalated.
    /// </summary>
    public async Task<List<PastLimitAlert>> EscalateAsync(string store, DateTimeOffset now)
    {
        var escalated = new List<PastLimitAlert>();
        var due = await FindPastLimitAsync(store, now);
        if (due.Count == 0) return escalated;
        var already = await EscalatedAtAsync(store, due.Select(d => d.AlertId).ToList());
        foreach (var alert in due.Where(d => !already.ContainsKey(d.AlertId)))
        {
            var won = (long)await _db.ScriptEvaluateAsync(FlagScript,
                [FlagKey(store, alert.AlertId), _keys.Claims(store), _keys.Verdicts(store), _keys.Silenced(store), _keys.Log(store)],
                [alert.AlertId, now.ToUnixTimeMilliseconds(), _flagTtlMs, _keys.ReviewChannel(store).ToString()]) == 1;
            if (!won) continue;
            escalated.Add(alert);
            if (await NoticeAsync(store, alert, now) is { } notice) _notifier.Offer([notice]);
        }
        return escalated;
    }

    /// <summary>When each of <paramref name="alertIds"/> was escalated (only those that were).</summary>
    public async Task<Dictionary<string, DateTimeOffset>> EscalatedAtAsync(string store, IReadOnlyList<string> alertIds)
    {
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (alertIds.Count == 0) return result;
        // One MGET per chunk: every flag of a store shares the store's hash slot.
        foreach (var chunk in alertIds.Distinct(StringComparer.Ordinal).Chunk(1000))
        {
            var values = await _db.StringGetAsync(chunk.Select(a => FlagKey(store, a)).ToArray());
            for (var i = 0; i < chunk.Length; i++)
                if (long.TryParse(values[i].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                    result[chunk[i]] = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        return result;
    }

    /// <summary>The escalation notice: the alert as written, its summary prefixed with the wait, its evidence with an <c>escalation</c> object.</summary>
    private async Task<Alert?> NoticeAsync(string store, PastLimitAlert p, DateTimeOffset now)
    {
        var raw = await _db.StreamRangeAsync(_keys.Stream(store), p.EntryId, p.EntryId, 1);
        var json = raw.Length == 0 ? RedisValue.Null : raw[0]["alert"];
        if (json.IsNullOrEmpty) return null;
        Alert original;
        try
        {
            original = AlertJson.Parse(json.ToString());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return null; // not an alert the worker wrote: flagged, but there is nothing to tell
        }
        var waited = now - p.FirstSeen;
        var evidence = (JsonObject)original.Evidence.DeepClone();
        evidence["escalation"] = new JsonObject
        {
            ["escalatedAt"] = FormatTime(now),
            ["unclaimedSeconds"] = Math.Round(waited.TotalSeconds),
            ["limitSeconds"] = p.Limit.TotalSeconds,
        };
        return new Alert
        {
            AlertId = original.AlertId,
            Rule = original.Rule,
            Severity = original.Severity,
            ShopId = original.ShopId,
            ConversationId = original.ConversationId,
            AgentId = original.AgentId,
            MessageIds = original.MessageIds,
            EventTime = original.EventTime,
            DetectedAt = now,
            Summary = string.Create(CultureInfo.InvariantCulture, $"【升级 escalated】{Minutes(waited)} 分钟无人认领（上限 {Minutes(p.Limit)} 分钟）：{original.Summary}"),
            Evidence = evidence,
            Status = original.Status,
            Revision = original.Revision,
            ConfigVersion = original.ConfigVersion,
        };
    }

    /// <summary>ISO-8601 in UTC with milliseconds, as the feed's <c>escalatedAt</c>.</summary>
    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan t) => t.TotalMinutes.ToString(t.TotalMinutes < 10 ? "0.#" : "0", CultureInfo.InvariantCulture);

    private async Task<Dictionary<string, string>> SeveritiesAsync(string store, List<string> entryIds)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var id in entryIds)
        {
            if (_severities.TryGetValue((store, id), out var s)) result[id] = s;
            else if (StreamIds.IsValid(id)) missing.Add(id);
        }
        if (_severities.Count > 200_000) _severities.Clear();
        var reads = missing.Select(id => _db.StreamRangeAsync(_keys.Stream(store), id, id, 1)).ToArray();
        await Task.WhenAll(reads);
        for (var i = 0; i < missing.Count; i++)
        {
            if (reads[i].Result.Length == 0 || AlertEntry.From(store, reads[i].Result[0]) is not { } entry) continue;
            result[missing[i]] = entry.Severity;
            _severities[(store, missing[i])] = entry.Severity;
        }
        return result;
    }
}
