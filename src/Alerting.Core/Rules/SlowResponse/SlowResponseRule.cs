using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;

namespace Alerting.Core.Rules.SlowResponse;

/// <summary>
/// <c>slow_response</c>: a human reply that ended a buyer's wait later than the threshold.
/// The pipeline measures the wait (see <see cref="RuleContext.Answered"/>); this rule only judges it.
/// </summary>
public sealed class SlowResponseRule : IChatRule
{
    public const string RuleName = "slow_response";

    private readonly Severity _severity;

    public SlowResponseRule(SlowResponseOptions options)
    {
        Options = options;
        _severity = Alert.TryParseSeverity(options.Severity, out var s) ? s : Severity.Medium;
    }

    public SlowResponseOptions Options { get; }

    public string Name => RuleName;

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (!Options.Enabled || context.Answered is not { } wait) return;
        var threshold = wait.IsFirstResponse ? Options.FirstResponseThresholdSeconds : Options.ThresholdSeconds;
        var delay = wait.CountedWait.TotalSeconds;
        if (delay <= threshold) return;

        var severity = _severity;
        if (Options.CriticalAfterSeconds > 0 && delay > Options.CriticalAfterSeconds) severity = Severity.Critical;
        else if (Options.HighAfterSeconds > 0 && delay > Options.HighAfterSeconds && severity < Severity.High) severity = Severity.High;

        var kind = wait.IsFirstResponse ? "首次响应" : "响应";
        alerts.Add(new Alert
        {
            AlertId = AlertIds.ForConversation(RuleName, message.ConversationId, wait.FirstMessageId),
            Rule = RuleName,
            Severity = severity,
            ShopId = message.ShopId,
            ConversationId = message.ConversationId,
            AgentId = message.AgentId ?? message.SenderId,
            MessageIds = [wait.FirstMessageId, message.MessageId],
            EventTime = message.SentAt,
            Summary = string.Create(CultureInfo.InvariantCulture, $"{kind}超时：买家等待{delay:0.#}秒才得到回复（阈值{threshold:0.#}秒）"),
            Evidence = new JsonObject
            {
                ["delaySeconds"] = Math.Round(delay, 3),
                ["thresholdSeconds"] = threshold,
                ["firstResponse"] = wait.IsFirstResponse,
                ["waitingSince"] = AlertJson.FormatTime(wait.WaitingSince),
                ["answeredAt"] = AlertJson.FormatTime(message.SentAt),
                ["buyerMessages"] = wait.BuyerMessages,
            },
        });
    }
}
