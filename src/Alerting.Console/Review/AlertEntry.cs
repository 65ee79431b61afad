using System.Globalization;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Review;

/// <summary>One entry of a store's alert stream: the stream id and the alert JSON of CONTRACTS.md §2.</summary>
public sealed record AlertEntry(string Store, string EntryId, JsonObject Alert)
{
    public string AlertId => (string?)Alert["alertId"] ?? "";
    public string Rule => (string?)Alert["rule"] ?? "";
    public string Severity => (string?)Alert["severity"] ?? "info";
    public string Status => (string?)Alert["status"] ?? "firing";
    public string? AgentId => (string?)Alert["agentId"];
    public int Revision => Alert["revision"] is JsonValue v && v.TryGetValue<int>(out var r) ? r : 0;
    public JsonObject Evidence => Alert["evidence"] as JsonObject ?? [];

    /// <summary>When Redis appended the entry (the millisecond part of the stream id).</summary>
    public DateTimeOffset AppendedAt => DateTimeOffset.FromUnixTimeMilliseconds(StreamIds.Millis(EntryId));

    /// <summary>The terms the evidence names: rude-language and forbidden-claim matches (<c>evidence.matches[].term</c>).</summary>
    public IReadOnlyList<string> Terms
        => Evidence["matches"] is JsonArray a ? a.Select(m => (string?)m?["term"]).OfType<string>().Distinct().ToList() : [];

    /// <summary>The promotions the evidence names (<c>evidence.promotion</c> and <c>evidence.findings[].promotion</c>).</summary>
    public IReadOnlyList<string> Promotions
    {
        get
        {
            var list = new List<string>();
            if ((string?)Evidence["promotion"] is { } p) list.Add(p);
            if (Evidence["findings"] is JsonArray f) list.AddRange(f.Select(x => (string?)x?["promotion"]).OfType<string>());
            return list.Distinct().ToList();
        }
    }

    /// <summary>Parses a stream entry; null when it carries no readable alert (never written by the worker).</summary>
    public static AlertEntry? From(string store, StreamEntry entry)
    {
        var json = entry["alert"];
        if (json.IsNullOrEmpty) return null;
        try
        {
            return JsonNode.Parse(json.ToString()) is JsonObject o && o["alertId"] is not null ? new AlertEntry(store, entry.Id.ToString(), o) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>Stream id helpers (<c>&lt;ms&gt;-&lt;seq&gt;</c>).</summary>
public static class StreamIds
{
    public static long Millis(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(dash < 0 ? id : id[..dash], CultureInfo.InvariantCulture);
    }

    /// <summary>The smallest id at or after <paramref name="t"/>.</summary>
    public static string AtOrAfter(DateTimeOffset t) => t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "-0";

    /// <summary>Whether <paramref name="id"/> is a syntactically valid stream id.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id)) return false;
        var parts = id.Split('-');
        return parts.Length == 2 && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}
