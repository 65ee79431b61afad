using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;

namespace Alerting.Core.Tests.Contracts;

/// <summary>Pins CONTRACTS.md §2: the alert JSON shape and the alert id function (frozen across releases).</summary>
public class AlertContractTests
{
    private static Alert Sample(AlertStatus status = AlertStatus.Firing, int revision = 0) => new()
    {
        AlertId = AlertIds.ForConversation("wrong_promo_answer", "c-42", "m-000002"),
        Rule = "wrong_promo_answer",
        Severity = Severity.High,
        ShopId = "shop-a",
        ConversationId = "c-42",
        AgentId = "agent-07",
        MessageIds = ["m-000002"],
        EventTime = new DateTimeOffset(2026, 11, 11, 0, 0, 5, TimeSpan.FromHours(8)),
        DetectedAt = new DateTimeOffset(2026, 11, 11, 0, 0, 5, 12, TimeSpan.FromHours(8)),
        Summary = "满减门槛说错：活动为满300减50，客服回复满200减50",
        Evidence = new JsonObject { ["expected"] = "满300减50", ["stated"] = "满200减50", ["promotion"] = "d11-main" },
        Status = status,
        Revision = revision,
        ConfigVersion = "abc123",
    };

    [Fact]
    public void AlertJson_HasExactlyTheContractFields()
    {
        using var doc = JsonDocument.Parse(AlertJson.ToJson(Sample()));
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["alertId", "rule", "severity", "shopId", "conversationId", "agentId", "messageIds", "eventTime", "detectedAt", "summary", "evidence", "status", "revision", "configVersion"], names);
        var r = doc.RootElement;
        Assert.Equal("high", r.GetProperty("severity").GetString());
        Assert.Equal("2026-11-11T00:00:05.000+08:00", r.GetProperty("eventTime").GetString());
        Assert.Equal("2026-11-11T00:00:05.012+08:00", r.GetProperty("detectedAt").GetString());
        Assert.Equal("firing", r.GetProperty("status").GetString());
        Assert.Equal(0, r.GetProperty("revision").GetInt32());
        Assert.Equal("满300减50", r.GetProperty("evidence").GetProperty("expected").GetString());
        Assert.Contains("满减门槛说错", AlertJson.ToJson(Sample()), StringComparison.Ordinal); // readable, not \u-escaped
    }

    [Fact]
    public void AlertJson_RoundTrips()
    {
        var a = Sample(AlertStatus.Resolved, 3);
        var back = AlertJson.Parse(AlertJson.ToJson(a));
        Assert.Equal(AlertJson.ToJson(a), AlertJson.ToJson(back));
    }

    [Fact]
    public void AlertIds_AreFrozen()
    {
        // These exact values must never change: a replay, redelivery or rollback relies on them. They were
        // computed outside .NET (Python hashlib: SHA-256 over "len:part|" for each part, first 16 bytes, hex).
        Assert.Equal("1c4a04251cf856c4652cc5cc13cb089b", AlertIds.ForConversation("wrong_promo_answer", "c-42", "m-000002"));
        Assert.Equal("7bf3f615c84fc47f1765113d037760d1", AlertIds.ForConversation("slow_response", "c-1", "m-1"));
        Assert.Equal("34cd3b256cd7ad9ddd689fe7eaf2fad5", AlertIds.ForConversation("unanswered_buyer", "c-1", "m-1"));
        Assert.NotEqual(AlertIds.ForConversation("r", "a|b", "c"), AlertIds.ForConversation("r", "a", "b|c"));
        var window = new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8)); // Unix 1794326400
        Assert.Equal("6e03b55a1482129dbc82c2e01702c91b", AlertIds.ForGroup("batch_wrong_promo_answer", "shop-a", "d11|满200减50", window));
        Assert.Equal("6e03b55a1482129dbc82c2e01702c91b", AlertIds.ForGroup("batch_wrong_promo_answer", "shop-a", "d11|满200减50", window.ToUniversalTime()));
        Assert.Equal("af6243a3e8225e9862475c07050c4f35", AlertIds.ForGroup("agent_response_rate_low", "shop-a", "agent-07", window));
    }
}
