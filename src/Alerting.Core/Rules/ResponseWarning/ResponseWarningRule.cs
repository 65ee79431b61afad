using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.SlowResponse;

namespace Alerting.Core.Rules.ResponseWarning;

/// <summary>
/// <c>response_warning</c>: a buyer has waited a share of the <c>slow_response</c> threshold with no human
/// reply yet — a lead can still step in. Fired by an event-time timer the pipeline keeps beside the
/// unanswered deadlines (<see cref="OnWarningDue"/>); resolved (contracts' <c>resolved</c> status) by the
/// record that ends the wait: <c>answered</c> in time, <c>superseded</c> by the <c>slow_response</c> alert the
/// same late reply raises, or <c>closed</c>. See the README for the precise semantics.
/// </summary>
public sealed class ResponseWarningRule : IChatRule
{
    public const string RuleName = "response_warning";

    private readonly Severity _severity;
    private readonly SlowResponseOptions _slow;

    public ResponseWarningRule(ResponseWarningOptions options, SlowResponseOptions slow)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(slow);
        Options = options;
        _slow = slow;
        _severity = Alert.TryParseSeverity(options.Severity, out var s) ? s : Severity.Low;
    }

    public ResponseWarningOptions Options { get; }

    public string Name => RuleName;

    /// <summary>The slow_response threshold of a wait (first response or a later one), in seconds.</summary>
    public double ThresholdSeconds(bool firstResponse) => firstResponse ? _slow.FirstResponseThresholdSeconds : _slow.ThresholdSeconds;

    /// <summary>Counted wait after which the warning fires.</summary>
    public TimeSpan WarnAfter(bool firstResponse) => TimeSpan.FromSeconds(Options.ShareOfThreshold * ThresholdSeconds(firstResponse));

    /// <summary>When the current wait of <paramref name="state"/> reaches the warning point (the pipeline's timer instant).</summary>
    public DateTimeOffset WarnAt(ConversationState state, BusinessHours hours)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(hours);
        return hours.AddCounted(state.WaitingSince, WarnAfter(!state.HasHumanReply));
    }

    /// <summary>Deterministic id: one warning per wait, named by its first waiting buyer message.</summary>
    public static string AlertIdFor(string conversationId, string firstWaitingMessageId) => AlertIds.ForConversation(RuleName, conversationId, firstWaitingMessageId);

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(alerts);
        if (!Options.Enabled) return;
        var state = context.Conversation;
        var closed = context.Answered is null;
        if ((context.Answered ?? context.ClosedWhileWaiting) is not { } wait)
        {
            // A new wait starts while a warning of an earlier one is still recorded: that wait ended while the rule
            // was off for the store, so nothing will resolve it; it must not hold back this wait's warning.
            if (state.WarnedMessageId is not null && state.WaitingCount == 1 && string.Equals(state.FirstWaitingMessageId, message.MessageId, StringComparison.Ordinal))
                state.WarnedMessageId = null;
            return;
        }
        var warnAfter = WarnAfter(wait.IsFirstResponse);
        var warned = state.WarnedMessageId;
        if (warned is null)
        {
            if (wait.CountedWait < warnAfter) return;
            // The wait ended past the warning point before the clock reached it (the clock trails by the allowed
            // disorder): the warning is raised now, at its own instant, and ended by this very record, so replay
            // and a live worker raise the same warnings whatever the timing of their clocks.
            warned = wait.FirstMessageId;
            alerts.Add(Firing(state, warned, wait.WaitingSince, wait.BuyerMessages, wait.IsFirstResponse, context.DeadlineOf(wait.WaitingSince, warnAfter), "late"));
        }
        alerts.Add(Resolved(message, state, warned, wait, closed));
        state.WarnedMessageId = null;
    }

    /// <summary>Called by the pipeline when its clock reaches <paramref name="warnAt"/> while the buyer still waits.</summary>
    public void OnWarningDue(ConversationState state, DateTimeOffset warnAt, List<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(alerts);
        if (!Options.Enabled || state.FirstWaitingMessageId is not { } first) return;
        alerts.Add(Firing(state, first, state.WaitingSince, state.WaitingCount, !state.HasHumanReply, warnAt, "timer"));
        state.WarnedMessageId = first;
    }

    private Alert Firing(ConversationState state, string firstMessageId, DateTimeOffset waitingSince, int buyerMessages, bool firstResponse, DateTimeOffset warnAt, string firedBy)
    {
        var threshold = ThresholdSeconds(firstResponse);
        var waited = (warnAt - waitingSince).TotalSeconds;
        return new Alert
        {
            AlertId = AlertIdFor(state.ConversationId, firstMessageId),
            Rule = RuleName,
            Severity = _severity,
            ShopId = state.ShopId,
            ConversationId = state.ConversationId,
            AgentId = state.OwnerAgentId,
            MessageIds = [firstMessageId],
            EventTime = warnAt,
            Summary = string.Create(CultureInfo.InvariantCulture, $"即将超时：买家已等待{waited:0.#}秒未获人工回复（超时阈值{threshold:0.#}秒）"),
            Evidence = new JsonObject
            {
                ["waitingSince"] = AlertJson.FormatTime(waitingSince),
                ["warnAfterSeconds"] = Math.Round(WarnAfter(firstResponse).TotalSeconds, 3),
                ["thresholdSeconds"] = threshold,
                ["shareOfThreshold"] = Options.ShareOfThreshold,
                ["firstResponse"] = firstResponse,
                ["buyerMessages"] = buyerMessages,
                ["firedBy"] = firedBy,
            },
        };
    }

    private Alert Resolved(ChatMessage message, ConversationState state, string warnedMessageId, AnsweredWait wait, bool closed)
    {
        var threshold = ThresholdSeconds(wait.IsFirstResponse);
        var waited = wait.CountedWait.TotalSeconds;
        // The same comparison slow_response makes: over the threshold, that rule raised its alert on this record.
        var late = !closed && waited > threshold;
        var reason = closed ? "closed" : late ? "superseded" : "answered";
        var evidence = new JsonObject
        {
            ["reason"] = reason,
            ["waitingSince"] = AlertJson.FormatTime(wait.WaitingSince),
            ["waitedSeconds"] = Math.Round(waited, 3),
            ["thresholdSeconds"] = threshold,
            ["endedBy"] = message.MessageId,
        };
        if (late && _slow.Enabled) evidence["supersededBy"] = AlertIds.ForConversation(SlowResponseRule.RuleName, state.ConversationId, wait.FirstMessageId);
        if (!closed) evidence["answeredBy"] = message.AgentId ?? message.SenderId;
        return new Alert
        {
            AlertId = AlertIdFor(state.ConversationId, warnedMessageId),
            Rule = RuleName,
            Severity = _severity,
            ShopId = state.ShopId,
            ConversationId = state.ConversationId,
            AgentId = closed ? state.OwnerAgentId : message.AgentId ?? message.SenderId,
            MessageIds = [warnedMessageId, message.MessageId],
            EventTime = message.SentAt,
            Summary = reason switch
            {
                "answered" => string.Create(CultureInfo.InvariantCulture, $"预警解除：买家等待{waited:0.#}秒后获得回复（未超过{threshold:0.#}秒）"),
                "superseded" => string.Create(CultureInfo.InvariantCulture, $"预警转为回复超时：买家等待{waited:0.#}秒才获回复（阈值{threshold:0.#}秒）"),
                _ => string.Create(CultureInfo.InvariantCulture, $"预警结束：会话在买家等待{waited:0.#}秒时关闭"),
            },
            Status = AlertStatus.Resolved,
            Evidence = evidence,
        };
    }
}
