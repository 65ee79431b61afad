using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;

namespace Alerting.Core.Rules.BatchWrongPromoAnswer;

/// <summary>
/// What a batch groups on: one store, one wrong statement (<c>evidence.promotion</c> + canonical
/// <c>evidence.stated</c> of <c>wrong_promo_answer</c>) and one fixed window of chat time.
/// </summary>
/// <param name="WindowStart">Start of the fixed window, in UTC (only the instant matters).</param>
public sealed record WrongAnswerGroup(string ShopId, string PromotionId, string Stated, DateTimeOffset WindowStart, int WindowMinutes)
{
    /// <summary>The grouping key hashed into the alert id: <c>&lt;promotionId&gt;|&lt;stated&gt;</c>.</summary>
    public string GroupingKey => PromotionId + "|" + Stated;

    /// <summary><c>AlertIds.ForGroup("batch_wrong_promo_answer", shopId, "&lt;promotionId&gt;|&lt;stated&gt;", windowStart)</c>.</summary>
    public string AlertId => AlertIds.ForGroup(WrongAnswerBatch.RuleName, ShopId, GroupingKey, WindowStart);
}

/// <summary>One member of a batch: one agent message that made the wrong statement.</summary>
/// <param name="SentAt">The message's sentAt, truncated to milliseconds (the precision alerts carry).</param>
/// <param name="StatedText">The statement as written in this message (e.g. 满两百减五十).</param>
/// <param name="ConfigVersion">Rules version that judged the message (may be null).</param>
public sealed record WrongAnswerOccurrence(string MessageId, string AgentId, string ConversationId, DateTimeOffset SentAt,
    string StatedText, string Expected, string Kind, string? ConfigVersion)
{
    /// <summary>
    /// Compact JSON of everything but the message id (which is the key it is stored under), e.g.
    /// <c>{"a":"agent-07","c":"c-42","t":"2026-11-11T00:00:05.000+08:00","s":"满200减50","e":"满300减50","k":"threshold_discount","v":"3f2a…"}</c>.
    /// Stored in Redis, so the format is frozen; readers ignore unknown fields.
    /// </summary>
    public string Encode()
    {
        using var buffer = new MemoryStream(160);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = AlertJsonEncoder.Instance }))
        {
            w.WriteStartObject();
            w.WriteString("a", AgentId);
            w.WriteString("c", ConversationId);
            w.WriteString("t", AlertJson.FormatTime(SentAt));
            w.WriteString("s", StatedText);
            w.WriteString("e", Expected);
            w.WriteString("k", Kind);
            if (ConfigVersion is not null) w.WriteString("v", ConfigVersion);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads what <see cref="Encode"/> wrote.</summary>
    public static WrongAnswerOccurrence Decode(string messageId, string json)
    {
        var o = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException($"batch member {messageId}: not a JSON object");
        return new WrongAnswerOccurrence(
            messageId,
            (string?)o["a"] ?? "",
            (string?)o["c"] ?? "",
            DateTimeOffset.Parse((string?)o["t"] ?? throw new FormatException($"batch member {messageId}: no time"), CultureInfo.InvariantCulture),
            (string?)o["s"] ?? "",
            (string?)o["e"] ?? "",
            (string?)o["k"] ?? "",
            (string?)o["v"]);
    }
}

/// <summary>A wrong answer seen in a <c>wrong_promo_answer</c> alert, with the batch it belongs to.</summary>
public readonly record struct ObservedWrongAnswer(WrongAnswerGroup Group, WrongAnswerOccurrence Occurrence);

/// <summary>
/// The pure logic of <c>batch_wrong_promo_answer</c>: which batch a wrong answer belongs to, whether a
/// member set is a batch, and the alert events for it. Every output is a function of the member
/// <em>set</em> (members are sorted by sentAt, then message id), never of arrival order, so any number
/// of workers feeding one shared member set (the Redis tracker) or one process (replay) agree.
/// Stateless and thread-safe.
/// </summary>
public static class WrongAnswerBatch
{
    public const string RuleName = "batch_wrong_promo_answer";

    /// <summary>Agents named in the summary; all of them are in <c>evidence.agents</c>.</summary>
    private const int SummaryAgents = 5;

