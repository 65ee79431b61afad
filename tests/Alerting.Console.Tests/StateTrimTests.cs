using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.InspectorConsole.Review;
using Alerting.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// The review state (verdicts, claims, silenced markers, current entries) is bounded by the stream: once retention
/// has trimmed every entry of an alert, its state goes; state of alerts still in the stream stays. On a real redis-server,
/// with the worker's own <see cref="StreamRetention"/> doing the trimming.
/// </summary>
public sealed class StateTrimTests : IAsyncLifetime
{
    private static readonly RedisKey Stream = "alerts:stream:{shop-a}";
    private static readonly RedisKey Verdicts = "console:verdicts:{shop-a}";
    private static readonly RedisKey Claims = "console:claims:{shop-a}";
    private static readonly RedisKey Current = "console:current:{shop-a}";
    private static readonly RedisKey Silenced = "console:silenced:{shop-a}";
    private static readonly RedisKey Newest = "console:newest:{shop-a}";
    private static readonly RedisKey Backfilled = "console:newest-backfilled:{shop-a}";
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ReviewStore Reviews => _host.Services.GetRequiredService<ReviewStore>();

    private async Task<string> EntryIdOfAsync(string alertId)
    {
        var all = await _host.Db.StreamRangeAsync(Stream, "-", "+");
        return all.Last(e => (string?)e["alertId"] == alertId).Id.ToString();
    }

    private static long Millis(string entryId) => StreamIds.Millis(entryId);

