using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.IntegrationTests.Cluster;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Tests.Cluster;

/// <summary>
/// The console on a real Redis Cluster (3 primaries + 3 replicas): shop-a and shop-b hash to slots on two different
/// primaries, so every view of lena (lead of both) reads two nodes. Feed catch-up and live, claim/ack with the
/// consumer group's pending list on the right node, coverage and the verdict CSV. Each test starts from empty
/// primaries (FLUSHALL on each) and a console of its own.
/// </summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class ClusterConsoleTests(RedisClusterFixture fixture) : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync()
    {
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Cluster.ConnectionString + ",allowAdmin=true"))
        {
            foreach (var primary in RedisTestCluster.Primaries(redis)) await primary.FlushAllDatabasesAsync();
        }
        _host = await ConsoleHost.StartOnAsync(fixture.Cluster.ConnectionString);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static RedisKey Stream(string shop) => $"alerts:stream:{{{shop}}}";

    private async Task<string> EntryIdOfAsync(string shop, string alertId)
        => (await _host.Db.StreamRangeAsync(Stream(shop), "-", "+")).Last(e => (string?)e["alertId"] == alertId).Id.ToString();

    private static string? AlertIdOf(SseEvent e) => (string?)e.Data["alert"]?["alertId"] ?? (string?)e.Data["alertId"];

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage r) => (await r.Content.ReadFromJsonAsync<JsonObject>())!;

    [Fact]
    public async Task TwoStores_LiveOnTwoDifferentPrimaries()
    {
        var a = await _host.Db.IdentifyEndpointAsync(Stream(ConsoleHost.ShopA));
        var b = await _host.Db.IdentifyEndpointAsync(Stream(ConsoleHost.ShopB));
        Assert.NotNull(a);
        Assert.NotEqual(a, b);
        Assert.Equal(ServerType.Cluster, _host.Mux.GetServer(a).ServerType);
    }

    [Fact]
    public async Task Feed_LeadOfStoresOnTwoPrimaries_CatchesUpFromBoth_ThenGetsLiveAlertsAndReviewsOfBoth()
    {
        var oldA = TestAlerts.Rude(ConsoleHost.ShopA);
        var oldB = TestAlerts.Promo(ConsoleHost.ShopB);
        await _host.WriteAsync(oldA, oldB);
        var lena = await _host.LoginAsync("lena");
        await using var feed = await SseClient.OpenAsync(lena, "/api/feed");
        var catchUp = await feed.ReadUntilAsync(e => e.Name == "caughtup");
        Assert.Equal(new[] { oldA.AlertId, oldB.AlertId }.Order(StringComparer.Ordinal), catchUp.Where(e => e.Name == "alert").Select(AlertIdOf).Order(StringComparer.Ordinal));

        var liveA = TestAlerts.Slow(ConsoleHost.ShopA);
        var liveB = TestAlerts.Rude(ConsoleHost.ShopB, text: "不知道啊", term: "不知道");
        await _host.WriteAsync(liveA, liveB);
        var seen = new HashSet<string?>();
        await feed.ReadUntilAsync(e =>
        {
            if (e.Name == "alert") seen.Add(AlertIdOf(e));
            return seen.Contains(liveA.AlertId) && seen.Contains(liveB.AlertId);
        });

        // Review changes on either node reach the lead's feed.
        var alice = await _host.LoginAsync("alice");
        var carol = await _host.LoginAsync("carol");
        (await alice.PostAsJsonAsync("/api/alerts/claim", new { store = ConsoleHost.ShopA, alertId = liveA.AlertId })).EnsureSuccessStatusCode();
        (await carol.PostAsJsonAsync("/api/alerts/claim", new { store = ConsoleHost.ShopB, alertId = liveB.AlertId })).EnsureSuccessStatusCode();
        var claimedBy = new Dictionary<string, string?>();
        await feed.ReadUntilAsync(e =>
        {
            if (e.Name == "review" && (string?)e.Data["review"]?["state"] == "claimed") claimedBy[AlertIdOf(e)!] = (string?)e.Data["review"]!["claimedBy"];
            return claimedBy.Count == 2;
        });
        Assert.Equal("alice", claimedBy[liveA.AlertId]);
        Assert.Equal("carol", claimedBy[liveB.AlertId]);
    }

    [Fact]
    public async Task ClaimAndAck_OnBothNodes_OneOwnerEach_PendingListsOnTheStoresNodeEmptied()
    {
        var a = TestAlerts.Rude(ConsoleHost.ShopA);
        var b = TestAlerts.Rude(ConsoleHost.ShopB);
        await _host.WriteAsync(a, b);
        var alice = await _host.LoginAsync("alice");
        var bob = await _host.LoginAsync("bob");
        var carol = await _host.LoginAsync("carol");

        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsJsonAsync("/api/alerts/claim", new { store = ConsoleHost.ShopA, alertId = a.AlertId })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carol.PostAsJsonAsync("/api/alerts/claim", new { store = ConsoleHost.ShopB, alertId = b.AlertId })).StatusCode);
        var bobClaim = await bob.PostAsJsonAsync("/api/alerts/claim", new { store = ConsoleHost.ShopA, alertId = a.AlertId });
        Assert.Equal(HttpStatusCode.Conflict, bobClaim.StatusCode);
        Assert.Equal("alice", (string?)(await JsonAsync(bobClaim))["owner"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PostAsJsonAsync("/api/alerts/claim", new { store = ConsoleHost.ShopB, alertId = b.AlertId })).StatusCode);
        Assert.Equal("u:alice", Assert.Single(await _host.Db.StreamPendingMessagesAsync(Stream(ConsoleHost.ShopA), "inspectors", 10, RedisValue.Null)).ConsumerName.ToString());
        Assert.Equal("u:carol", Assert.Single(await _host.Db.StreamPendingMessagesAsync(Stream(ConsoleHost.ShopB), "inspectors", 10, RedisValue.Null)).ConsumerName.ToString());

        var ackA = await alice.PostAsJsonAsync("/api/alerts/ack", new { store = ConsoleHost.ShopA, alertId = a.AlertId, entryId = await EntryIdOfAsync(ConsoleHost.ShopA, a.AlertId), verdict = "false_alarm", note = "顾客开玩笑😂" });
        var ackB = await carol.PostAsJsonAsync("/api/alerts/ack", new { store = ConsoleHost.ShopB, alertId = b.AlertId, entryId = await EntryIdOfAsync(ConsoleHost.ShopB, b.AlertId), verdict = "confirmed" });
        Assert.Equal(HttpStatusCode.OK, ackA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ackB.StatusCode);
        Assert.Equal("false_alarm", (string?)(await JsonAsync(ackA))["verdict"]!["outcome"]);
        Assert.Equal("carol", (string?)(await JsonAsync(ackB))["verdict"]!["by"]);
        Assert.Empty(await _host.Db.StreamPendingMessagesAsync(Stream(ConsoleHost.ShopA), "inspectors", 10, RedisValue.Null));
        Assert.Empty(await _host.Db.StreamPendingMessagesAsync(Stream(ConsoleHost.ShopB), "inspectors", 10, RedisValue.Null));
        var again = await bob.PostAsJsonAsync("/api/alerts/ack", new { store = ConsoleHost.ShopA, alertId = a.AlertId, entryId = await EntryIdOfAsync(ConsoleHost.ShopA, a.AlertId), verdict = "confirmed" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Coverage_OfEachStore_CountsItsOwnNodesStates()
    {
        var reviewedA = TestAlerts.Rude(ConsoleHost.ShopA);
        var claimedA = TestAlerts.Promo(ConsoleHost.ShopA);
        var openA = TestAlerts.Slow(ConsoleHost.ShopA);
        var reviewedB = TestAlerts.Rude(ConsoleHost.ShopB);
        var p = TestAlerts.Promo(ConsoleHost.ShopB);
        await _host.WriteAsync(reviewedA, claimedA, openA, reviewedB, p, TestAlerts.Revised(p, 1), TestAlerts.Revised(p, 2));
        var alice = await _host.LoginAsync("alice");
        var carol = await _host.LoginAsync("carol");
        var lena = await _host.LoginAsync("lena");
        (await alice.PostAsJsonAsync("/api/alerts/ack", new { store = ConsoleHost.ShopA, alertId = reviewedA.AlertId, entryId = await EntryIdOfAsync(ConsoleHost.ShopA, reviewedA.AlertId), verdict = "confirmed" })).EnsureSuccessStatusCode();
        (await alice.PostAsJsonAsync("/api/alerts/claim", new { store = ConsoleHost.ShopA, alertId = claimedA.AlertId })).EnsureSuccessStatusCode();
        (await carol.PostAsJsonAsync("/api/alerts/ack", new { store = ConsoleHost.ShopB, alertId = reviewedB.AlertId, entryId = await EntryIdOfAsync(ConsoleHost.ShopB, reviewedB.AlertId), verdict = "false_alarm" })).EnsureSuccessStatusCode();

        var a = (await lena.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a"))!["total"]!;
        Assert.Equal([3, 1, 0, 1, 1], new[] { "raised", "reviewed", "silenced", "claimed", "open" }.Select(k => (int)a[k]!));
        var b = (await lena.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-b"))!;
        // The promotion alert counts once (three revisions, one alert); it is the oldest unreviewed of shop-b.
        Assert.Equal([2, 1, 0, 0, 1], new[] { "raised", "reviewed", "silenced", "claimed", "open" }.Select(k => (int)b["total"]![k]!));
        Assert.Equal(p.AlertId, (string?)b["oldest"]!["alertId"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync(new Uri("/api/coverage?store=shop-a", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task VerdictCsv_OfEachStore_HoldsItsVerdicts_HostileNotesQuoted()
    {
        var a1 = TestAlerts.Rude(ConsoleHost.ShopA, agent: "agent-01");
        var a2 = TestAlerts.Promo(ConsoleHost.ShopA, agent: "agent-02");
        var b1 = TestAlerts.Rude(ConsoleHost.ShopB, text: "不知道呢", term: "不知道", agent: "agent-03");
        await _host.WriteAsync(a1, a2, b1);
        var alice = await _host.LoginAsync("alice");
        var carol = await _host.LoginAsync("carol");
        foreach (var (client, shop, alert, verdict) in new[] { (alice, ConsoleHost.ShopA, a1, "confirmed"), (alice, ConsoleHost.ShopA, a2, "false_alarm"), (carol, ConsoleHost.ShopB, b1, "false_alarm") })
        {
            var r = await client.PostAsJsonAsync("/api/alerts/ack", new { store = shop, alertId = alert.AlertId, entryId = await EntryIdOfAsync(shop, alert.AlertId), verdict, note = "=HYPERLINK(\"x\") 亲" });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var lena = await _host.LoginAsync("lena");
        foreach (var (shop, ids) in new[] { (ConsoleHost.ShopA, new[] { a1.AlertId, a2.AlertId }), (ConsoleHost.ShopB, new[] { b1.AlertId }) })
        {
            var csv = await lena.GetStringAsync(new Uri("/api/verdicts.csv?store=" + shop, UriKind.Relative));
            var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("\"alertId\",\"store\",\"rule\"", lines[0], StringComparison.Ordinal);
            Assert.Equal(ids.Order(StringComparer.Ordinal), lines.Skip(1).Select(l => l.Split(',')[0].Trim('"')).Order(StringComparer.Ordinal));
            Assert.All(lines.Skip(1), l => Assert.Contains($"\"{shop}\"", l, StringComparison.Ordinal));
            Assert.All(lines.Skip(1), l => Assert.Contains("\"'=HYPERLINK(\"\"x\"\") 亲\"", l, StringComparison.Ordinal));
        }
    }
}
