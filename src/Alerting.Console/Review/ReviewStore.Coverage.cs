using StackExchange.Redis;

namespace Alerting.InspectorConsole.Review;

/// <summary>The review store, coverage counters: whether they cover the whole stream, and their one-time backfill.</summary>
public sealed partial class ReviewStore
{
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
}
