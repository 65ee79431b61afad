using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Redis;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// The lead page's range and coverage per hour by chat time, and the transcript call's parameters and store scope.
/// </summary>
public sealed class ActivityAndTranscriptApiTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static Alert At(DateTimeOffset at, string rule = "slow_response", string? id = null) => new()
    {
        AlertId = id ?? AlertIds.ForConversation(rule, "c-" + at.ToUnixTimeSeconds(), "m-" + at.ToUnixTimeSeconds()), Rule = rule, Severity = Severity.Medium,
        ShopId = ConsoleHost.ShopA, ConversationId = "c-" + at.ToUnixTimeSeconds(), AgentId = "kf1", MessageIds = ["m-" + at.ToUnixTimeSeconds()],
        EventTime = at, DetectedAt = at, Summary = "响应超时", Evidence = new JsonObject { ["delaySeconds"] = 40.0, ["thresholdSeconds"] = 30 },
    };

    [Fact]
    public async Task AlertRange_IsTheDayOfTheNewestChatTime_InTheStoresZone_AndNullForAnEmptyStore()
    {
        var lena = await _host.LoginAsync("lena");
        var empty = (await lena.GetFromJsonAsync<JsonObject>("/api/alert-range?store=shop-b"))!;
        Assert.Null((string?)empty["day"]);

        // 2026-11-11 23:30 in Beijing is still the 11th there (15:30 UTC); an older alert written later does not move the day.
        await _host.WriteAsync(At(new DateTimeOffset(2026, 11, 11, 23, 30, 0, TimeSpan.FromHours(8))), At(new DateTimeOffset(2026, 11, 10, 9, 0, 0, TimeSpan.FromHours(8))));
        var range = (await lena.GetFromJsonAsync<JsonObject>("/api/alert-range?store=shop-a"))!;
        Assert.Equal("2026-11-11", (string?)range["day"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8)), DateTimeOffset.Parse((string)range["from"]!, System.Globalization.CultureInfo.InvariantCulture));

        var alice = await _host.LoginAsync("alice");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/alert-range?store=shop-a")).StatusCode); // lead only
        Assert.Equal(HttpStatusCode.BadRequest, (await lena.GetAsync("/api/alert-range")).StatusCode);
    }

    [Fact]
    public async Task HourlyCoverage_CountsEachAlertOnce_InTheHourOfItsFirstChatTime_WithItsReviewState()
    {
        var nine = new DateTimeOffset(2026, 11, 11, 9, 10, 0, TimeSpan.FromHours(8));
        var a = At(nine);
        var b = At(nine.AddMinutes(20));
        var c = At(nine.AddHours(2));
        var outside = At(nine.AddDays(-1));
        await _host.WriteAsync(a, b, c, outside);
        await _host.WriteAsync(TestAlerts.Revised(a, 1)); // a revision counts once, in the hour of the first entry
        var alice = await _host.LoginAsync("alice");
        var entryId = (await _host.Db.StreamRangeAsync(new RedisKeys(new RedisAlertingOptions()).Stream("shop-a"))).Last(e => (string?)e["alertId"] == b.AlertId).Id.ToString();
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = b.AlertId, entryId, verdict = "confirmed" })).StatusCode);

        var lena = await _host.LoginAsync("lena");
        var hc = (await lena.GetFromJsonAsync<JsonObject>("/api/hourly-coverage?store=shop-a&from=2026-11-11T00:00:00%2B08:00&to=2026-11-12T00:00:00%2B08:00"))!;
        var hours = hc["hours"]!.AsArray().Select(h => ((string)h!["hour"]!, (int)h["raised"]!, (int)h["reviewed"]!, (double)h["coverage"]!)).ToList();
        Assert.Equal([("2026-11-11T01:00:00+00:00", 2, 1, 0.5), ("2026-11-11T03:00:00+00:00", 1, 0, 0.0)], hours);
        Assert.False((bool)hc["partial"]!);
    }

    [Fact]
    public async Task Transcript_IsScopedToTheUsersStores_ChecksItsParameters_AndSays404WhenNoneIsKept()
    {
        var key = $"alerts:transcript:{RedisKeys.ShopTag("shop-a")}:{RedisKeys.Encode("会话 1/2")}";
        await _host.Db.ListRightPushAsync(key, ["{\"messageId\":\"m1\",\"role\":\"buyer\",\"sentAt\":\"2026-11-11T10:00:00+08:00\",\"text\":\"在吗\"}", "not json"]);
        var alice = await _host.LoginAsync("alice");
        var ok = (await alice.GetFromJsonAsync<JsonObject>("/api/transcript?shop=shop-a&conversation=" + Uri.EscapeDataString("会话 1/2")))!;
        Assert.Equal("会话 1/2", (string?)ok["conversationId"]);
        Assert.Equal("在吗", (string?)Assert.Single(ok["messages"]!.AsArray())!["text"]); // an unreadable entry is skipped

        var carol = await _host.LoginAsync("carol"); // inspector of shop-b only
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync("/api/transcript?shop=shop-a&conversation=" + Uri.EscapeDataString("会话 1/2"))).StatusCode);
        var none = await alice.GetAsync("/api/transcript?shop=shop-a&conversation=c-unknown");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.NotNull((string?)(await none.Content.ReadFromJsonAsync<JsonObject>())!["error"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.GetAsync("/api/transcript?shop=shop-a")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.GetAsync("/api/transcript?conversation=x")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Anonymous().GetAsync("/api/transcript?shop=shop-a&conversation=x")).StatusCode);
    }
}
