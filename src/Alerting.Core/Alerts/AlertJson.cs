using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alerting.Core.Alerts;

/// <summary>
/// Serializes alerts in the exact shape of CONTRACTS.md §2 and reads them back. Every alert event is
/// bounded whatever the input: the summary to <see cref="MaxSummaryChars"/>, <c>messageIds</c> to
/// <see cref="MaxMessageIds"/>, and in the evidence every string to <see cref="MaxEvidenceString"/>
/// characters, every list to <see cref="MaxEvidenceItems"/> items and every object to
/// <see cref="MaxEvidenceItems"/> fields (nesting beyond <see cref="MaxEvidenceDepth"/> is dropped);
/// when anything was cut the event carries <c>"evidenceTruncated": true</c> (an optional field). An
/// event that would still exceed <see cref="MaxEventBytes"/> keeps its evidence as
/// <c>{"truncated": true}</c> only.
/// </summary>
public static class AlertJson
{
    /// <summary>Largest alert event, in UTF-8 bytes.</summary>
    public const int MaxEventBytes = 16 * 1024;
    public const int MaxSummaryChars = 500;
    public const int MaxMessageIds = 100;
    public const int MaxEvidenceString = 300;
    public const int MaxEvidenceItems = 20;
    public const int MaxEvidenceDepth = 5;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = AlertJsonEncoder.Instance };

    public static string FormatTime(DateTimeOffset t)
        => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    public static byte[] ToUtf8(Alert a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var bytes = Write(a, evidence: true);
        return bytes.Length <= MaxEventBytes ? bytes : Write(a, evidence: false);
    }

    private static byte[] Write(Alert a, bool evidence)
    {
        using var buffer = new MemoryStream(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("alertId", a.AlertId);
            w.WriteString("rule", a.Rule);
            w.WriteString("severity", Alert.SeverityName(a.Severity));
            w.WriteString("shopId", a.ShopId);
            w.WriteString("conversationId", a.ConversationId);
            if (a.AgentId is null) w.WriteNull("agentId"); else w.WriteString("agentId", a.AgentId);
            w.WriteStartArray("messageIds");
            var ids = 0;
            var maxIds = evidence ? MaxMessageIds : 10;
            foreach (var id in a.MessageIds)
            {
                if (++ids > maxIds) break;
                w.WriteStringValue(id);
            }
            w.WriteEndArray();
            w.WriteString("eventTime", FormatTime(a.EventTime));
            w.WriteString("detectedAt", FormatTime(a.DetectedAt));
            w.WriteString("summary", Cut(a.Summary, evidence ? MaxSummaryChars : 100));
            w.WritePropertyName("evidence");
            var truncated = ids > maxIds || a.Summary.Length > MaxSummaryChars;
            if (evidence)
            {
                truncated |= WriteBounded(w, a.Evidence, 0);
            }
            else
            {
                w.WriteStartObject();
                w.WriteBoolean("truncated", true);
                w.WriteEndObject();
                truncated = true;
            }
            if (truncated) w.WriteBoolean("evidenceTruncated", true);
            w.WriteString("status", Alert.StatusName(a.Status));
            w.WriteNumber("revision", a.Revision);
            if (a.ConfigVersion is not null) w.WriteString("configVersion", a.ConfigVersion);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Writes <paramref name="node"/> within the evidence bounds; true when something was cut.</summary>
    private static bool WriteBounded(Utf8JsonWriter w, JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                w.WriteNullValue();
                return false;
            case JsonObject obj:
            {
                var cut = obj.Count > MaxEvidenceItems;
                w.WriteStartObject();
                var n = 0;
                foreach (var (name, value) in obj)
                {
                    if (++n > MaxEvidenceItems) break;
                    if (depth >= MaxEvidenceDepth && value is JsonObject or JsonArray) { cut = true; continue; }
                    w.WritePropertyName(Cut(name, MaxEvidenceString));
                    cut |= WriteBounded(w, value, depth + 1);
                }
                w.WriteEndObject();
                return cut;
            }
            case JsonArray array:
            {
                var cut = array.Count > MaxEvidenceItems;
                w.WriteStartArray();
                for (var i = 0; i < array.Count && i < MaxEvidenceItems; i++)
                {
                    if (depth >= MaxEvidenceDepth && array[i] is JsonObject or JsonArray) { cut = true; continue; }
                    cut |= WriteBounded(w, array[i], depth + 1);
                }
                w.WriteEndArray();
                return cut;
            }
            default:
                if (node.GetValueKind() == JsonValueKind.String && node.GetValue<string>() is { Length: > MaxEvidenceString } text)
                {
                    w.WriteStringValue(Cut(text, MaxEvidenceString));
                    return true;
                }
                node.WriteTo(w);
                return false;
        }
    }

    /// <summary>The first <paramref name="max"/> characters (never splitting a surrogate pair), with "…" when cut.</summary>
    private static string Cut(string text, int max)
    {
        if (text.Length <= max) return text;
        var end = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return string.Concat(text.AsSpan(0, end), "…");
    }

    public static string ToJson(Alert a) => System.Text.Encoding.UTF8.GetString(ToUtf8(a));

    /// <summary>Reads an alert written by <see cref="ToUtf8"/> (or by another release: unknown fields are ignored).</summary>
    public static Alert Parse(string json)
    {
        var node = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("alert JSON is not an object");
        if (!Alert.TryParseSeverity((string?)node["severity"], out var severity))
            throw new FormatException($"alert has unknown severity '{(string?)node["severity"]}'");
        return new Alert
        {
            AlertId = (string?)node["alertId"] ?? throw new FormatException("alert without alertId"),
            Rule = (string?)node["rule"] ?? "",
            Severity = severity,
            ShopId = (string?)node["shopId"] ?? "",
            ConversationId = (string?)node["conversationId"] ?? "",
            AgentId = (string?)node["agentId"],
            MessageIds = node["messageIds"]?.AsArray().Select(n => (string?)n ?? "").ToArray() ?? [],
            EventTime = DateTimeOffset.Parse((string?)node["eventTime"] ?? "", CultureInfo.InvariantCulture),
            DetectedAt = DateTimeOffset.Parse((string?)node["detectedAt"] ?? "", CultureInfo.InvariantCulture),
            Summary = (string?)node["summary"] ?? "",
            Evidence = node["evidence"]?.DeepClone().AsObject() ?? new JsonObject(),
            Status = (string?)node["status"] == "resolved" ? AlertStatus.Resolved : AlertStatus.Firing,
            Revision = (int?)node["revision"] ?? 0,
            ConfigVersion = (string?)node["configVersion"],
        };
    }
}
