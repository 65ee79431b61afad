using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;

namespace Alerting.Core.Rules.UnansweredBuyer;

/// <summary>
/// <c>unanswered_buyer</c>: a buyer left without a human answer for the threshold, or at close.
/// Fires once per waiting period; a later human answer publishes the same alertId as <c>resolved</c>.
/// Deadlines run on the partition's event-time watermark (see README.md in this folder).
/// </summary>
public sealed class UnansweredBuyerRule : IChatRule
{
    public const string RuleName = "unanswered_buyer";

    private readonly Severity _severity;

    public UnansweredBuyerRule(UnansweredBuyerOptions options)
    {
        Options = options;
        _severity = Alert.TryParseSeverity(options.Severity, out var s) ? s : Severity.High;
        Threshold = TimeSpan.FromSeconds(options.ThresholdSeconds);
    }

    public UnansweredBuyerOptions Options { get; }

    /// <summary>How long after the first waiting message the deadline falls.</summary>
    public TimeSpan Threshold { get; }

    public string Name => RuleName;

    public static string AlertIdFor(string conversationId, string firstWaitingMessageId)
        => AlertIds.ForConversation(RuleName, conversationId, firstWaitingMessageId);

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (!Options.Enabled) return;

        if (context.ClosedWhileWaiting is { } closed && closed.UnansweredAlertId is null)
        {
            // Outside business hours a close fires only if the counted wait already reached the threshold.
            if (context.StoreOpen || closed.CountedWait >= Threshold)
                alerts.Add(Firing(context.Conversation, closed, message.SentAt, context.Conversation.OwnerAgentId, "close"));
            return;
        }

        if (context.Answered is not { } answered) return;
        if (answered.UnansweredAlertId is null)
        {
            // The reply came after the deadline but before the watermark reached it (the watermark
            // trails by the allowed disorder): the buyer did wait past the threshold, so the alert is
            // raised now with the deadline as its time, and resolved by this very reply.
            if (answered.CountedWait < Threshold) return;
            alerts.Add(Firing(context.Conversation, answered, context.DeadlineOf(answered.WaitingSince, Threshold), context.Conversation.OwnerAgentId, "deadline"));
        }
        alerts.Add(Resolved(message, answered));
    }

    /// <summary>
    /// Called by the pipeline when the watermark passes <paramref name="state"/>'s deadline while the
    /// buyer still waits. Returns false when the (reloaded) threshold is not reached yet.
    /// </summary>
    public bool OnDeadline(ConversationState state, DateTimeOffset deadline, TimeSpan countedWait, List<Alert> alerts)
    {
        if (!Options.Enabled || state.FirstWaitingMessageId is null) return false;
        if (countedWait < Threshold) return false;
        var wait = new AnsweredWait(state.FirstWaitingMessageId, state.WaitingSince, state.WaitingCount, false, null, countedWait);
        alerts.Add(Firing(state, wait, deadline, state.OwnerAgentId, "deadline"));
        return true;
    }

    private Alert Firing(ConversationState state, AnsweredWait wait, DateTimeOffset eventTime, string? agentId, string firedBy)
    {
        var waited = (eventTime - wait.WaitingSince).TotalSeconds;
        var summary = firedBy == "close"
            ? string.Create(CultureInfo.InvariantCulture, $"买家未获回复：会话已关闭，{wait.BuyerMessages}条买家消息等待{waited:0.#}秒无人工回复")
            : string.Create(CultureInfo.InvariantCulture, $"买家未获回复：{wait.BuyerMessages}条买家消息已等待{Options.ThresholdSeconds:0.#}秒无人工回复");
        return new Alert
        {
            AlertId = AlertIdFor(state.ConversationId, wait.FirstMessageId),
            Rule = RuleName,
            Severity = _severity,
            ShopId = state.ShopId,
            ConversationId = state.ConversationId,
            AgentId = agentId,
            MessageIds = [wait.FirstMessageId],
            EventTime = eventTime,
            Summary = summary,
            Evidence = new JsonObject
            {
                ["waitingSince"] = AlertJson.FormatTime(wait.WaitingSince),
                ["waitedSeconds"] = Math.Round(waited, 3),
                ["thresholdSeconds"] = Options.ThresholdSeconds,
                ["buyerMessages"] = wait.BuyerMessages,
                ["firedBy"] = firedBy,
            },
        };
    }

    private Alert Resolved(ChatMessage reply, AnsweredWait wait)
    {
        var waited = (reply.SentAt - wait.WaitingSince).TotalSeconds;
        var agent = reply.AgentId ?? reply.SenderId;
        return new Alert
        {
            AlertId = AlertIdFor(reply.ConversationId, wait.FirstMessageId),
            Rule = RuleName,
            Severity = _severity,
            ShopId = reply.ShopId,
            ConversationId = reply.ConversationId,
            AgentId = agent,
            MessageIds = [wait.FirstMessageId, reply.MessageId],
            EventTime = reply.SentAt,
            Summary = string.Create(CultureInfo.InvariantCulture, $"买家已获回复：{agent}在等待{waited:0.#}秒后回复"),
            Status = AlertStatus.Resolved,
            Evidence = new JsonObject
            {
                ["waitingSince"] = AlertJson.FormatTime(wait.WaitingSince),
                ["waitedSeconds"] = Math.Round(waited, 3),
                ["thresholdSeconds"] = Options.ThresholdSeconds,
                ["buyerMessages"] = wait.BuyerMessages,
                ["answeredBy"] = agent,
                ["answeredAt"] = AlertJson.FormatTime(reply.SentAt),
                ["answerMessageId"] = reply.MessageId,
            },
        };
    }
}
