using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;

namespace Alerting.Core.Rules.AgentResponseRate;

/// <summary>The measures of one agent over one rolling window.</summary>
/// <param name="Manual">The 3-minute manual response rate's turns (null when that measure is off).</param>
public sealed record AgentWindowStats(
    int Waits, int Answered, int AnsweredInTime, int AgentMessages, int BuyerMessages, ManualResponseStats? Manual = null)
{
    /// <summary>3-minute manual response rate: counted turns answered in time / counted turns (null when off or without turns).</summary>
    public double? ManualResponseRate => Manual is not { Turns: > 0 } m ? null : (double)m.InTime / m.Turns;

    /// <summary>Value equality (the manual stats by their counts and late ids).</summary>
    public bool Equals(AgentWindowStats? other)
        => other is not null && Waits == other.Waits && Answered == other.Answered && AnsweredInTime == other.AnsweredInTime
           && AgentMessages == other.AgentMessages && BuyerMessages == other.BuyerMessages
           && (Manual is null ? other.Manual is null : other.Manual is not null && Manual.Turns == other.Manual.Turns && Manual.InTime == other.Manual.InTime && Manual.Late.SequenceEqual(other.Manual.Late));

    public override int GetHashCode() => HashCode.Combine(Waits, Answered, AnsweredInTime, AgentMessages, BuyerMessages, Manual?.Turns, Manual?.InTime);

    /// <summary>30-second response rate: answered within the threshold / waits (null without waits).</summary>
    public double? ResponseRate => Waits == 0 ? null : (double)AnsweredInTime / Waits;

    /// <summary>Reply rate (回复率): answered / waits.</summary>
    public double? ReplyRate => Waits == 0 ? null : (double)Answered / Waits;

    /// <summary>答问比: agent messages / buyer messages.</summary>
    public double? AnswerRatio => BuyerMessages == 0 ? null : (double)AgentMessages / BuyerMessages;
}

/// <summary>
/// The pure logic of <c>agent_response_rate_low</c>: measures over a rolling window, the evaluation
/// points, and the alert. Every result is a function of the agent's fact <em>set</em> (facts merged by id,
/// see <see cref="AgentActivity.Merge"/>), never of arrival order. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// Evaluation points are the multiples of <c>StepMinutes</c>; at point E the window is [E − WindowMinutes, E).
/// The fixed window of an evaluation point is the <c>WindowMinutes</c> window holding E − 1 tick, and an
/// agent gets at most one alert per fixed window: the one of the <b>earliest</b> low evaluation point in it.
/// That choice is deterministic, so any worker that evaluates with complete facts publishes the same alert.
/// </remarks>
public static class AgentResponseRates
{
    public const string RuleName = "agent_response_rate_low";

    /// <summary>Messages listed in <c>messageIds</c> (first waiting messages of late or unanswered waits).</summary>
    private const int MaxListedMessages = 50;

    /// <summary>
    /// Measures of the facts with <c>At</c> in [<paramref name="from"/>, <paramref name="to"/>). A wait answered
    /// after <paramref name="to"/> + <c>SettleSeconds</c> counts as unanswered: when the point is judged (the
    /// lowest watermark past <paramref name="to"/> + <c>SettleSeconds</c>) such a reply may or may not have been
    /// consumed yet, depending on which partition is ahead — so it is never taken into account.
    /// </summary>
    public static AgentWindowStats Measure(IEnumerable<AgentActivity> facts, DateTimeOffset from, DateTimeOffset to, AgentResponseRateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int waits = 0, answered = 0, inTime = 0, agentMessages = 0, buyerMessages = 0;
        var threshold = TimeSpan.FromSeconds(options.ResponseSeconds);
        var answeredBy = AnsweredBy(to, options);
        foreach (var f in facts)
        {
            if (f.At < from || f.At >= to) continue;
            switch (f.Kind)
            {
                case AgentActivityKind.AgentMessage:
                    agentMessages++;
                    break;
                case AgentActivityKind.WaitAnswered when f.AnsweredAt > answeredBy:
                    waits++;
                    buyerMessages += f.BuyerMessages;
                    break;
                case AgentActivityKind.WaitAnswered:
                    waits++;
                    answered++;
                    buyerMessages += f.BuyerMessages;
                    if (f.Wait <= threshold) inTime++;
                    break;
                case AgentActivityKind.WaitUnanswered:
                    waits++;
                    buyerMessages += f.BuyerMessages;
                    break;
            }
        }
        var manual = options.MinManualResponseRate > 0 ? ManualResponseRate.Measure(facts, from, to, options) : null;
        return new AgentWindowStats(waits, answered, inTime, agentMessages, buyerMessages, manual);
    }

