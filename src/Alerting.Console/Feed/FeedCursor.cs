using System.Text;
using Alerting.InspectorConsole.Review;
using Alerting.Redis;

namespace Alerting.InspectorConsole.Feed;

/// <summary>
/// Where a live feed stands in every store it shows: the last alert-stream id and the last review-log id
/// sent. It is the SSE event id, so a browser that reconnects (EventSource sends it as
/// <c>Last-Event-ID</c>) resumes exactly after the last event it received, in every store at once.
/// Text form: <c>v1;&lt;shop&gt;,&lt;alertId&gt;,&lt;logId&gt;;…</c> with shops percent-encoded like Redis keys.
/// </summary>
public sealed class FeedCursor
{
    private readonly SortedDictionary<string, (string Alerts, string Log)> _positions = new(StringComparer.Ordinal);

    public IEnumerable<string> Stores => _positions.Keys;

    public bool Has(string store) => _positions.ContainsKey(store);

    public (string Alerts, string Log) this[string store]
    {
        get => _positions[store];
        set => _positions[store] = value;
    }

    public override string ToString()
    {
        var sb = new StringBuilder("v1");
        foreach (var (store, (alerts, log)) in _positions) sb.Append(';').Append(RedisKeys.Encode(store)).Append(',').Append(alerts).Append(',').Append(log);
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="text"/> is a cursor in the form this console issues (every part valid, at most 16 KB).</summary>
    public static bool IsWellFormed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 16_384) return false;
        var parts = text.Split(';');
        if (parts[0] != "v1") return false;
        foreach (var p in parts.Skip(1))
        {
            var f = p.Split(',');
            if (f.Length != 3 || f[0].Length == 0 || !StreamIds.IsValid(f[1]) || !StreamIds.IsValid(f[2])) return false;
            try
            {
                _ = Uri.UnescapeDataString(f[0]);
            }
            catch (UriFormatException)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Parses a cursor; positions of malformed parts are left out (that store starts over with a catch-up).</summary>
    public static FeedCursor Parse(string? text)
    {
        var cursor = new FeedCursor();
        if (string.IsNullOrEmpty(text)) return cursor;
        var parts = text.Split(';');
        if (parts[0] != "v1") return cursor;
        foreach (var p in parts.Skip(1))
        {
            var f = p.Split(',');
            if (f.Length != 3 || !StreamIds.IsValid(f[1]) || !StreamIds.IsValid(f[2])) continue;
            string store;
            try
            {
                store = Uri.UnescapeDataString(f[0]);
            }
            catch (UriFormatException)
            {
                continue;
            }
            cursor._positions[store] = (f[1], f[2]);
        }
        return cursor;
    }
}
