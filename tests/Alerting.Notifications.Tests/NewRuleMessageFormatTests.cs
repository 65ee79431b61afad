using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Notifications;
using Microsoft.Extensions.Configuration;

namespace Alerting.Notifications.Tests;

/// <summary>
/// Notification text of the newer rules: the group robots' markdown says what to do about each (beyond the catalog
/// label), built from alerts the real rules raise; the webhook body stays the contracts' alert JSON.
/// </summary>
public sealed class NewRuleMessageFormatTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    private static List<Alert> Raise(params (string Id, SenderKind Sender, double At, string Text)[] records)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([
            KeyValuePair.Create("Rules:ResponseWarning:Enabled", (string?)"true"),
        ]).Build();
        var pipeline = new PartitionPipeline(new FixedRulesSource(RulesSnapshotBuilder.Build(config).Snapshot!), TimeProvider.System);
        var alerts = new List<Alert>();
        foreach (var (id, sender, at, text) in records)
            pipeline.Process(new ChatMessage
            {
                MessageId = id, ConversationId = "c1", ShopId = "shop-a", Sender = sender, SenderId = sender == SenderKind.Buyer ? "b-1" : "agent-7",
                AgentId = "agent-7", Text = text, SentAt = T0.AddSeconds(at), Event = ChatEventKind.Message,
            }, alerts);
        pipeline.AdvanceWatermark(T0.AddSeconds(records.Max(r => r.At) + 30), alerts);
        return alerts;
    }

    private static string Markdown(Alert a)
        => MessageFormats.Markdown(new Notification("leads", [new GroupSlice([KeyValuePair.Create("shopId", a.ShopId), KeyValuePair.Create("rule", a.Rule)], [a], 1)]), 10).Text;

    public static TheoryData<string, string, string> Cases => new()
    {
        // (rule, the record that raises it, words the advice must carry)
        { "buyer_complaint_risk", "再不处理我就打12315投诉你们！！", "主管立即介入" },
        { "off_platform_contact", "亲，加我微信kefu1234，下次直接找我买更便宜", "站外" },
        { "personal_data_exposure", "亲，您预留的手机号是13812345678吗？我这边帮您备注一下", "已脱敏" },
        { "forbidden_review_invitation", "亲，好评返现5元，截图找我领哦", "有偿邀评" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RobotMarkdown_SaysWhatToDo_ForEachNewRule(string rule, string text, string advice)
    {
        var sender = rule == "buyer_complaint_risk" ? SenderKind.Buyer : SenderKind.Agent;
        var alert = Raise(("m0", SenderKind.Buyer, 0, "在吗？"), ("m1", sender, 5, text)).First(a => a.Rule == rule);
        var md = Markdown(alert);
        Assert.Contains(MessageFormats.RuleText(rule), md, StringComparison.Ordinal);
        Assert.Contains("处理建议：", md, StringComparison.Ordinal);
        Assert.Contains(advice, md, StringComparison.Ordinal);
        Assert.Contains(advice, MessageFormats.Advice(alert)!, StringComparison.Ordinal);
        // The webhook keeps the contracts' alert JSON: no advice added to it.
        var body = JsonNode.Parse(MessageFormats.WebhookBody(new Notification("hook", [new GroupSlice([], [alert], 1)])))!.AsArray();
        Assert.Equal(alert.AlertId, (string)body.Single()!["alertId"]!);
        Assert.DoesNotContain("处理建议", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PersonalData_MarkdownNeverShowsTheFullNumber()
    {
        var alert = Raise(("m0", SenderKind.Buyer, 0, "在吗？"), ("m1", SenderKind.Agent, 5, "亲，您预留的手机号是13812345678吗？我这边帮您备注一下"))
            .Single(a => a.Rule == "personal_data_exposure");
        Assert.DoesNotContain("13812345678", Markdown(alert), StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedReply_AndComplaintEmotion_HaveTheirOwnAdvice()
    {
        var repeated = Raise(("m1", SenderKind.Agent, 0, "亲，这边正在为您核实，请耐心等待一下哦～"), ("m2", SenderKind.Agent, 2, "亲，这边正在为您核实，请耐心等待一下哦～"),
            ("m3", SenderKind.Agent, 4, "亲，这边正在为您核实，请耐心等待一下哦～")).Single(a => a.Rule == "repeated_reply");
        Assert.Contains("机械重复", MessageFormats.Advice(repeated)!, StringComparison.Ordinal);
        var emotion = Raise(("m1", SenderKind.Buyer, 0, "什么态度！！！")).First(a => a.Rule == "buyer_complaint_risk");
        Assert.Equal(Severity.Medium, emotion.Severity);
        Assert.Contains("情绪负面", MessageFormats.Advice(emotion)!, StringComparison.Ordinal);
        var paid = MessageFormats.Advice(Raise(("m1", SenderKind.Agent, 0, "亲，好评返现5元，截图找我领哦")).Single(a => a.Rule == "forbidden_review_invitation"))!;
        var unpaid = new Alert
        {
            AlertId = "x", Rule = "forbidden_review_invitation", Severity = Severity.Medium, ShopId = "s", ConversationId = "c", MessageIds = ["m"],
            EventTime = T0, Summary = "违规邀评", Evidence = new JsonObject { ["paid"] = false },
        };
        Assert.NotEqual(paid, MessageFormats.Advice(unpaid));
    }

    [Fact]
    public void ResponseWarning_FiringNamesTheThreshold_SupersededPointsToTheTimeout_AnsweredNeedsNothing()
    {
        var late = Raise(("m1", SenderKind.Buyer, 0, "在吗？"), ("m2", SenderKind.Agent, 45, "在的亲")).Where(a => a.Rule == "response_warning").ToList();
        var firing = late.Single(a => a.Status == AlertStatus.Firing);
        var md = Markdown(firing);
        Assert.Contains("即将超时预警", md, StringComparison.Ordinal);
        Assert.Contains("30秒超时", md, StringComparison.Ordinal);
        Assert.Contains("回复超时", MessageFormats.Advice(late.Single(a => a.Status == AlertStatus.Resolved))!, StringComparison.Ordinal);
        Assert.Contains("【已恢复】", Markdown(late.Single(a => a.Status == AlertStatus.Resolved)), StringComparison.Ordinal);
        var answered = Raise(("m1", SenderKind.Buyer, 0, "在吗？"), ("m2", SenderKind.Agent, 25, "在的亲")).Single(a => a.Rule == "response_warning" && a.Status == AlertStatus.Resolved);
        Assert.Null(MessageFormats.Advice(answered));
    }

    [Fact]
    public void OlderRules_KeepTheirMessagesUnchanged()
    {
        var rude = new Alert
        {
            AlertId = "x", Rule = "rude_language", Severity = Severity.Medium, ShopId = "s", ConversationId = "c", MessageIds = ["m"], EventTime = T0, Summary = "不文明用语",
            Evidence = new JsonObject(),
        };
        Assert.Null(MessageFormats.Advice(rude));
        Assert.DoesNotContain("处理建议", Markdown(rude), StringComparison.Ordinal);
    }
}