    /// <summary>The latest reply that still counts at evaluation point <paramref name="e"/>: E + <c>SettleSeconds</c>.</summary>
    public static DateTimeOffset AnsweredBy(DateTimeOffset e, AgentResponseRateOptions options) => e + TimeSpan.FromSeconds(options.SettleSeconds);

    /// <summary>The measures below their target (with enough samples): <c>response_rate</c>, <c>reply_rate</c>, <c>answer_ratio</c>.</summary>
    public static IReadOnlyList<string> Below(AgentWindowStats s, AgentResponseRateOptions o)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(o);
        var below = new List<string>(3);
        if (s.Waits >= o.MinWaits)
        {
            if (o.MinResponseRate > 0 && s.ResponseRate < o.MinResponseRate) below.Add("response_rate");
            if (o.MinReplyRate > 0 && s.ReplyRate < o.MinReplyRate) below.Add("reply_rate");
        }
        if (s.BuyerMessages >= o.MinBuyerMessages && o.MinAnswerRatio > 0 && s.AnswerRatio < o.MinAnswerRatio) below.Add("answer_ratio");
        if (o.MinManualResponseRate > 0 && s.Manual is { } m && m.Turns >= o.MinWaits && s.ManualResponseRate < o.MinManualResponseRate) below.Add("manual_response_rate");
        return below;
    }

    /// <summary>Start of the fixed window an evaluation point belongs to (the window holding E − 1 tick).</summary>
    public static DateTimeOffset FixedWindowOf(DateTimeOffset evaluationPoint, AgentResponseRateOptions options)
        => BatchWrongPromoAnswer.WrongAnswerBatch.WindowStart(evaluationPoint.AddTicks(-1), options.Window);

    /// <summary>Evaluation points in (<paramref name="after"/>, <paramref name="upTo"/>], ascending.</summary>
    public static IEnumerable<DateTimeOffset> EvaluationPoints(DateTimeOffset after, DateTimeOffset upTo, AgentResponseRateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var step = options.Step;
        var e = BatchWrongPromoAnswer.WrongAnswerBatch.WindowStart(after, step) + step;
        for (; e <= upTo; e += step) yield return e;
    }

    /// <summary>
    /// The alert of one agent for the fixed window holding <paramref name="upTo"/>'s evaluation points: the
    /// earliest evaluation point E in that window with E ≤ <paramref name="upTo"/> (and the store open at E)
    /// whose measures are low, or null. Calling it again with the same facts and a later
    /// <paramref name="upTo"/> in the same fixed window returns the same alert.
    /// </summary>
    /// <param name="facts">The agent's facts (already merged by id); only those in the evaluated windows matter.</param>
    /// <param name="storeOpen">Whether the store is in business hours at an instant (evaluations outside are skipped).</param>
    public static Alert? AlertFor(string shopId, string agentId, IReadOnlyCollection<AgentActivity> facts, DateTimeOffset upTo,
        AgentResponseRateOptions options, Func<DateTimeOffset, bool> storeOpen, DateTimeOffset detectedAt)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storeOpen);
        var fixedStart = FixedWindowOf(upTo, options);
        foreach (var e in EvaluationPoints(fixedStart, upTo, options))
        {
            if (!storeOpen(e.AddTicks(-1))) continue;
            var stats = Measure(facts, e - options.Window, e, options);
            var below = Below(stats, options);
            if (below.Count > 0) return Build(shopId, agentId, facts, e, fixedStart, stats, below, options, detectedAt);
        }
        return null;
    }

    /// <summary><c>3分钟</c> for whole minutes, else <c>200秒</c>.</summary>
    private static string ManualLabel(double seconds)
        => seconds % 60 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0}分钟") : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.##}秒");

    private static Alert Build(string shopId, string agentId, IReadOnlyCollection<AgentActivity> facts, DateTimeOffset e, DateTimeOffset fixedStart,
        AgentWindowStats s, IReadOnlyList<string> below, AgentResponseRateOptions o, DateTimeOffset detectedAt)
    {
        var from = e - o.Window;
        var threshold = TimeSpan.FromSeconds(o.ResponseSeconds);
        var inWindow = facts.Where(f => f.At >= from && f.At < e).OrderBy(f => f.At.UtcTicks).ThenBy(f => f.FactId, StringComparer.Ordinal).ToList();
        var answeredBy = AnsweredBy(e, o);
        var failing = inWindow.Where(f => f.Kind == AgentActivityKind.WaitUnanswered
            || (f.Kind == AgentActivityKind.WaitAnswered && (f.Wait > threshold || f.AnsweredAt > answeredBy))).ToList();
        // Turns late only by the manual measure (a bot reply in time for neither, a human reply late by raw time) are listed too.
        if (s.Manual is { } manual)
        {
            var listed = failing.Select(f => f.MessageId).ToHashSet(StringComparer.Ordinal);
            failing.AddRange(inWindow.Where(f => f.Kind is AgentActivityKind.WaitAnswered && manual.Late.Contains(f.MessageId) && !listed.Contains(f.MessageId)));
            failing.Sort((x, y) => x.At.UtcTicks != y.At.UtcTicks ? x.At.UtcTicks.CompareTo(y.At.UtcTicks) : string.CompareOrdinal(x.FactId, y.FactId));
        }
        var offset = inWindow.Count > 0 ? inWindow[0].At.Offset : TimeSpan.Zero;
        var severity = Alert.TryParseSeverity(o.Severity, out var parsed) ? parsed : Severity.Medium;

        static JsonNode? Rate(double? r) => r is { } v ? JsonValue.Create(Math.Round(v, 4)) : null;
        var evidence = new JsonObject
        {
            ["windowStart"] = AlertJson.FormatTime(from.ToOffset(offset)),
            ["windowEnd"] = AlertJson.FormatTime(e.ToOffset(offset)),
            ["waits"] = s.Waits,
            ["answered"] = s.Answered,
            ["answeredInTime"] = s.AnsweredInTime,
            ["agentMessages"] = s.AgentMessages,
            ["buyerMessages"] = s.BuyerMessages,
            ["responseRate"] = Rate(s.ResponseRate),
            ["replyRate"] = Rate(s.ReplyRate),
            ["answerRatio"] = Rate(s.AnswerRatio),
            ["responseSeconds"] = o.ResponseSeconds,
            ["minResponseRate"] = o.MinResponseRate,
            ["minReplyRate"] = o.MinReplyRate,
            ["minAnswerRatio"] = o.MinAnswerRatio,
            ["below"] = new JsonArray(below.Select(b => (JsonNode?)JsonValue.Create(b)).ToArray()),
        };
        if (s.Manual is { } m)
        {
            evidence["manualTurns"] = m.Turns;
            evidence["manualAnsweredInTime"] = m.InTime;
            evidence["manualResponseRate"] = Rate(s.ManualResponseRate);
            evidence["manualResponseSeconds"] = o.ManualResponseSeconds;
            evidence["minManualResponseRate"] = o.MinManualResponseRate;
        }
        var parts = new List<string>(3);
        foreach (var b in below)
        {
            parts.Add(b switch
            {
                "response_rate" => string.Create(CultureInfo.InvariantCulture, $"{o.ResponseSeconds:0.##}秒应答率{s.ResponseRate * 100:0.#}%（目标{o.MinResponseRate * 100:0.#}%）"),
                "reply_rate" => string.Create(CultureInfo.InvariantCulture, $"回复率{s.ReplyRate * 100:0.#}%（目标{o.MinReplyRate * 100:0.#}%）"),
                "manual_response_rate" => string.Create(CultureInfo.InvariantCulture, $"{ManualLabel(o.ManualResponseSeconds)}人工响应率{s.ManualResponseRate * 100:0.#}%（目标{o.MinManualResponseRate * 100:0.#}%）"),
                _ => string.Create(CultureInfo.InvariantCulture, $"答问比{s.AnswerRatio:0.00}（目标{o.MinAnswerRatio:0.00}）"),
            });
        }
        return new Alert
        {
            AlertId = AlertIds.ForGroup(RuleName, shopId, agentId, fixedStart),
            Rule = RuleName,
            Severity = severity,
            ShopId = shopId,
            // Spans the agent's conversations: the one of the earliest late or unanswered wait (else the earliest fact).
            ConversationId = (failing.Count > 0 ? failing[0] : inWindow.FirstOrDefault())?.ConversationId ?? "",
            AgentId = agentId,
            MessageIds = failing.Select(f => f.MessageId).Take(MaxListedMessages).ToArray(),
            EventTime = e.ToOffset(offset),
            DetectedAt = detectedAt,
            Summary = string.Create(CultureInfo.InvariantCulture, $"客服{agentId}近{o.WindowMinutes}分钟服务指标偏低：{string.Join("，", parts)}"),
            Evidence = evidence,
        };
    }
}
