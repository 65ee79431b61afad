using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Tests;

/// <summary>Live feed catch-up and reconnect, coverage, silences, calibration and export, on a real redis-server.</summary>
public sealed class FeedAndInsightTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> EntryIdOfAsync(string alertId)
    {
        var all = await _host.Db.StreamRangeAsync("alerts:stream:{shop-a}", "-", "+");
        return all.Last(e => (string?)e["alertId"] == alertId).Id.ToString();
    }

    private static string? AlertIdOf(SseEvent e) => (string?)e.Data["alert"]?["alertId"] ?? (string?)e.Data["alertId"];

    [Fact]
    public async Task Feed_CatchesUpFromTheStream_ThenDeliversNewAlertsLive_WithStreamIdsInTheEventId()
    {
        var old = TestAlerts.Rude();
        await _host.WriteAsync(old);
        var alice = await _host.LoginAsync("alice");
        await using var feed = await SseClient.OpenAsync(alice, "/api/feed");
        var catchUp = await feed.ReadUntilAsync(e => e.Name == "caughtup");
        Assert.Equal([old.AlertId], catchUp.Where(e => e.Name == "alert").Select(AlertIdOf));

        var live = TestAlerts.Promo();
        await _host.WriteAsync(live);
        var got = (await feed.ReadUntilAsync(e => e.Name == "alert")).Last();
        Assert.Equal(live.AlertId, AlertIdOf(got));
        Assert.Equal("open", (string?)got.Data["review"]!["state"]);
        Assert.Contains("," + await EntryIdOfAsync(live.AlertId) + ",", got.Id, StringComparison.Ordinal);

        // A review change reaches every feed as a 'review' event.
        var bob = await _host.LoginAsync("bob");
        await bob.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = live.AlertId });
        var review = (await feed.ReadUntilAsync(e => e.Name == "review")).Last();
        Assert.Equal("claimed", (string?)review.Data["review"]!["state"]);
        Assert.Equal("bob", (string?)review.Data["review"]!["claimedBy"]);
    }

    [Fact]
    public async Task Reconnect_WithLastEventId_LosesNothing_AndRepeatsNothing()
    {
        var before = TestAlerts.Rude();
        await _host.WriteAsync(before);
        var alice = await _host.LoginAsync("alice");
        string lastId;
        await using (var feed = await SseClient.OpenAsync(alice, "/api/feed"))
        {
            lastId = (await feed.ReadUntilAsync(e => e.Name == "caughtup")).Last().Id!;
        }

        // While disconnected: two new alerts (one revised) and a verdict on the old one.
        var a1 = TestAlerts.Promo();
        var a2 = TestAlerts.Slow();
        await _host.WriteAsync(a1, a2, TestAlerts.Revised(a1, 1));
        var bob = await _host.LoginAsync("bob");
        var ack = await bob.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = before.AlertId, entryId = await EntryIdOfAsync(before.AlertId), verdict = "confirmed" });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);

        await using var again = await SseClient.OpenAsync(alice, "/api/feed", lastId);
        var events = await again.ReadUntilAsync(e => e.Name == "caughtup");
        var alerts = events.Where(e => e.Name == "alert").ToList();
        Assert.Equal([a1.AlertId, a2.AlertId, a1.AlertId], alerts.Select(AlertIdOf));
        Assert.Equal(1, (int?)alerts[2].Data["alert"]!["revision"]);
        var review = events.Single(e => e.Name == "review");
        Assert.Equal("reviewed", (string?)review.Data["review"]!["state"]);
        Assert.Equal("confirmed", (string?)review.Data["review"]!["verdict"]!["outcome"]);
    }

    [Fact]
    public async Task Coverage_CountsEveryState_ConcurrentRequestsAgree_AndARequestAfterAReviewSeesIt()
    {
        var reviewed = TestAlerts.Rude();
        var silenced = TestAlerts.Rude(agent: "agent-muted");
        var claimed = TestAlerts.Promo();
        var open = TestAlerts.Slow();
        await _host.WriteAsync(reviewed, silenced, claimed, open);
        var alice = await _host.LoginAsync("alice");
        var lena = await _host.LoginAsync("lena");
        (await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = reviewed.AlertId, entryId = await EntryIdOfAsync(reviewed.AlertId), verdict = "confirmed" })).EnsureSuccessStatusCode();
        (await lena.PostAsJsonAsync("/api/silences", new { store = "shop-a", kind = "agent", value = "agent-muted", reason = "培训中", minutes = 60 })).EnsureSuccessStatusCode();
        (await alice.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = claimed.AlertId })).EnsureSuccessStatusCode();

        // Coverage times are milliseconds: two entries appended in the same millisecond are equally old (the tie goes
        // to the lower alert id), so the oldest unreviewed is the claimed alert, or the open one when they share it.
        static long Ms(string entryId) => long.Parse(entryId.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
        var sameMs = Ms(await EntryIdOfAsync(claimed.AlertId)) == Ms(await EntryIdOfAsync(open.AlertId));
        string[] oldest = sameMs ? [claimed.AlertId, open.AlertId] : [claimed.AlertId];
        var all = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a")));
        foreach (var c in all)
        {
            var total = c!["total"]!;
            Assert.Equal([4, 1, 1, 1, 1], new[] { "raised", "reviewed", "silenced", "claimed", "open" }.Select(k => (int)total[k]!));
            Assert.Contains((string?)c["oldest"]!["alertId"], oldest);
        }

        (await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = claimed.AlertId, entryId = await EntryIdOfAsync(claimed.AlertId), verdict = "false_alarm" })).EnsureSuccessStatusCode();
        var after = (await alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a"))!;
        Assert.Equal(2, (int?)after["total"]!["reviewed"]);
        Assert.Equal(0, (int?)after["total"]!["claimed"]);
        Assert.Equal(open.AlertId, (string?)after["oldest"]!["alertId"]);
    }

    [Fact]
    public async Task Coverage_CountsDistinctAlerts_PerRule_AndTheOldestUnreviewed()
    {
        var r1 = TestAlerts.Rude();
        var r2 = TestAlerts.Rude();
        var p1 = TestAlerts.Promo();
        await _host.WriteAsync(r1);
        await _host.WriteAsync(r2, p1, TestAlerts.Revised(p1, 1), TestAlerts.Revised(p1, 2));
        var alice = await _host.LoginAsync("alice");

        var before = (await alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a"))!;
        Assert.Equal(3, (int?)before["total"]!["raised"]);
        Assert.Equal(0, (int?)before["total"]!["reviewed"]);
        Assert.Equal(r1.AlertId, (string?)before["oldest"]!["alertId"]);

        await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = r1.AlertId, entryId = await EntryIdOfAsync(r1.AlertId), verdict = "confirmed" });
        await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = p1.AlertId, entryId = await EntryIdOfAsync(p1.AlertId), verdict = "false_alarm" });
        var after = (await alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a"))!;
        Assert.Equal(3, (int?)after["total"]!["raised"]);
        Assert.Equal(2, (int?)after["total"]!["reviewed"]);
        Assert.Equal(0.6667, (double?)after["total"]!["coverage"]);
        var rules = after["rules"]!.AsArray().ToDictionary(r => (string)r!["rule"]!, r => r!);
        Assert.Equal(1, (int?)rules["rude_language"]["reviewed"]);
        Assert.Equal(2, (int?)rules["rude_language"]["raised"]);
        Assert.Equal(1.0, (double?)rules["wrong_promo_answer"]["coverage"]);
        Assert.Equal(r2.AlertId, (string?)after["oldest"]!["alertId"]);

        // A window that ends before the alerts were raised counts nothing.
        var empty = (await alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a&from=2020-01-01T00:00:00%2B08:00&to=2020-01-02T00:00:00%2B08:00"))!;
        Assert.Equal(0, (int?)empty["total"]!["raised"]);
    }

    [Fact]
    public async Task Silence_KeepsMatchingAlertsOutOfThePool_NowAndOnArrival_ButTheyStayCountedAndMarked()
    {
        var noisy = TestAlerts.Rude(text: "不知道呢，我帮您查", term: "不知道");
        var other = TestAlerts.Rude();
        await _host.WriteAsync(noisy, other);
        var lena = await _host.LoginAsync("lena");
        var created = await lena.PostAsJsonAsync("/api/silences", new { store = "shop-a", kind = "term", value = "不知道", reason = "误报太多，校准中", minutes = 60 });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(1, (int?)body["silencedNow"]);
        var silenceId = (string)body["silence"]!["id"]!;

        var later = TestAlerts.Rude(text: "不知道", term: "不知道");
        await _host.WriteAsync(later);
        var alice = await _host.LoginAsync("alice");
        var next = (await (await alice.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(other.AlertId, (string?)next["alert"]!["alertId"]);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" })).StatusCode);

        var alerts = (await alice.GetFromJsonAsync<JsonArray>("/api/alerts?store=shop-a"))!;
        var state = alerts.ToDictionary(a => (string)a!["alert"]!["alertId"]!, a => a!["review"]!);
        Assert.Equal("silenced", (string?)state[later.AlertId]["state"]);
        Assert.Equal(silenceId, (string?)state[noisy.AlertId]["silenceId"]);
        var coverage = (await alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a"))!;
        Assert.Equal(3, (int?)coverage["total"]!["raised"]);
        Assert.Equal(2, (int?)coverage["total"]!["silenced"]);

        Assert.Single((await alice.GetFromJsonAsync<JsonArray>("/api/silences?store=shop-a"))!);
        Assert.Equal(HttpStatusCode.NoContent, (await lena.DeleteAsync($"/api/silences/shop-a/{silenceId}")).StatusCode);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/silences?store=shop-a"))!);
    }

    [Fact]
    public async Task Silence_ExpiresByItself()
    {
        var lena = await _host.LoginAsync("lena");
        await lena.PostAsJsonAsync("/api/silences", new { store = "shop-a", kind = "agent", value = "agent-07", reason = "培训中", minutes = 10 });
        _host.Time.Advance(TimeSpan.FromMinutes(11));
        var alert = TestAlerts.Rude(agent: "agent-07");
        await _host.WriteAsync(alert);
        var alice = await _host.LoginAsync("alice");
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/silences?store=shop-a"))!);
        var next = (await (await alice.PostAsJsonAsync("/api/alerts/claim-next", new { store = "shop-a" })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(alert.AlertId, (string?)next["alert"]!["alertId"]);
    }

    [Fact]
    public async Task Calibration_GivesFalseAlarmRatesPerRuleTermPromotionAndAgent_AndCsvExportsTheVerdicts()
    {
        var a = TestAlerts.Rude(term: "爱买不买", agent: "agent-01");
        var b = TestAlerts.Rude(text: "不知道", term: "不知道", agent: "agent-01");
        var c = TestAlerts.Rude(text: "不知道啊", term: "不知道", agent: "agent-02");
        var d = TestAlerts.Promo(agent: "agent-02");
        await _host.WriteAsync(a, b, c, d);
        var alice = await _host.LoginAsync("alice");
        foreach (var (alert, verdict) in new[] { (a, "confirmed"), (b, "false_alarm"), (c, "false_alarm"), (d, "confirmed") })
        {
            var r = await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = alert.AlertId, entryId = await EntryIdOfAsync(alert.AlertId), verdict, note = "=HYPERLINK(\"x\")" });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var lena = await _host.LoginAsync("lena");
        var cal = (await lena.GetFromJsonAsync<JsonObject>("/api/calibration?store=shop-a"))!;
        JsonNode Line(string group, string key) => cal[group]!.AsArray().Single(l => (string?)l!["key"] == key)!;
        Assert.Equal(0.6667, (double?)Line("rules", "rude_language")["falseAlarmRate"]);
        Assert.Equal(1.0, (double?)Line("terms", "不知道")["falseAlarmRate"]);
        Assert.Equal(2, Line("terms", "不知道")["falseAlarmIds"]!.AsArray().Count);
        Assert.Equal(0.0, (double?)Line("terms", "爱买不买")["falseAlarmRate"]);
        Assert.Equal(0.0, (double?)Line("promotions", "d11-main")["falseAlarmRate"]);
        Assert.Equal(1, (int?)Line("agents", "agent-02")["confirmed"]);

        var csv = await lena.GetStringAsync("/api/verdicts.csv?store=shop-a");
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("\"alertId\",\"store\",\"rule\",\"severity\",\"agentId\"", lines[0], StringComparison.Ordinal);
        Assert.Equal(5, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overview_SumsTheWorkersDashboardCounters()
    {
        await _host.WriteAsync(TestAlerts.Rude(agent: "agent-01"), TestAlerts.Rude(agent: "agent-01"), TestAlerts.Promo(agent: "agent-02"));
        var lena = await _host.LoginAsync("lena");
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("o"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("o"));
        var overview = (await lena.GetFromJsonAsync<JsonObject>($"/api/overview?store=shop-a&from={from}&to={to}"))!;
        Assert.Equal(3, (long?)overview["totals"]!["total"]);
        Assert.Equal(2, (long?)overview["totals"]!["rule:rude_language"]);
        Assert.Equal(2, (long?)overview["totals"]!["agent:agent-01"]);
        Assert.NotEmpty(overview["hours"]!.AsArray());
    }
}
