using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alerting.Core.Alerts;
using Alerting.Core.Rules;

namespace Alerting.Notifications;

/// <summary>
/// Request bodies of the three receiver kinds. Webhook: a JSON array of alerts in the CONTRACTS.md §2
/// format. DingTalk and WeCom group robots: <c>msgtype: markdown</c> with a Chinese summary of the
/// group(s): rule, severity, store, agent, summary, count.
/// </summary>
public static class MessageFormats
{
    /// <summary>WeCom rejects markdown content over 4096 bytes (UTF-8).</summary>
    public const int WeComMaxContentBytes = 4096;

    /// <summary>DingTalk's limit on markdown text is 20000 bytes; stay well below it.</summary>
    public const int DingTalkMaxTextBytes = 18_000;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = Alerting.Core.AlertJsonEncoder.Instance };

    /// <summary>Webhook body: <c>[alert, alert, …]</c>, every alert of the message, each as published to Redis.</summary>
    public static byte[] WebhookBody(Notification n)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte((byte)'[');
        var first = true;
        foreach (var g in n.Groups)
            foreach (var a in g.Alerts)
            {
                if (!first) buffer.WriteByte((byte)',');
                first = false;
                buffer.Write(AlertJson.ToUtf8(a));
            }
        buffer.WriteByte((byte)']');
        return buffer.ToArray();
    }

    /// <summary>DingTalk robot body: <c>{"msgtype":"markdown","markdown":{"title":…,"text":…}}</c>.</summary>
    public static byte[] DingTalkBody(Notification n, int maxListed)
    {
        var (title, text) = Markdown(n, maxListed);
        return Json(w =>
        {
            w.WriteString("msgtype", "markdown");
            w.WriteStartObject("markdown");
            w.WriteString("title", title);
            w.WriteString("text", Truncate(text, DingTalkMaxTextBytes));
            w.WriteEndObject();
        });
    }

    /// <summary>WeCom robot body: <c>{"msgtype":"markdown","markdown":{"content":…}}</c>, content at most 4096 bytes.</summary>
    public static byte[] WeComBody(Notification n, int maxListed)
    {
        var (_, text) = Markdown(n, maxListed);
        return Json(w =>
        {
            w.WriteString("msgtype", "markdown");
            w.WriteStartObject("markdown");
            w.WriteString("content", Truncate(text, WeComMaxContentBytes));
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The DingTalk signed URL: <c>&amp;timestamp=&lt;ms&gt;&amp;sign=&lt;urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret)))&gt;</c>
    /// appended to the robot URL, as DingTalk's custom-robot security setting "加签" specifies.
    /// The timestamp must be within an hour of DingTalk's clock, so it is computed per attempt.
    /// </summary>
    public static string DingTalkSignedUrl(string url, string secret, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var sign = DingTalkSign(timestamp, secret);
        var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{url}{separator}timestamp={timestamp}&sign={Uri.EscapeDataString(sign)}";
    }

    /// <summary>base64(HMAC-SHA256(key: secret, data: timestamp + "\n" + secret)), before URL encoding.</summary>
    public static string DingTalkSign(string timestamp, string secret)
        => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));

    /// <summary>Title and markdown text of a message, in Chinese.</summary>
    public static (string Title, string Text) Markdown(Notification n, int maxListed)
    {
        var sb = new StringBuilder();
        var total = n.AlertCount;
        string title;
        if (n.Groups.Count == 1)
        {
            var g = n.Groups[0];
            var top = g.Alerts.Max(a => a.Severity);
            var rule = Label(g, "rule") ?? (g.Alerts.Select(a => a.Rule).Distinct().Count() == 1 ? g.Alerts[0].Rule : null);
            var shop = Label(g, "shopId") ?? (g.Alerts.Select(a => a.ShopId).Distinct().Count() == 1 ? g.Alerts[0].ShopId : null);
            title = $"客服告警【{SeverityText(top)}】{(rule is null ? "" : RuleText(rule))}{(shop is null ? "" : " · " + shop)}";
            sb.Append("### ").Append(title).Append("\n\n");
            foreach (var (field, value) in g.Labels)
                sb.Append("**").Append(FieldText(field)).Append("**：").Append(field switch
                {
                    "rule" => RuleText(value),
                    "severity" => Alert.TryParseSeverity(value, out var s) ? SeverityText(s) : value,
                    _ => value.Length == 0 ? "（无）" : Escape(value),
                }).Append("  \n");
            sb.Append("**最高级别**：").Append(SeverityText(top)).Append("  \n");
            sb.Append("**本组累计**：").Append(g.TotalInGroup).Append(" 条（本次新增 ").Append(g.Alerts.Count).Append(" 条）\n\n");
            AppendAlerts(sb, g.Alerts, maxListed);
        }
        else
        {
            title = $"客服告警汇总：{n.Groups.Count} 组共 {total} 条";
            sb.Append("### ").Append(title).Append("\n\n");
            sb.Append("告警较多，已合并为一条消息（频率上限）。\n\n");
            var listed = 0;
            foreach (var g in n.Groups.OrderByDescending(g => g.Alerts.Max(a => a.Severity)).ThenByDescending(g => g.Alerts.Count))
            {
                if (listed++ == maxListed)
                {
                    sb.Append("- 另有 ").Append(n.Groups.Count - maxListed).Append(" 组未列出\n");
                    break;
                }
                sb.Append("- ").Append(string.Join(" · ", g.Labels.Select(l => l.Key == "rule" ? RuleText(l.Value) : Escape(l.Value))))
                  .Append("：【").Append(SeverityText(g.Alerts.Max(a => a.Severity))).Append("】新增 ").Append(g.Alerts.Count)
                  .Append(" 条（累计 ").Append(g.TotalInGroup).Append(" 条），例：").Append(Escape(OneLine(g.Alerts[0].Summary))).Append('\n');
            }
            sb.Append('\n');
        }
        sb.Append("> 详情与处理请到告警台查看");
        return (title, sb.ToString());
    }

    private static void AppendAlerts(StringBuilder sb, IReadOnlyList<Alert> alerts, int maxListed)
    {
        var shown = alerts.OrderByDescending(a => a.Severity).ThenBy(a => a.EventTime).Take(maxListed).ToList();
        foreach (var a in shown)
        {
            sb.Append("- ");
            if (a.Status == AlertStatus.Resolved) sb.Append("【已恢复】");
            sb.Append('【').Append(SeverityText(a.Severity)).Append('】')
              .Append(a.EventTime.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(' ')
              .Append(RuleText(a.Rule)).Append(" · 店铺 ").Append(Escape(a.ShopId))
              .Append(" · 客服 ").Append(a.AgentId is { Length: > 0 } agent ? Escape(agent) : "（无）")
              .Append(" · 会话 ").Append(Escape(a.ConversationId))
              .Append('：').Append(Escape(OneLine(a.Summary))).Append('\n');
            if (Advice(a) is { } advice) sb.Append("  - 处理建议：").Append(advice).Append('\n');
        }
        if (alerts.Count > shown.Count)
            sb.Append("- 另有 ").Append(alerts.Count - shown.Count).Append(" 条未列出\n");
        sb.Append('\n');
    }

    /// <summary>
    /// What a lead should do about <paramref name="a"/>, in Chinese, for the rules added beside the first four (their
    /// catalog label says what happened, this says what to do); null for the others and for resolutions that need nothing.
    /// Reads only fields the rule puts in its evidence (never the text the alert is about).
    /// </summary>
    public static string? Advice(Alert a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var e = a.Evidence;
        if (a.Status == AlertStatus.Resolved)
            return a.Rule == "response_warning" && Text(e, "reason") == "superseded" ? "已升级为回复超时告警，请按超时流程跟进" : null;
        return a.Rule switch
        {
            "buyer_complaint_risk" when a.Severity == Severity.Critical => "买家明确表示要投诉或给差评，请主管立即介入安抚、优先解决问题",
            "buyer_complaint_risk" when a.Severity == Severity.High => "买家情绪激动且长时间无人工回复，请立即安排人工接待",
            "buyer_complaint_risk" => "买家情绪负面，请尽快人工跟进，避免升级为投诉",
            "off_platform_contact" => "客服引导买家站外联系或站外交易，违反平台规则、店铺会被处罚，请立即核实并制止",
            "personal_data_exposure" => "客服消息中含买家完整个人信息（告警中已脱敏），请撤回该消息并提醒客服",
            "forbidden_review_invitation" when e?["paid"]?.GetValueKind() == System.Text.Json.JsonValueKind.True => "好评返现等有偿邀评为平台明令禁止，请立即纠正并撤回",
            "forbidden_review_invitation" => "买家问题未解决或有投诉风险时不应邀评，请提醒客服先解决问题",
            "repeated_reply" => "客服机械重复同一回复，请提醒其针对买家问题作答",
            "response_warning" => string.Create(CultureInfo.InvariantCulture,
                $"买家即将超时未获回复（{Number(e, "thresholdSeconds")}秒超时），请空闲客服或主管立即接待"),
            "agent_response_rate_low" => "客服近期响应指标低于目标，请关注其接待量与排班",
            _ => null,
        };
    }

    private static string? Text(System.Text.Json.Nodes.JsonObject? e, string field)
        => e?[field] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Number(System.Text.Json.Nodes.JsonObject? e, string field)
        => e?[field] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString("0.#", CultureInfo.InvariantCulture) : "?";

    /// <summary>Chinese label of a rule from <see cref="RuleCatalog"/>; unknown rules show their snake_case name.</summary>
    public static string RuleText(string rule) => RuleCatalog.ChineseLabel(rule);

    public static string SeverityText(Severity s) => s switch
    {
        Severity.Info => "提示",
        Severity.Low => "低",
        Severity.Medium => "中",
        Severity.High => "高",
        _ => "严重",
    };

    private static string FieldText(string field) => field switch
    {
        "shopId" => "店铺",
        "rule" => "规则",
        "severity" => "级别",
        "agentId" => "客服",
        "conversationId" => "会话",
        _ => field,
    };

    private static string? Label(GroupSlice g, string field)
        => g.Labels.FirstOrDefault(l => l.Key == field).Value;

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    /// <summary>Markdown emphasis characters in free text would garble the message.</summary>
    private static string Escape(string s) => s.Replace("*", "＊", StringComparison.Ordinal).Replace("#", "＃", StringComparison.Ordinal)
        .Replace("[", "［", StringComparison.Ordinal).Replace("]", "］", StringComparison.Ordinal);

    /// <summary>Cuts at a character boundary so the UTF-8 length stays within <paramref name="maxBytes"/>.</summary>
    private static string Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
        const string tail = "\n…（内容过长已截断）";
        var budget = maxBytes - Encoding.UTF8.GetByteCount(tail);
        var sb = new StringBuilder();
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            used += rune.Utf8SequenceLength;
            if (used > budget) break;
            sb.Append(rune.ToString());
        }
        return sb.Append(tail).ToString();
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
