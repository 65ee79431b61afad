using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.InspectorConsole.Escalation;
using Alerting.InspectorConsole.Review;
using Alerting.Notifications;
using Alerting.Notifications.Tests;
using Alerting.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// Escalation of alerts left unclaimed, against a real Redis, the running console (its hosted check on the fake
/// clock) and a local HTTP webhook: once per alert, also with two instances racing; never for a claimed, reviewed
/// or silenced alert; shown as <c>escalatedAt</c> in the feed and counted in the coverage meter's <c>pastLimit</c>.
/// </summary>
public sealed class EscalationTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;
    private ReceiverEndpoint _webhook = null!;

    public async Task InitializeAsync()
    {
        _webhook = await ReceiverEndpoint.StartAsync();
        _host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["Escalation:Limits:critical"] = "00:02:00",
            ["Escalation:Limits:high"] = "00:10:00",
            ["Escalation:Stores:0:Store"] = ConsoleHost.ShopB,
            ["Escalation:Stores:0:Limits:critical"] = "00:00:00", // shop-b: no limit for critical alerts
            ["Escalation:CheckInterval"] = "00:00:05",
            ["Notifications:Receivers:0:Name"] = "lead-webhook",
            ["Notifications:Receivers:0:Kind"] = "webhook",
            ["Notifications:Receivers:0:Url"] = _webhook.BaseUrl + "/escalations",
            ["Notifications:Receivers:0:MinSeverity"] = "high",
            ["Notifications:Receivers:0:GroupWaitSeconds"] = "0",
            ["Notifications:Receivers:0:GroupIntervalSeconds"] = "1", // grouping runs on real time: keep it short
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _webhook.DisposeAsync();
    }

    private async Task SweepAsync()
    {
        var reviews = _host.Services.GetRequiredService<ReviewStore>();
        await reviews.SweepAsync(ConsoleHost.ShopA);
        await reviews.SweepAsync(ConsoleHost.ShopB);
    }

    /// <summary>Every alert id the webhook received, over all its requests (a request is a JSON array of alerts).</summary>
    private List<string> Received() => _webhook.Requests.SelectMany(r => r.Json.AsArray()).Select(a => (string)a!["alertId"]!).ToList();

    private static async Task WaitUntilAsync(Func<bool> done, string what)
    {
        for (var i = 0; i < 200 && !done(); i++) await Task.Delay(50);
        Assert.True(done(), what);
    }

    [Fact]
    public async Task AnUnclaimedCriticalAlert_PastItsLimit_IsEscalatedOnce_MarkedInTheFeed_AndCountedPastLimit()
    {
        var critical = TestAlerts.Rude(severity: Severity.Critical);
        var claimed = TestAlerts.Rude(severity: Severity.Critical);
        var high = TestAlerts.Promo(severity: Severity.High);
        var otherStore = TestAlerts.Rude(shop: ConsoleHost.ShopB, severity: Severity.Critical);
        await _host.WriteAsync(critical, claimed, high, otherStore);
        await SweepAsync();
        var alice = await _host.LoginAsync("alice");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await alice.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = claimed.AlertId })).StatusCode);
        Assert.Equal(0, (int?)(await alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a"))!["pastLimit"]);

        // 1:30 later: nothing is past 2 minutes yet, although the check ran.
        _host.Time.Advance(TimeSpan.FromSeconds(90));
        await Task.Delay(300);
        Assert.Empty(_webhook.Requests);

        // 2:30: the unclaimed critical alert is past its limit; the claimed one (someone is on it), the high one
        // (10 minutes) and shop-b's (no critical limit there) are not.
        _host.Time.Advance(TimeSpan.FromSeconds(60));
        await WaitUntilAsync(() => _webhook.Count >= 1, "the webhook should receive the escalation");
        Assert.Equal(1, (int?)(await alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a"))!["pastLimit"]);
        var lena = await _host.LoginAsync("lena");
        Assert.Equal(0, (int?)(await lena.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-b"))!["pastLimit"]);

        // Further checks, later: still one escalation.
        for (var i = 0; i < 4; i++)
        {
            _host.Time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(150);
        }
        Assert.Equal([critical.AlertId], Received());
        var notice = _webhook.Requests.Single().Json.AsArray().Single()!;
        Assert.StartsWith("【升级 escalated】", (string?)notice["summary"], StringComparison.Ordinal);
        Assert.Equal(120.0, (double?)notice["evidence"]!["escalation"]!["limitSeconds"]);

        var items = (await alice.GetFromJsonAsync<JsonArray>("/api/alerts?store=shop-a"))!;
        var marked = items.Single(e => (string?)e!["alert"]!["alertId"] == critical.AlertId)!;
        var at = DateTimeOffset.Parse((string)marked["escalatedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(at, _host.Time.GetUtcNow() - TimeSpan.FromMinutes(2), _host.Time.GetUtcNow());
        Assert.All(items.Where(e => (string?)e!["alert"]!["alertId"] != critical.AlertId), e => Assert.Null(e!["escalatedAt"]));

        // A feed that connects now shows the mark on the item, and the escalation as a review change.
        await using var feed = await SseClient.OpenAsync(alice, "/api/feed?store=shop-a");
        var events = await feed.ReadUntilAsync(e => e.Name == "caughtup");
        Assert.NotNull(events.Single(e => e.Name == "alert" && (string?)e.Data["alert"]!["alertId"] == critical.AlertId).Data["escalatedAt"]);

        // 10:30: the high alert passes its 10 minutes, and the claim (5 minutes, never acknowledged) has returned the
        // other critical alert to the pool, long past its limit: both are escalated, once each.
        _host.Time.Advance(TimeSpan.FromMinutes(8));
        for (var i = 0; i < 40 && Received().Count < 3; i++)
        {
            _host.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(100);
        }
        Assert.Equal(3, (int?)(await alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a"))!["pastLimit"]);
        await Task.Delay(300);
        Assert.Equal(new[] { critical.AlertId, claimed.AlertId, high.AlertId }.Order(StringComparer.Ordinal), Received().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(otherStore.AlertId, Received());
    }

    [Fact]
    public async Task TwoInstancesRacing_EscalateEachAlertExactlyOnce_AndNeverAReviewedOrSilencedOne()
    {
        var alerts = Enumerable.Range(0, 12).Select(i => TestAlerts.Rude(severity: Severity.Critical, agent: i == 1 ? "agent-silenced" : "agent-07")).ToList();
        await _host.WriteAsync([.. alerts]);
        await SweepAsync();
        var reviews = _host.Services.GetRequiredService<ReviewStore>();
        // One reviewed (a verdict), one silenced by a lead: neither is escalated.
        var alice = await _host.LoginAsync("alice");
        await alice.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = alerts[0].AlertId });
        var entry = (await _host.Db.StreamRangeAsync("alerts:stream:{shop-a}", "-", "+")).Single(e => (string?)e["alertId"] == alerts[0].AlertId).Id.ToString();
        await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = alerts[0].AlertId, entryId = entry, verdict = "confirmed", note = "" });
        var lena = await _host.LoginAsync("lena");
        var silence = await lena.PostAsJsonAsync("/api/silences", new { store = "shop-a", kind = "agent", value = "agent-silenced", reason = "培训中的新客服", minutes = 60 });
        Assert.True(silence.IsSuccessStatusCode, await silence.Content.ReadAsStringAsync());

        // A second instance: its own escalator and notifier, the same Redis, config and webhook.
        var sp = _host.Services;
        var notifierB = new AlertNotifier(sp.GetRequiredService<NotificationOptions>(), TimeProvider.System, NullLoggerFactory.Instance);
        using var dispatcherB = new NotificationDispatcher(notifierB);
        await dispatcherB.StartAsync(default);
        var b = new Escalator(_host.Mux, sp.GetRequiredService<ConsoleKeys>(), sp.GetRequiredService<ConsoleOptions>(), sp.GetRequiredService<RedisAlertingOptions>(),
            sp.GetRequiredService<EscalationOptions>(), notifierB);
        var a = sp.GetRequiredService<Escalator>();
        var now = _host.Time.GetUtcNow() + TimeSpan.FromMinutes(3); // passed explicitly: the hosted check does not run (fake time stands still)

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).EscalateAsync(ConsoleHost.ShopA, now))));
        var escalated = results.SelectMany(x => x).Select(x => x.AlertId).ToList();
        var expected = alerts.Skip(2).Select(x => x.AlertId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, escalated.Order(StringComparer.Ordinal).ToList()); // each exactly once over all six racing calls
        await WaitUntilAsync(() => Received().Count >= expected.Count, "the webhook should receive every escalation");
        await Task.Delay(500);
        Assert.Equal(expected, Received().Order(StringComparer.Ordinal).ToList());
        Assert.Equal(expected.Count, (await a.EscalatedAtAsync(ConsoleHost.ShopA, alerts.Select(x => x.AlertId).ToList())).Count);
        Assert.Empty(await b.EscalateAsync(ConsoleHost.ShopA, now + TimeSpan.FromMinutes(5)));
        // The flag expires with the dedupe TTL (an alert still in the stream keeps its mark).
        var ttl = await _host.Db.KeyTimeToLiveAsync(a.FlagKey(ConsoleHost.ShopA, expected[0]));
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(7), new RedisAlertingOptions().DedupeTtl);
        await dispatcherB.StopAsync(default);
        notifierB.Dispose();
    }

    [Fact]
    public void Options_AreValidated_AndStoreLimitsOverrideTheDefaults()
    {
        var o = new EscalationOptions
        {
            Limits = new() { ["critical"] = TimeSpan.FromMinutes(2), ["HIGH"] = TimeSpan.FromMinutes(10) },
            Stores = [new StoreEscalation { Store = "店铺 A", Limits = new() { ["critical"] = TimeSpan.FromMinutes(1), ["high"] = TimeSpan.Zero } }],
        };
        Assert.Empty(o.Validate());
        Assert.Equal(TimeSpan.FromMinutes(1), o.LimitFor("店铺 A", "critical"));
        Assert.Null(o.LimitFor("店铺 A", "high"));
        Assert.Equal(TimeSpan.FromMinutes(10), o.LimitFor("shop-x", "high"));
        Assert.Null(o.LimitFor("shop-x", "medium"));
        Assert.Equal(TimeSpan.FromMinutes(1), o.ShortestLimit("店铺 A"));
        Assert.Null(new EscalationOptions().ShortestLimit("shop-x"));

        var bad = new EscalationOptions
        {
            Limits = new() { ["urgent"] = TimeSpan.FromMinutes(1), ["high"] = TimeSpan.FromMinutes(-1) },
            Stores = [new StoreEscalation { Store = "a" }, new StoreEscalation { Store = "a" }, new StoreEscalation { Store = " " }],
            CheckInterval = TimeSpan.Zero,
        }.Validate();
        Assert.Contains(bad, p => p.StartsWith("Escalation:Limits:urgent:", StringComparison.Ordinal));
        Assert.Contains(bad, p => p.StartsWith("Escalation:Limits:high:", StringComparison.Ordinal));
        Assert.Contains(bad, p => p.StartsWith("Escalation:Stores:1:Store:", StringComparison.Ordinal));
        Assert.Contains(bad, p => p.StartsWith("Escalation:Stores:2:Store:", StringComparison.Ordinal));
        Assert.Contains(bad, p => p.StartsWith("Escalation:CheckInterval:", StringComparison.Ordinal));
    }
}
