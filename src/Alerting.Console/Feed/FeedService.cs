using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.InspectorConsole.Review;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Feed;

/// <summary>
/// The live feed: a catch-up from the store streams (XREVRANGE for a fresh page, XRANGE after a known
/// position), then the entries appended since, each sent with its current review state, plus review
/// changes from the store's review log. Sent as server-sent events whose id is a <see cref="FeedCursor"/>:
/// a reconnect with <c>Last-Event-ID</c> resumes after the last event received and loses nothing.
/// </summary>
public sealed class FeedService
{
    private const int Page = 500;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>How often an open feed asks whether its session is still live (logout, lifetime, user removed).</summary>
    public static readonly TimeSpan SessionRecheck = TimeSpan.FromSeconds(5);
    private readonly IDatabase _db;
    private readonly ConsoleKeys _keys;
    private readonly ReviewStore _reviews;
    private readonly FeedDoorbell _doorbell;
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _time;
    private readonly Escalation.Escalator _escalator;

    public FeedService(IConnectionMultiplexer redis, ConsoleKeys keys, ReviewStore reviews, FeedDoorbell doorbell, ConsoleOptions options, TimeProvider time, Escalation.Escalator escalator)
    {
        _escalator = escalator;
        _db = redis.GetDatabase();
        _keys = keys;
        _reviews = reviews;
        _doorbell = doorbell;
        _options = options;
        _time = time;
    }

    /// <summary>The most recent <paramref name="limit"/> entries of a store, oldest first, with their review states.</summary>
    public async Task<List<JsonObject>> RecentAsync(string store, int limit)
    {
        var raw = await _db.StreamRangeAsync(_keys.Stream(store), "-", "+", limit, Order.Descending);
        Array.Reverse(raw);
        return await ToEventsAsync(store, raw);
    }

    /// <summary>Entries of a store after <paramref name="afterId"/> (exclusive), oldest first, with their review states.</summary>
    public async Task<List<JsonObject>> AfterAsync(string store, string afterId, int limit)
        => await ToEventsAsync(store, await _db.StreamRangeAsync(_keys.Stream(store), "(" + afterId, "+", limit));

    private async Task<List<JsonObject>> ToEventsAsync(string store, StreamEntry[] raw)
    {
        var entries = raw.Select(e => AlertEntry.From(store, e)).OfType<AlertEntry>().ToList();
        var ids = entries.Select(e => e.AlertId).Distinct().ToList();
        var states = await _reviews.StatesAsync(store, ids);
        var escalated = await _escalator.EscalatedAtAsync(store, ids);
        return entries.Select(e => AlertEvent(e, states[e.AlertId], escalated.TryGetValue(e.AlertId, out var at) ? at : null)).ToList();
    }

    /// <summary>A feed item; <c>escalatedAt</c> only when the alert was escalated (left unclaimed past its limit).</summary>
    private static JsonObject AlertEvent(AlertEntry e, ReviewState state, DateTimeOffset? escalatedAt)
    {
        var item = new JsonObject
        {
            ["store"] = e.Store,
            ["entryId"] = e.EntryId,
            ["alert"] = e.Alert.DeepClone(),
            ["review"] = JsonSerializer.SerializeToNode(state, Silence.Json),
        };
        if (escalatedAt is { } at) item["escalatedAt"] = Escalation.Escalator.FormatTime(at);
        return item;
    }

