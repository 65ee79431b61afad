using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Rules.PromotionAnswers;

namespace Alerting.Core.Tests.PromotionAnswers;

/// <summary>Builders for promotion-rule tests: promotions, messages and a one-conversation runner.</summary>
internal static class PromoTestKit
{
    /// <summary>Double 11 window in Beijing time: 11-01 00:00 to 11-12 00:00 (last day 11-11).</summary>
    public static readonly DateTimeOffset During = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    public static PromotionOptions Promo(string id = "d11", Action<PromotionOptions>? configure = null)
    {
        var p = new PromotionOptions
        {
            Id = id,
            Name = "双11主会场",
            Aliases = ["双11", "双十一大促"],
            Start = "2026-11-01T00:00:00+08:00",
            End = "2026-11-12T00:00:00+08:00",
        };
        configure?.Invoke(p);
        return p;
    }

    public static WrongPromoAnswerRule Rule(params PromotionOptions[] promotions)
        => new(new WrongPromoAnswerOptions(), promotions);

    public static ChatMessage Agent(string text, DateTimeOffset? at = null, string id = "m-2") => new()
    {
        MessageId = id,
        ConversationId = "c1",
        ShopId = "shop-a",
        Sender = SenderKind.Agent,
        SenderId = "agent-07",
        AgentId = "agent-07",
        Text = text,
        SentAt = at ?? During,
    };

    public static ChatMessage Buyer(string text, DateTimeOffset? at = null, string id = "m-1") => new()
    {
        MessageId = id,
        ConversationId = "c1",
        ShopId = "shop-a",
        Sender = SenderKind.Buyer,
        SenderId = "b-1",
        Text = text,
        SentAt = at ?? During,
    };

    public static RuleContext Context() => new() { Conversation = new ConversationState { ConversationId = "c1", ShopId = "shop-a" } };

    /// <summary>Runs the messages through one conversation and returns every alert raised.</summary>
    public static List<Alert> Run(IChatRule rule, params ChatMessage[] messages)
    {
        var context = Context();
        var alerts = new List<Alert>();
        foreach (var m in messages) rule.Evaluate(m, context, alerts);
        return alerts;
    }

    public static Alert Single(IChatRule rule, params ChatMessage[] messages)
    {
        var alerts = Run(rule, messages);
        return Assert.Single(alerts);
    }

    public static string Kind(Alert a) => (string)a.Evidence["kind"]!;
    public static string Expected(Alert a) => (string)a.Evidence["expected"]!;
    public static string Stated(Alert a) => (string)a.Evidence["stated"]!;
}
