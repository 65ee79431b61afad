using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alerting.Core.Alerts;

/// <summary>Serializes alerts in the exact shape of CONTRACTS.md §2 and reads them back.</summary>
public static class AlertJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = AlertJsonEncoder.Instance };

    public static string FormatTime(DateTimeOffset t)
        => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    public static byte[] ToUtf8(Alert a)
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
            foreach (var id in a.MessageIds) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteString("eventTime", FormatTime(a.EventTime));
            w.WriteString("detectedAt", FormatTime(a.DetectedAt));
            w.WriteString("summary", a.Summary);
            w.WritePropertyName("evidence");
            a.Evidence.WriteTo(w);
            w.WriteString("status", Alert.StatusName(a.Status));
            w.WriteNumber("revision", a.Revision);
            if (a.ConfigVersion is not null) w.WriteString("configVersion", a.ConfigVersion);
            w.WriteEndObject();
        }
        return buffer.ToArray();
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