    /// <summary>
    /// Streams the feed of <paramref name="stores"/> to <paramref name="http"/> until the client goes away, or until
    /// <paramref name="sessionLive"/> (asked every <see cref="SessionRecheck"/>) says the session ended: then a
    /// <c>session-ended</c> event is sent and the stream closes, so a revoked login does not keep an open feed.
    /// </summary>
    public async Task StreamAsync(HttpContext http, IReadOnlyList<string> stores, FeedCursor cursor, CancellationToken ct, Func<Task<bool>>? sessionLive = null)
    {
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var body = http.Response.Body;
        await WriteAsync(body, "retry: 2000\n\n", ct);

        // Catch-up of stores the cursor does not know: the newest page, with the review-log position
        // taken *before* reading states, so a change made meanwhile is sent again later, never lost.
        foreach (var store in stores.Where(s => !cursor.Has(s)))
        {
            var logPos = await LastIdAsync(_keys.Log(store));
            var events = await RecentAsync(store, _options.CatchUpLimit);
            var alertPos = events.Count > 0 ? (string)events[^1]["entryId"]! : await LastIdAsync(_keys.Stream(store));
            cursor[store] = (events.Count > 0 ? (string)events[0]["entryId"]! : alertPos, logPos);
            foreach (var ev in events)
            {
                cursor[store] = ((string)ev["entryId"]!, logPos);
                await SendAsync(body, "alert", cursor, ev, ct);
            }
            cursor[store] = (alertPos, logPos);
        }
        // Stores the cursor knew (a reconnect) catch up here too, so 'caughtup' means caught up everywhere.
        foreach (var store in stores)
        {
            await SendNewAlertsAsync(body, store, cursor, ct);
            await SendReviewChangesAsync(body, store, cursor, ct);
        }
        await SendAsync(body, "caughtup", cursor, new JsonObject { ["stores"] = new JsonArray(stores.Select(s => (JsonNode)s!).ToArray()) }, ct);
        await body.FlushAsync(ct);

        var lastWrite = _time.GetUtcNow();
        var lastSessionCheck = lastWrite;
        while (!ct.IsCancellationRequested)
        {
            var bell = _doorbell.Next;
            if (sessionLive is not null && _time.GetUtcNow() - lastSessionCheck >= SessionRecheck)
            {
                lastSessionCheck = _time.GetUtcNow();
                if (!await sessionLive())
                {
                    await SendAsync(body, "session-ended", cursor, new JsonObject(), ct);
                    await body.FlushAsync(ct);
                    return;
                }
            }
            var sent = false;
            foreach (var store in stores)
            {
                // Alerts first: a review change then always finds its alert on the page.
                sent |= await SendNewAlertsAsync(body, store, cursor, ct);
                sent |= await SendReviewChangesAsync(body, store, cursor, ct);
            }
            if (sent)
            {
                await body.FlushAsync(ct);
                lastWrite = _time.GetUtcNow();
            }
            else if (_time.GetUtcNow() - lastWrite >= Heartbeat)
            {
                await WriteAsync(body, ": ping\n\n", ct);
                await body.FlushAsync(ct);
                lastWrite = _time.GetUtcNow();
            }
            try
            {
                await Task.WhenAny(bell, Task.Delay(_options.FeedPollInterval, _time, ct));
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<bool> SendNewAlertsAsync(Stream body, string store, FeedCursor cursor, CancellationToken ct)
    {
        var sent = false;
        while (true)
        {
            var (alertPos, logPos) = cursor[store];
            var raw = await _db.StreamRangeAsync(_keys.Stream(store), "(" + alertPos, "+", Page);
            if (raw.Length == 0) return sent;
            var events = await ToEventsAsync(store, raw);
            var byId = events.ToDictionary(e => (string)e["entryId"]!);
            foreach (var r in raw)
            {
                cursor[store] = (r.Id.ToString(), logPos);
                if (byId.TryGetValue(r.Id.ToString(), out var ev)) await SendAsync(body, "alert", cursor, ev, ct);
            }
            // An entry that is not an alert still moves the cursor; make it visible to the client.
            if (byId.Count < raw.Length) await SendAsync(body, "position", cursor, [], ct);
            sent = true;
            if (raw.Length < Page) return sent;
        }
    }

    private async Task<bool> SendReviewChangesAsync(Stream body, string store, FeedCursor cursor, CancellationToken ct)
    {
        var sent = false;
        while (true)
        {
            var (alertPos, logPos) = cursor[store];
            var raw = await _db.StreamRangeAsync(_keys.Log(store), "(" + logPos, "+", Page);
            if (raw.Length == 0) return sent;
            var ids = raw.Select(r => (string?)r["alertId"]).OfType<string>().Distinct().ToList();
            var states = await _reviews.StatesAsync(store, ids);
            var escalated = await _escalator.EscalatedAtAsync(store, ids);
            foreach (var r in raw)
            {
                cursor[store] = (alertPos, r.Id.ToString());
                var alertId = (string?)r["alertId"];
                if (alertId is null) continue;
                var change = new JsonObject
                {
                    ["store"] = store,
                    ["alertId"] = alertId,
                    ["kind"] = (string?)r["kind"],
                    ["by"] = (string?)r["by"],
                    ["review"] = JsonSerializer.SerializeToNode(states[alertId], Silence.Json),
                };
                // An escalation arrives as a review change of kind "escalated"; every change carries the mark once set.
                if (escalated.TryGetValue(alertId, out var at)) change["escalatedAt"] = Escalation.Escalator.FormatTime(at);
                await SendAsync(body, "review", cursor, change, ct);
            }
            sent = true;
            if (raw.Length < Page) return sent;
        }
    }

    private async Task<string> LastIdAsync(RedisKey stream)
    {
        var last = await _db.StreamRangeAsync(stream, "-", "+", 1, Order.Descending);
        return last.Length == 0 ? "0-0" : last[0].Id.ToString();
    }

    private static Task SendAsync(Stream body, string name, FeedCursor cursor, JsonObject data, CancellationToken ct)
        => WriteAsync(body, $"id: {cursor}\nevent: {name}\ndata: {data.ToJsonString(Silence.Json)}\n\n", ct);

    private static async Task WriteAsync(Stream body, string text, CancellationToken ct)
        => await body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
}
