using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Review;

/// <summary>The review store, silences: the active ones per store, adding and lifting them.</summary>
public sealed partial class ReviewStore
{
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
}
