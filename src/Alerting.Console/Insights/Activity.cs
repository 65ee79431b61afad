using System.Globalization;
using Alerting.InspectorConsole.Review;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Insights;

/// <summary>The day (in the store's zone) of the store's newest alert by chat time, or null when the stream is empty.</summary>
public sealed record AlertRange(string Store, string? Day, DateTimeOffset? From, DateTimeOffset? To, DateTimeOffset? LatestEventTime, string TimeZone);

/// <summary>Review coverage of the alerts whose chat time falls in one hour.</summary>
public sealed record HourCoverage(DateTimeOffset Hour, int Raised, int Reviewed, int Silenced)
{
    /// <summary>Reviewed / (raised − silenced); 1 when nothing is due.</summary>
    public double Coverage => Raised - Silenced <= 0 ? 1 : Math.Round((double)Reviewed / (Raised - Silenced), 4);
}

/// <summary>Coverage per hour of chat time over a window; <see cref="Partial"/> when the newest <see cref="ActivityService.MaxEntries"/> entries did not reach back to the window.</summary>
public sealed record HourlyCoverage(string Store, Window Window, IReadOnlyList<HourCoverage> Hours, bool Partial);

/// <summary>
/// What happened, by chat time (the alert's <c>eventTime</c>, the same clock as the worker's dashboard counters):
/// where the store's alerts are (so the lead page opens on them, not on wall-clock today, which differs for a replayed
/// or delayed stream) and review coverage per hour of chat time (the coverage counters are kept per hour of arrival,
/// which is the same hour only for a live stream).
/// </summary>
public sealed class ActivityService
{
    /// <summary>At most this many stream entries are read, newest first, for coverage per hour.</summary>
    public const int MaxEntries = 50_000;

    private readonly IDatabase _db;
    private readonly ConsoleKeys _keys;
    private readonly ReviewStore _reviews;
    private readonly ConsoleOptions _options;

    public ActivityService(IConnectionMultiplexer redis, ConsoleKeys keys, ReviewStore reviews, ConsoleOptions options)
    {
        _db = redis.GetDatabase();
        _keys = keys;
        _reviews = reviews;
        _options = options;
    }

    /// <summary>The day of the newest alert's chat time, from the last few stream entries (the newest chat time among them).</summary>
    public async Task<AlertRange> RangeAsync(string store)
    {
        var zone = _options.ZoneOf(store);
        var last = await _db.StreamRangeAsync(_keys.Stream(store), "-", "+", 20, Order.Descending);
        DateTimeOffset? latest = null;
        foreach (var raw in last)
        {
            if (AlertEntry.From(store, raw) is { } e && EventTime(e) is { } at && (latest is null || at > latest)) latest = at;
        }
        if (latest is not { } l) return new AlertRange(store, null, null, null, null, zone.Id);
        var local = TimeZoneInfo.ConvertTime(l, zone);
        var from = new DateTimeOffset(local.Date, zone.GetUtcOffset(local.Date));
        return new AlertRange(store, local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), from, from.AddDays(1), l, zone.Id);
    }

    /// <summary>
    /// Alerts counted once each (by alertId, at the chat time of its first entry read),
    /// per UTC hour of chat time inside the window, with how many are reviewed or silenced now.
    /// </summary>
    public async Task<HourlyCoverage> HourlyCoverageAsync(string store, Window window)
    {
        var alerts = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        RedisValue end = "+";
        var read = 0;
        var partial = false;
        while (true)
        {
            var page = await _db.StreamRangeAsync(_keys.Stream(store), "-", end, 1000, Order.Descending);
            foreach (var raw in page)
            {
                // Newest first: the last one seen is the alert's first entry, whose chat time places it (as the meter does).
                if (AlertEntry.From(store, raw) is { } e && EventTime(e) is { } at) alerts[e.AlertId] = at;
            }
            read += page.Length;
            if (page.Length < 1000) break;
            if (read >= MaxEntries)
            {
                partial = true;
                break;
            }
            end = "(" + page[^1].Id;
        }
        var inWindow = alerts.Where(a => a.Value >= window.From && a.Value < window.To).ToList();
        var states = await _reviews.StateNamesAsync(store, inWindow.Select(a => a.Key).ToList());
        var hours = inWindow
            .GroupBy(a => new DateTimeOffset(a.Value.UtcDateTime.Year, a.Value.UtcDateTime.Month, a.Value.UtcDateTime.Day, a.Value.UtcDateTime.Hour, 0, 0, TimeSpan.Zero))
            .OrderBy(g => g.Key)
            .Select(g => new HourCoverage(g.Key, g.Count(), g.Count(a => states[a.Key] == "reviewed"), g.Count(a => states[a.Key] == "silenced")))
            .ToList();
        return new HourlyCoverage(store, window, hours, partial);
    }

    private static DateTimeOffset? EventTime(AlertEntry e)
        => (string?)e.Alert["eventTime"] is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
