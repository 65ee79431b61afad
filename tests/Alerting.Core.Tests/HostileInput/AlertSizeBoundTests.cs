using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;

namespace Alerting.Core.Tests.HostileInput;

/// <summary>An alert event stays within <see cref="AlertJson.MaxEventBytes"/> whatever its rule put in it.</summary>
public sealed class AlertSizeBoundTests
{
    private static Alert Huge(JsonObject evidence, int ids = 1, int summary = 10) => new()
    {
        AlertId = "a1", Rule = "rude_language", Severity = Severity.High, ShopId = "shop-a", ConversationId = "c1", AgentId = "agent-1",
        MessageIds = [.. Enumerable.Range(0, ids).Select(i => $"m-{i:000000}")],
        EventTime = new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8)),
        DetectedAt = new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8)),
        Summary = new string('傻', summary), Evidence = evidence,
    };

    [Fact]
    public void ToUtf8_HugeTextAndThousandsOfMatches_StaysUnderTheBoundAndSaysSo()
    {
        var matches = new JsonArray();
        for (var i = 0; i < 5000; i++) matches.Add(new JsonObject { ["term"] = "傻逼", ["start"] = i * 2, ["length"] = 2 });
        var alert = Huge(new JsonObject { ["text"] = new string('傻', 200_000), ["matches"] = matches }, ids: 3000, summary: 5000);
        var bytes = AlertJson.ToUtf8(alert);
        Assert.InRange(bytes.Length, 1, AlertJson.MaxEventBytes);
        using var doc = JsonDocument.Parse(bytes);
        Assert.True(doc.RootElement.GetProperty("evidenceTruncated").GetBoolean());
        Assert.Equal(AlertJson.MaxMessageIds, doc.RootElement.GetProperty("messageIds").GetArrayLength());
        Assert.Equal(AlertJson.MaxEvidenceItems, doc.RootElement.GetProperty("evidence").GetProperty("matches").GetArrayLength());
    }

    [Fact]
    public void ToUtf8_ManyLargeFields_FallsBackToTruncatedEvidence()
    {
        var evidence = new JsonObject();
        for (var i = 0; i < 20; i++) evidence[$"f{i}"] = new JsonArray([.. Enumerable.Range(0, 20).Select(_ => (JsonNode)new string('x', 300))]);
        var bytes = AlertJson.ToUtf8(Huge(evidence));
        Assert.InRange(bytes.Length, 1, AlertJson.MaxEventBytes);
        using var doc = JsonDocument.Parse(bytes);
        Assert.True(doc.RootElement.GetProperty("evidence").GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void ToUtf8_DeeplyNestedEvidence_IsCutAtTheDepthBound()
    {
        JsonNode inner = new JsonObject { ["x"] = 1 };
        for (var i = 0; i < 50; i++) inner = new JsonObject { ["n"] = inner };
        var bytes = AlertJson.ToUtf8(Huge(new JsonObject { ["deep"] = inner }));
        using var doc = JsonDocument.Parse(bytes);
        Assert.True(doc.RootElement.GetProperty("evidenceTruncated").GetBoolean());
    }

    [Fact]
    public void ToUtf8_OrdinaryAlert_HasNoTruncationFlag()
    {
        var bytes = AlertJson.ToUtf8(Huge(new JsonObject { ["expected"] = "满300减50" }));
        using var doc = JsonDocument.Parse(bytes);
        Assert.False(doc.RootElement.TryGetProperty("evidenceTruncated", out _));
    }
}
