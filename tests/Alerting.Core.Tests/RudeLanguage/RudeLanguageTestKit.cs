using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules;
using Alerting.Core.Rules.RudeLanguage;

namespace Alerting.Core.Tests.RudeLanguage;

/// <summary>Shared helpers: agent messages, one evaluation, reading the evidence back.</summary>
internal static class RudeLanguageTestKit
{
    public static readonly DateTimeOffset SentAt = new(2026, 11, 11, 0, 0, 5, TimeSpan.FromHours(8));

    /// <summary>The rule with default options, built once (it is immutable and thread-safe).</summary>
    public static readonly RudeLanguageRule DefaultRule = new(new RudeLanguageOptions());

    public static ChatMessage Agent(string text, string messageId = "m-1", SenderKind sender = SenderKind.Agent,
        ChatEventKind kind = ChatEventKind.Message, string? agentId = "agent-07") => new()
    {
        MessageId = messageId,
        ConversationId = "c-42",
        ShopId = "shop-a",
        Sender = sender,
        SenderId = sender == SenderKind.Agent ? "agent-07-account" : "b-889",
        AgentId = agentId,
        Text = text,
        SentAt = SentAt,
        Event = kind,
    };

    public static List<Alert> Evaluate(RudeLanguageRule rule, ChatMessage message)
    {
        var alerts = new List<Alert>();
        rule.Evaluate(message, new RuleContext(), alerts);
        return alerts;
    }

    public static Alert? EvaluateOne(RudeLanguageRule rule, string text)
    {
        var alerts = Evaluate(rule, Agent(text));
        Assert.True(alerts.Count <= 1, "at most one alert per message");
        return alerts.Count == 0 ? null : alerts[0];
    }

    public static List<EvidenceMatch> Matches(Alert alert)
        => [.. alert.Evidence["matches"]!.AsArray().Select(n => new EvidenceMatch(
            (string)n!["term"]!, (string)n["matched"]!, (string)n["category"]!, (string)n["severity"]!,
            (int)n["start"]!, (int)n["length"]!))];

    public static string Describe(Alert? alert)
        => alert is null ? "(no alert)" : alert.Summary + " " + alert.Evidence.ToJsonString(Relaxed);

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = AlertJsonEncoder.Instance };
}

internal sealed record EvidenceMatch(string Term, string Matched, string Category, string Severity, int Start, int Length);
