using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Core.Tests.BatchWrongPromoAnswer;

/// <summary>Builders for batch tests: wrong_promo_answer alerts as the rule emits them, and an aggregator on fake time.</summary>
internal static class BatchTestKit
{
    /// <summary>2026-11-11 00:00 Beijing time: a 10-minute window starts here.</summary>
    public static readonly DateTimeOffset Midnight = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));

    public static Alert Wrong(string messageId, string agent, string conversation, DateTimeOffset at,
        string stated = "满200减50", string promotion = "d11-main", string shop = "shop-a", string? statedText = null) => new()
        {
            AlertId = AlertIds.ForConversation("wrong_promo_answer", conversation, messageId),
            Rule = "wrong_promo_answer",
            Severity = Severity.High,
            ShopId = shop,
            ConversationId = conversation,
            AgentId = agent,
            MessageIds = [messageId],
            EventTime = at,
            DetectedAt = at,
            Summary = $"满减门槛说错：活动为满300减50，客服回复{stated}",
            Evidence = new JsonObject
            {
                ["promotion"] = promotion,
                ["kind"] = "threshold_discount",
                ["expected"] = "满300减50",
                ["stated"] = stated,
                ["statedText"] = statedText ?? stated,
                ["start"] = 0,
                ["length"] = stated.Length,
            },
            ConfigVersion = "v1",
        };

    /// <summary>n wrong answers, one per agent and conversation, a second apart from <paramref name="start"/>.</summary>
    public static List<Alert> DistinctAgents(int n, DateTimeOffset start, string prefix = "m")
        => Enumerable.Range(1, n).Select(i => Wrong($"{prefix}-{i:D3}", $"agent-{i:D2}", $"c-{i}", start.AddSeconds(i))).ToList();

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 11, 0, 30, 0, TimeSpan.Zero));

    public static BatchWrongAnswerAggregator Aggregator(BatchWrongPromoAnswerOptions? options = null, TimeProvider? clock = null)
    {
        var o = options ?? new BatchWrongPromoAnswerOptions();
        return new BatchWrongAnswerAggregator(_ => o, clock ?? Clock());
    }

    /// <summary>The current state of every alert id: its highest revision.</summary>
    public static Dictionary<string, Alert> Final(IEnumerable<Alert> events)
        => events.GroupBy(a => a.AlertId).ToDictionary(g => g.Key, g => g.MaxBy(a => a.Revision)!);
}
