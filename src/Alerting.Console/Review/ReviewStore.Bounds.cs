using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Review;

/// <summary>The review store, bounding its state: clearing what stream retention left behind, and the one-time index backfill.</summary>
public sealed partial class ReviewStore
{
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
}