    /// <summary>Waits (bounded) until Redis' clock has passed the millisecond of <paramref name="entryId"/>, so the next entry gets a later one.</summary>
    private async Task NextMillisecondAfterAsync(string entryId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var time = (RedisResult[])(await _host.Db.ExecuteAsync("TIME"))!;
            var ms = long.Parse((string)time[0]!, CultureInfo.InvariantCulture) * 1000 + long.Parse((string)time[1]!, CultureInfo.InvariantCulture) / 1000;
            if (ms > Millis(entryId)) return;
            await Task.Delay(1);
        }
        throw new TimeoutException("Redis clock did not advance");
    }

    /// <summary>Runs the worker's retention (1 h) at a <c>now</c> that puts its cutoff at <paramref name="keepFrom"/>: older entries go unless pending.</summary>
    private async Task<long> RetainFromAsync(string keepFrom)
    {
        var options = new RedisAlertingOptions { ConnectionString = _host.Redis.ConnectionString, Retention = TimeSpan.FromHours(1) };
        var report = await new StreamRetention(_host.Mux, options).TrimAsync(
            DateTimeOffset.FromUnixTimeMilliseconds(Millis(keepFrom)) + options.Retention, CancellationToken.None);
        Assert.Equal(0, report.FailedStreams);
        return report.Trimmed;
    }

    private async Task<HttpResponseMessage> AckAsync(HttpClient client, Alert alert, string verdict = "confirmed")
        => await client.PostAsJsonAsync("/api/alerts/ack",
            new { store = "shop-a", alertId = alert.AlertId, entryId = await EntryIdOfAsync(alert.AlertId), verdict });

    [Fact]
    public async Task TrimGone_RemovesVerdictsAndSilencedMarkersOfTrimmedAlerts_AndLiveAlertsKeepVerdictAndClaimInTheApi()
    {
        var alice = await _host.LoginAsync("alice");
        var bob = await _host.LoginAsync("bob");
        var lena = await _host.LoginAsync("lena");
        var oldReviewed = TestAlerts.Rude();
        var oldSilenced = TestAlerts.Rude(agent: "agent-muted");
        await _host.WriteAsync(oldReviewed, oldSilenced);
        (await AckAsync(alice, oldReviewed, "false_alarm")).EnsureSuccessStatusCode();
        (await lena.PostAsJsonAsync("/api/silences", new { store = "shop-a", kind = "agent", value = "agent-muted", reason = "培训中", minutes = 60 })).EnsureSuccessStatusCode();
        Assert.True(await _host.Db.HashExistsAsync(Silenced, oldSilenced.AlertId));

        await NextMillisecondAfterAsync(await EntryIdOfAsync(oldSilenced.AlertId));
        var liveReviewed = TestAlerts.Promo();
        var liveClaimed = TestAlerts.Slow();
        await _host.WriteAsync(liveReviewed, liveClaimed);
        (await AckAsync(alice, liveReviewed)).EnsureSuccessStatusCode();
        (await bob.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = liveClaimed.AlertId })).EnsureSuccessStatusCode();

        Assert.Equal(2, await RetainFromAsync(await EntryIdOfAsync(liveReviewed.AlertId)));
        Assert.Equal(2, await Reviews.TrimGoneAsync("shop-a"));

        Assert.False(await _host.Db.HashExistsAsync(Verdicts, oldReviewed.AlertId));
        Assert.False(await _host.Db.HashExistsAsync(Silenced, oldSilenced.AlertId));
        Assert.Null(await _host.Db.SortedSetScoreAsync(Newest, oldReviewed.AlertId));
        Assert.Null(await _host.Db.SortedSetScoreAsync(Newest, oldSilenced.AlertId));
        Assert.True(await _host.Db.HashExistsAsync(Verdicts, liveReviewed.AlertId));
        Assert.True(await _host.Db.HashExistsAsync(Claims, liveClaimed.AlertId));
        Assert.Equal(2, await _host.Db.SortedSetLengthAsync(Newest));
        Assert.Equal(0, await Reviews.TrimGoneAsync("shop-a"));

        var alerts = (await bob.GetFromJsonAsync<JsonArray>("/api/alerts?store=shop-a"))!;
        var states = alerts.ToDictionary(a => (string)a!["alert"]!["alertId"]!, a => a!["review"]!);
        Assert.Equal(new[] { liveClaimed.AlertId, liveReviewed.AlertId }.Order(StringComparer.Ordinal), states.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("reviewed", (string?)states[liveReviewed.AlertId]["state"]);
        Assert.Equal("confirmed", (string?)states[liveReviewed.AlertId]["verdict"]!["outcome"]);
        Assert.Equal("claimed", (string?)states[liveClaimed.AlertId]["state"]);
        Assert.Equal("bob", (string?)states[liveClaimed.AlertId]["claimedBy"]);
        var csv = await lena.GetStringAsync("/api/verdicts.csv?store=shop-a");
        Assert.Contains(liveReviewed.AlertId, csv, StringComparison.Ordinal);
        Assert.DoesNotContain(oldReviewed.AlertId, csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrimGone_KeepsAVerdict_WhileALaterRevisionOfItsAlertIsStillInTheStream()
    {
        var alice = await _host.LoginAsync("alice");
        var alert = TestAlerts.Rude();
        await _host.WriteAsync(alert);
        (await AckAsync(alice, alert)).EnsureSuccessStatusCode();
        var reviewedEntry = await EntryIdOfAsync(alert.AlertId);
        await NextMillisecondAfterAsync(reviewedEntry);
        await _host.WriteAsync(TestAlerts.Revised(alert, 1));
        await Reviews.SweepAsync("shop-a");
        var revisionEntry = await EntryIdOfAsync(alert.AlertId);

        Assert.Equal(1, await RetainFromAsync(revisionEntry));
        Assert.Equal(0, await Reviews.TrimGoneAsync("shop-a"));
        var alerts = (await alice.GetFromJsonAsync<JsonArray>("/api/alerts?store=shop-a"))!;
        var only = Assert.Single(alerts)!;
        Assert.Equal(1, (int?)only["alert"]!["revision"]);
        Assert.Equal("reviewed", (string?)only["review"]!["state"]);

        await NextMillisecondAfterAsync(revisionEntry);
        var later = TestAlerts.Promo();
        await _host.WriteAsync(later);
        await Reviews.SweepAsync("shop-a");
        Assert.Equal(1, await RetainFromAsync(await EntryIdOfAsync(later.AlertId)));
        Assert.Equal(1, await Reviews.TrimGoneAsync("shop-a"));
        Assert.False(await _host.Db.HashExistsAsync(Verdicts, alert.AlertId));
        Assert.True(await _host.Db.HashExistsAsync(Current, later.AlertId));
    }

    [Fact]
    public async Task TrimGone_ClearsClaimAndCurrentEntry_AndAcknowledgesIt_WhenTheStreamWasEmptiedUnderThem()
    {
        // Retention never trims a pending entry; something else (a manual XTRIM) did, and emptied the stream.
        var bob = await _host.LoginAsync("bob");
        var claimed = TestAlerts.Rude();
        var pooled = TestAlerts.Promo();
        await _host.WriteAsync(claimed, pooled);
        (await bob.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = claimed.AlertId })).EnsureSuccessStatusCode();
        var last = await EntryIdOfAsync(pooled.AlertId);
        await _host.Db.ExecuteAsync("XTRIM", Stream, "MINID", (Millis(last) + 1).ToString(CultureInfo.InvariantCulture) + "-0");
        Assert.Equal(0, await _host.Db.StreamLengthAsync(Stream));

        Assert.Equal(2, await Reviews.TrimGoneAsync("shop-a"));
        Assert.Equal(0, await _host.Db.HashLengthAsync(Claims));
        Assert.Equal(0, await _host.Db.HashLengthAsync(Current));
        Assert.Equal(0, await _host.Db.SortedSetLengthAsync(Newest));
        Assert.Empty(await _host.Db.StreamPendingMessagesAsync(Stream, "inspectors", 10, RedisValue.Null));
    }

    [Fact]
    public async Task TrimGone_IndexesStateWrittenBeforeTheIndexExisted_AndRemovesItOnlyOnceEverythingUpToTheUpgradeIsTrimmed()
    {
        var alice = await _host.LoginAsync("alice");
        var reviewed = TestAlerts.Rude();
        await _host.WriteAsync(reviewed);
        (await AckAsync(alice, reviewed)).EnsureSuccessStatusCode();
        await NextMillisecondAfterAsync(await EntryIdOfAsync(reviewed.AlertId));
        var newerBeforeUpgrade = TestAlerts.Promo();
        await _host.WriteAsync(newerBeforeUpgrade);

        // What a console before the index left behind: the same hashes, no index, no marker.
        await _host.StopConsoleAsync();
        await _host.Db.KeyDeleteAsync([Newest, Backfilled]);
        await _host.StartConsoleAsync();
        await Reviews.TrimGoneAsync("shop-a");

        // Indexed at the stream's last id at upgrade time: nothing newer existed then, so it is safe to forget only after that.
        var upgradeMark = Millis(await EntryIdOfAsync(newerBeforeUpgrade.AlertId));
        Assert.Equal(upgradeMark, await _host.Db.SortedSetScoreAsync(Newest, reviewed.AlertId));
        Assert.True(await _host.Db.KeyExistsAsync(Backfilled));

        Assert.Equal(1, await RetainFromAsync(await EntryIdOfAsync(newerBeforeUpgrade.AlertId)));
        Assert.Equal(0, await Reviews.TrimGoneAsync("shop-a"));
        Assert.True(await _host.Db.HashExistsAsync(Verdicts, reviewed.AlertId));

        await NextMillisecondAfterAsync(await EntryIdOfAsync(newerBeforeUpgrade.AlertId));
        var afterUpgrade = TestAlerts.Slow();
        await _host.WriteAsync(afterUpgrade);
        await Reviews.SweepAsync("shop-a");
        (await AckAsync(await _host.LoginAsync("alice"), newerBeforeUpgrade)).EnsureSuccessStatusCode();
        Assert.Equal(1, await RetainFromAsync(await EntryIdOfAsync(afterUpgrade.AlertId)));
        Assert.Equal(2, await Reviews.TrimGoneAsync("shop-a"));
        Assert.False(await _host.Db.HashExistsAsync(Verdicts, reviewed.AlertId));
        Assert.False(await _host.Db.HashExistsAsync(Verdicts, newerBeforeUpgrade.AlertId));
        Assert.True(await _host.Db.HashExistsAsync(Current, afterUpgrade.AlertId));
    }
}
