using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.InspectorConsole.Review;
using Alerting.Core.Alerts;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Tests;

/// <summary>Claim, acknowledge, reclaim and the consumer group, on a real redis-server.</summary>
public sealed class ReviewTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private RedisKey Stream => "alerts:stream:{shop-a}";

    private async Task<StreamPendingMessageInfo[]> PendingAsync()
        => await _host.Db.StreamPendingMessagesAsync(Stream, "inspectors", 100, RedisValue.Null);

    private async Task<string> EntryIdOfAsync(string alertId)
    {
        var all = await _host.Db.StreamRangeAsync(Stream, "-", "+");
        return all.Last(e => (string?)e["alertId"] == alertId).Id.ToString();
    }

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage r) => (await r.Content.ReadFromJsonAsync<JsonObject>())!;

    [Fact]
    public async Task Claim_GivesTheAlertToOneInspector_OthersGetConflict_OwnerAcknowledges()
    {
        var alert = TestAlerts.Rude();
        await _host.WriteAsync(alert);
        var alice = await _host.LoginAsync("alice");
        var bob = await _host.LoginAsync("bob");

        var claim = await alice.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = alert.AlertId });
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        var pending = Assert.Single(await PendingAsync());
        Assert.Equal("u:alice", pending.ConsumerName.ToString());

        var bobClaim = await bob.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = alert.AlertId });
        Assert.Equal(HttpStatusCode.Conflict, bobClaim.StatusCode);
        Assert.Equal("alice", (string?)(await JsonAsync(bobClaim))["owner"]);
        var entryId = await EntryIdOfAsync(alert.AlertId);
        var bobAck = await bob.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = alert.AlertId, entryId, verdict = "confirmed" });
        Assert.Equal(HttpStatusCode.Conflict, bobAck.StatusCode);

        var ack = await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = alert.AlertId, entryId, verdict = "false_alarm", note = "顾客开玩笑" });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var verdict = (await JsonAsync(ack))["verdict"]!;
        Assert.Equal("false_alarm", (string?)verdict["outcome"]);
        Assert.Equal("alice", (string?)verdict["by"]);
        Assert.Equal(["爱买不买"], verdict["terms"]!.AsArray().Select(t => (string?)t));
        Assert.Empty(await PendingAsync());

        var again = await bob.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = alert.AlertId, entryId, verdict = "confirmed" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("reviewed", (string?)(await JsonAsync(again))["outcome"]);
    }

    [Fact]
    public async Task ClaimNext_SharesThePoolOut_OldestFirst_AndEmptyPoolGivesNoContent()
    {
        var first = TestAlerts.Rude();
        var second = TestAlerts.Promo();
        await _host.WriteAsync(first, second);
        var alice = await _host.LoginAsync("alice");
        var bob = await _host.LoginAsync("bob");

        var a = await JsonAsync(await alice.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" }));
        var b = await JsonAsync(await bob.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" }));
        Assert.Equal(first.AlertId, (string?)a["alert"]!["alertId"]);
        Assert.Equal(second.AlertId, (string?)b["alert"]!["alertId"]);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" })).StatusCode);
        var owners = (await PendingAsync()).Select(p => p.ConsumerName.ToString()).Order().ToArray();
        Assert.Equal(["u:alice", "u:bob"], owners);
    }

    [Fact]
    public async Task StaleClaim_ReturnsToThePool_AfterTheClaimTimeout_AndAnotherInspectorGetsIt()
    {
        var alert = TestAlerts.Rude();
        await _host.WriteAsync(alert);
        var alice = await _host.LoginAsync("alice");
        var bob = await _host.LoginAsync("bob");
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" })).StatusCode);

        _host.Time.Advance(ConsoleHost.ClaimTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NoContent, (await bob.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" })).StatusCode);

        _host.Time.Advance(TimeSpan.FromSeconds(2));
        var taken = await bob.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" });
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal(alert.AlertId, (string?)(await JsonAsync(taken))["alert"]!["alertId"]);
        Assert.Equal("u:bob", Assert.Single(await PendingAsync()).ConsumerName.ToString());

        // Alice's late acknowledgement is refused: the alert is Bob's now.
        var late = await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = alert.AlertId, entryId = await EntryIdOfAsync(alert.AlertId), verdict = "confirmed" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task Release_PutsTheAlertBackInThePool()
    {
        var alert = TestAlerts.Rude();
        await _host.WriteAsync(alert);
        var alice = await _host.LoginAsync("alice");
        await alice.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = alert.AlertId });
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsJsonAsync("/api/alerts/release", new { store = "shop-a", alertId = alert.AlertId })).StatusCode);
        Assert.Equal("pool", Assert.Single(await PendingAsync()).ConsumerName.ToString());
    }

    [Fact]
    public async Task Revisions_OnlyTheCurrentEntryStaysPending_AndAClaimFollowsTheNewRevision()
    {
        var alert = TestAlerts.Rude();
        await _host.WriteAsync(alert);
        var alice = await _host.LoginAsync("alice");
        await alice.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = alert.AlertId });
        await _host.WriteAsync(TestAlerts.Revised(alert, 1), TestAlerts.Revised(alert, 2));
        await _host.Services.GetRequiredService<ReviewStore>().SweepAsync("shop-a");

        var pending = Assert.Single(await PendingAsync());
        Assert.Equal("u:alice", pending.ConsumerName.ToString());
        Assert.Equal(await EntryIdOfAsync(alert.AlertId), pending.MessageId.ToString());

        var ack = await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = alert.AlertId, entryId = await EntryIdOfAsync(alert.AlertId), verdict = "confirmed" });
        Assert.Equal(2, (int?)(await JsonAsync(ack))["verdict"]!["revision"]);
        Assert.Empty(await PendingAsync());

        // A revision after the verdict is acknowledged on arrival: the verdict is per alertId.
        await _host.WriteAsync(TestAlerts.Revised(alert, 3));
        await _host.Services.GetRequiredService<ReviewStore>().SweepAsync("shop-a");
        Assert.Empty(await PendingAsync());
    }

    [Fact]
    public async Task ReviewState_SurvivesAConsoleRestart()
    {
        var reviewed = TestAlerts.Rude();
        var claimed = TestAlerts.Promo();
        await _host.WriteAsync(reviewed, claimed);
        var alice = await _host.LoginAsync("alice");
        await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = reviewed.AlertId, entryId = await EntryIdOfAsync(reviewed.AlertId), verdict = "confirmed" });
        await alice.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = claimed.AlertId });

        await _host.StopConsoleAsync();
        await _host.StartConsoleAsync();

        var bob = await _host.LoginAsync("bob");
        var alerts = (await bob.GetFromJsonAsync<JsonArray>("/api/alerts?store=shop-a"))!;
        var states = alerts.ToDictionary(a => (string)a!["alert"]!["alertId"]!, a => a!["review"]!);
        Assert.Equal("reviewed", (string?)states[reviewed.AlertId]["state"]);
        Assert.Equal("claimed", (string?)states[claimed.AlertId]["state"]);
        Assert.Equal("alice", (string?)states[claimed.AlertId]["claimedBy"]);
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = claimed.AlertId })).StatusCode);
    }

    [Fact]
    public async Task Ack_RejectsAnUnknownVerdict_AndAnEntryOfAnotherAlert()
    {
        var one = TestAlerts.Rude();
        var two = TestAlerts.Rude();
        await _host.WriteAsync(one, two);
        var alice = await _host.LoginAsync("alice");
        var bad = await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = one.AlertId, entryId = await EntryIdOfAsync(one.AlertId), verdict = "maybe" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var mismatch = await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = one.AlertId, entryId = await EntryIdOfAsync(two.AlertId), verdict = "confirmed" });
        Assert.Equal(HttpStatusCode.NotFound, mismatch.StatusCode);
    }

    [Fact]
    public async Task Resolution_IsTheCurrentEntry_AndStaysInThePoolUntilReviewed()
    {
        var alert = TestAlerts.Slow();
        await _host.WriteAsync(alert, TestAlerts.Revised(alert, 0, AlertStatus.Resolved));
        await _host.Services.GetRequiredService<ReviewStore>().SweepAsync("shop-a");
        var pending = Assert.Single(await PendingAsync());
        Assert.Equal(await EntryIdOfAsync(alert.AlertId), pending.MessageId.ToString());
        Assert.Equal("pool", pending.ConsumerName.ToString());
    }
}