    /// <summary>The rule whose alerts feed batches.</summary>
    public const string SourceRule = "wrong_promo_answer";

    /// <summary>Orders members by sentAt (instant), then message id (ordinal).</summary>
    public static readonly IComparer<WrongAnswerOccurrence> Order = Comparer<WrongAnswerOccurrence>.Create((x, y) =>
    {
        var c = x.SentAt.UtcTicks.CompareTo(y.SentAt.UtcTicks);
        return c != 0 ? c : string.CompareOrdinal(x.MessageId, y.MessageId);
    });

    /// <summary>Start of the fixed window <paramref name="t"/> falls in: the instant floored to the window length since the Unix epoch, in UTC.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset t, TimeSpan window)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var floored = ticks - (((ticks % window.Ticks) + window.Ticks) % window.Ticks);
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + floored, TimeSpan.Zero);
    }

    /// <summary>
    /// The wrong answers in one alert: nothing unless it is a firing <c>wrong_promo_answer</c>; one per
    /// distinct (promotion, stated) among its findings (<c>evidence.findings</c> when present, else the
    /// top-level evidence). Findings without a promotion or a stated term are skipped.
    /// </summary>
    public static IEnumerable<ObservedWrongAnswer> WrongAnswersIn(Alert alert, BatchWrongPromoAnswerOptions options)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(options);
        if (alert.Rule != SourceRule || alert.Status != AlertStatus.Firing || alert.MessageIds.Count == 0) yield break;
        var sentAt = new DateTimeOffset(alert.EventTime.Ticks - (alert.EventTime.Ticks % TimeSpan.TicksPerMillisecond), alert.EventTime.Offset);
        var windowStart = WindowStart(sentAt, options.Window);
        var findings = alert.Evidence["findings"] is JsonArray all
            ? all.OfType<JsonObject>().ToList()
            : [alert.Evidence];
        var seen = new HashSet<(string, string)>();
        foreach (var f in findings)
        {
            if ((string?)f["promotion"] is not { Length: > 0 } promotion || (string?)f["stated"] is not { Length: > 0 } stated) continue;
            if (!seen.Add((promotion, stated))) continue;
            yield return new ObservedWrongAnswer(
                new WrongAnswerGroup(alert.ShopId, promotion, stated, windowStart, options.WindowMinutes),
                new WrongAnswerOccurrence(alert.MessageIds[0], alert.AgentId ?? "", alert.ConversationId, sentAt,
                    (string?)f["statedText"] ?? stated, (string?)f["expected"] ?? "", (string?)f["kind"] ?? "", alert.ConfigVersion));
        }
    }

    /// <summary>True when the members come from enough distinct agents or enough distinct conversations.</summary>
    public static bool IsBatch(IEnumerable<WrongAnswerOccurrence> members, BatchWrongPromoAnswerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var agents = new HashSet<string>(StringComparer.Ordinal);
        var conversations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in members)
        {
            agents.Add(m.AgentId);
            conversations.Add(m.ConversationId);
            if (Reached(agents.Count, conversations.Count, options)) return true;
        }
        return false;
    }

    private static bool Reached(int agents, int conversations, BatchWrongPromoAnswerOptions o)
        => (o.MinAgents > 0 && agents >= o.MinAgents) || (o.MinConversations > 0 && conversations >= o.MinConversations);

    /// <summary>
    /// The alert events for a group's current member set; empty when it is not a batch.
    /// <list type="bullet">
    /// <item>current: the whole set, <c>revision = max(0, members − revisionBase)</c> — strictly growing
    /// with the set and the same whatever order members arrived in, so every worker computes the same
    /// final alert;</item>
    /// <item>opening (only when that revision is above 0): revision 0, built from the shortest prefix of
    /// the sorted set that is a batch, so every alert id has a revision-0 event (dashboards count new
    /// alerts at revision 0). The dedupe of (alertId, status, revision) keeps only the first one written.</item>
    /// </list>
    /// Order in the result: opening, then current.
    /// </summary>
    /// <param name="revisionBase">The base stored with the group when it was created (normally <see cref="BatchWrongPromoAnswerOptions.RevisionBase"/>).</param>
    /// <param name="detectedAt">Wall clock, for <c>detectedAt</c>.</param>
    public static IReadOnlyList<Alert> AlertsFor(WrongAnswerGroup group, IEnumerable<WrongAnswerOccurrence> members, int revisionBase,
        BatchWrongPromoAnswerOptions options, DateTimeOffset detectedAt)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(options);
        var sorted = members.DistinctBy(m => m.MessageId, StringComparer.Ordinal).ToList();
        sorted.Sort(Order);

        var agents = new HashSet<string>(StringComparer.Ordinal);
        var conversations = new HashSet<string>(StringComparer.Ordinal);
        var prefix = -1;
        for (var i = 0; i < sorted.Count; i++)
        {
            agents.Add(sorted[i].AgentId);
            conversations.Add(sorted[i].ConversationId);
            if (Reached(agents.Count, conversations.Count, options)) { prefix = i + 1; break; }
        }
        if (prefix < 0) return [];

        var revision = Math.Max(0, sorted.Count - revisionBase);
        var current = Build(group, sorted, revision, options, detectedAt);
        if (revision == 0) return [current];
        return [Build(group, sorted.GetRange(0, prefix), 0, options, detectedAt), current];
    }

    /// <summary>The alert for a sorted member set at a given revision.</summary>
    private static Alert Build(WrongAnswerGroup group, List<WrongAnswerOccurrence> sorted, int revision, BatchWrongPromoAnswerOptions options, DateTimeOffset detectedAt)
    {
        var first = sorted[0];
        var last = sorted[^1];
        var offset = first.SentAt.Offset;
        var agents = sorted.Select(m => m.AgentId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var conversationCount = sorted.Select(m => m.ConversationId).Distinct(StringComparer.Ordinal).Count();
        var reached = new JsonArray();
        if (options.MinAgents > 0 && agents.Count >= options.MinAgents) reached.Add("agents");
        if (options.MinConversations > 0 && conversationCount >= options.MinConversations) reached.Add("conversations");
        // Validated at load; an unparsable value (unvalidated options in a test) falls back to critical.
        var severity = Alert.TryParseSeverity(options.Severity, out var parsed) ? parsed : Severity.Critical;

        var evidence = new JsonObject
        {
            ["promotion"] = group.PromotionId,
            ["kind"] = first.Kind,
            ["expected"] = first.Expected,
            ["stated"] = group.Stated,
            ["statedText"] = first.StatedText,
            ["windowStart"] = AlertJson.FormatTime(group.WindowStart.ToOffset(offset)),
            ["windowMinutes"] = group.WindowMinutes,
            ["firstSeen"] = AlertJson.FormatTime(first.SentAt),
            ["lastSeen"] = AlertJson.FormatTime(last.SentAt),
            ["messageCount"] = sorted.Count,
            ["agentCount"] = agents.Count,
            ["conversationCount"] = conversationCount,
            ["agents"] = new JsonArray(agents.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["minAgents"] = options.MinAgents,
            ["minConversations"] = options.MinConversations,
            ["reached"] = reached,
        };
        var named = string.Join("、", agents.Take(SummaryAgents)) + (agents.Count > SummaryAgents ? "等" : "");
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"批量营销解答错误：同一错误话术「{first.StatedText}」（活动{group.PromotionId}为{first.Expected}）{group.WindowMinutes}分钟内由{agents.Count}位客服（{named}）在{conversationCount}个会话中发送，共{sorted.Count}条，首次出现于{first.SentAt:HH:mm:ss}");
        return new Alert
        {
            AlertId = group.AlertId,
            Rule = RuleName,
            Severity = severity,
            ShopId = group.ShopId,
            // The batch spans conversations; the contract field names the earliest one (by sentAt, then
            // message id) so the alert links somewhere an inspector can start. It can change between
            // revisions when an earlier member arrives late.
            ConversationId = first.ConversationId,
            // Many agents: the list is in evidence.agents; no single agent is charged on the dashboards.
            AgentId = null,
            MessageIds = sorted.Take(options.MaxListedMessages).Select(m => m.MessageId).ToArray(),
            // The batch as of its newest member, so a revision's eventTime moves forward with the batch.
            EventTime = last.SentAt,
            DetectedAt = detectedAt,
            Summary = summary,
            Evidence = evidence,
            Revision = revision,
            ConfigVersion = last.ConfigVersion,
        };
    }
}
