using System.Globalization;
using System.Text;
using System.Text.Json;
using Alerting.Core;
using Alerting.Core.Alerts;

namespace Alerting.Simulation;

/// <summary>
/// Expected alerts as JSON Lines, one object per line:
/// <c>{"alertId","rule","shopId","conversationId","agentId","messageIds":[…],"eventTime","dueAt","evidence":{…}}</c>
/// (<c>agentId</c> and <c>dueAt</c> are omitted when null; times as in CONTRACTS.md §2).
/// </summary>
public static class GroundTruthFile
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = AlertJsonEncoder.Instance };

    public static byte[] ToUtf8(ExpectedAlert a)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("alertId", a.AlertId);
            w.WriteString("rule", a.Rule);
            w.WriteString("shopId", a.ShopId);
            w.WriteString("conversationId", a.ConversationId);
            if (a.AgentId is not null) w.WriteString("agentId", a.AgentId);
            w.WriteStartArray("messageIds");
            foreach (var id in a.MessageIds) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteString("eventTime", AlertJson.FormatTime(a.EventTime));
            if (a.DueAt is { } due) w.WriteString("dueAt", AlertJson.FormatTime(due));
            w.WriteStartObject("evidence");
            foreach (var (k, v) in a.Evidence.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Writes one line per alert (UTF-8, <c>\n</c>); returns how many were written.</summary>
    public static int Write(Stream output, IEnumerable<ExpectedAlert> alerts)
    {
        var n = 0;
        foreach (var a in alerts)
        {
            output.Write(ToUtf8(a));
            output.WriteByte((byte)'\n');
            n++;
        }
        return n;
    }

    public static int Write(string path, IEnumerable<ExpectedAlert> alerts)
    {
        using var file = File.Create(path);
        return Write(file, alerts);
    }

    /// <summary>Reads a file written by <see cref="Write(string, IEnumerable{ExpectedAlert})"/>; blank lines are skipped.</summary>
    /// <exception cref="FormatException">A line is not an expected alert; the message names the line number and field.</exception>
    public static List<ExpectedAlert> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, path);
    }

    public static List<ExpectedAlert> Read(TextReader reader, string source = "<stream>")
    {
        var result = new List<ExpectedAlert>();
        var lineNo = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                result.Add(Parse(line));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                throw new FormatException($"{source}:{lineNo}: not an expected alert: {ex.Message}", ex);
            }
        }
        return result;
    }

    public static ExpectedAlert Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        string Required(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String
            ? p.GetString()!
            : throw new FormatException($"field '{name}' missing or not a string");
        DateTimeOffset Time(string value, string name) => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw new FormatException($"field '{name}' is not an ISO-8601 time: '{value}'");

        var ids = root.TryGetProperty("messageIds", out var arr) && arr.ValueKind == JsonValueKind.Array
            ? arr.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
            : throw new FormatException("field 'messageIds' missing or not an array");
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("evidence", out var ev) && ev.ValueKind == JsonValueKind.Object)
            foreach (var p in ev.EnumerateObject()) evidence[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        DateTimeOffset? dueAt = root.TryGetProperty("dueAt", out var d) && d.ValueKind == JsonValueKind.String ? Time(d.GetString()!, "dueAt") : null;
        string? agentId = root.TryGetProperty("agentId", out var ag) && ag.ValueKind == JsonValueKind.String ? ag.GetString() : null;
        return new ExpectedAlert(Required("alertId"), Required("rule"), Required("shopId"), Required("conversationId"), agentId, ids,
            Time(Required("eventTime"), "eventTime"), dueAt, evidence);
    }
}
