using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.InspectorConsole.Insights;
using Alerting.InspectorConsole.Review;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// The coverage counters against the reference computation that reads the stream: on one varied data set (entries
/// spread over four days, revisions and resolutions across hour and day boundaries, retried and superseded revisions,
/// hostile rule names, entries that are not alerts, verdicts given twice, claims, releases, expired claims, silences and
/// an alert leaving its silence), every window gives the same coverage both ways — before and after the counters are
/// rebuilt from the stream and after retention trims the oldest day.
/// </summary>
public sealed class CoverageCounterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Shop = ConsoleHost.ShopA;
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ReviewStore Reviews => _host.Services.GetRequiredService<ReviewStore>();
    private InsightService Insights => _host.Services.GetRequiredService<InsightService>();

    private static readonly string[] Rules = ["rude_language", "wrong_promo_answer", "slow_response", "规则|含竖线", ""];
    private static readonly string[] Terms = ["爱买不买", "不知道", "自己看"];

    private sealed record Written(string AlertId, string Rule, string EntryId, string Term, string Agent);

    private static JsonObject AlertJson(string alertId, string rule, int revision, string status, string term, string agent)
    {
        var o = new JsonObject
        {
            ["alertId"] = alertId, ["shopId"] = Shop, ["severity"] = "high", ["agentId"] = agent, ["conversationId"] = "c-" + alertId,
            ["status"] = status, ["revision"] = revision, ["eventTime"] = "2026-12-01T00:00:00Z", ["summary"] = "测试 " + alertId,
            ["evidence"] = new JsonObject { ["matches"] = new JsonArray(new JsonObject { ["term"] = term, ["start"] = 0, ["length"] = term.Length }), ["text"] = term },
        };
        if (rule.Length > 0) o["rule"] = rule; // one rule is missing altogether: counted under ""
        return o;
    }

    /// <summary>Appends entries with explicit ids (ms-seq, increasing), shaped like the worker's.</summary>
    private async Task<List<Written>> AppendAsync(IEnumerable<(long Ms, string AlertId, string Rule, int Revision, string Status, string Term, string Agent)> entries)
    {
        var written = new List<Written>();
        long lastMs = 0, seq = 0;
        var last = await _host.Db.StreamRangeAsync("alerts:stream:{shop-a}", "-", "+", 1, Order.Descending);
        if (last.Length == 1) (lastMs, seq) = (StreamIds.Millis(last[0].Id!), long.Parse(last[0].Id.ToString().Split('-')[1], CultureInfo.InvariantCulture));
        foreach (var e in entries.OrderBy(e => e.Ms))
        {
            if (e.Ms > lastMs) (lastMs, seq) = (e.Ms, 0);
            else seq++;
            var id = $"{lastMs}-{seq}";
            if (e.AlertId.Length == 0)
            {
                // Not an alert: no alert field, or a field that is not JSON.
                await _host.Db.StreamAddAsync("alerts:stream:{shop-a}", e.Rule == "" ? new NameValueEntry[] { new("note", "x") } : new NameValueEntry[] { new("alert", "{not json") }, id);
                continue;
            }
            var json = AlertJson(e.AlertId, e.Rule, e.Revision, e.Status, e.Term, e.Agent).ToJsonString();
            await _host.Db.StreamAddAsync("alerts:stream:{shop-a}",
                [new("alertId", e.AlertId), new("rule", e.Rule), new("status", e.Status), new("revision", e.Revision), new("alert", json)], id);
            written.Add(new Written(e.AlertId, e.Rule, id, e.Term, e.Agent));
        }
        return written;
    }

    private async Task<int> AssertSameAsync(IReadOnlyList<Window> windows, string phase)
    {
        foreach (var w in windows)
        {
            var fromCounters = await Insights.CoverageFromCountersAsync(Shop, w);
            var fromStream = await Insights.CoverageFromStreamAsync(Shop, w);
            Assert.True(JsonSerializer.Serialize(fromStream) == JsonSerializer.Serialize(fromCounters),
                $"{phase}: window {w.From:o} – {w.To:o}\nstream:   {JsonSerializer.Serialize(fromStream)}\ncounters: {JsonSerializer.Serialize(fromCounters)}");
        }
        return windows.Count;
    }

    [Fact]
    public async Task CoverageFromCounters_EqualsCoverageFromTheStream_ForEveryWindow_BeforeAndAfterRebuildAndTrim()
    {
        var rng = new Random(18);
        var now = _host.Time.GetUtcNow();
        var start = now.AddDays(-4).ToUnixTimeMilliseconds() + 1234; // not on an hour
        var cut = start + (long)TimeSpan.FromDays(1).TotalMilliseconds;  // the day retention will trim
        var end = now.ToUnixTimeMilliseconds() - 60_000;
        var entries = new List<(long, string, string, int, string, string, string)>();
        var alerts = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            var id = "a-" + i.ToString("D3", CultureInfo.InvariantCulture);
            var rule = Rules[rng.Next(Rules.Length)];
            var term = Terms[rng.Next(Terms.Length)];
            var agent = "agent-" + rng.Next(5);
            var first = start + (long)(rng.NextDouble() * (end - start));
            // Alerts raised on the first day stay within it (so trimming that day removes them whole).
            var limit = first < cut ? cut - 1 : end;
            entries.Add((first, id, rule, 0, "firing", term, agent));
            alerts.Add(id);
            var revisions = rng.Next(4); // 0–3 more entries: revisions (some across an hour or day), a retry, a resolution
            var t = first;
            for (var r = 1; r <= revisions; r++)
            {
                t = Math.Min(limit, t + (long)(rng.NextDouble() * (rng.Next(3) == 0 ? 30 * 3_600_000.0 : 40 * 60_000.0)));
                var rev = rng.Next(5) == 0 ? r - 1 : r; // sometimes the same revision again (a retried write) or an older one
                entries.Add((t, id, rule, rev, r == revisions && rng.Next(2) == 0 ? "resolved" : "firing", term, agent));
            }
        }
        for (var i = 0; i < 20; i++) entries.Add((start + (long)(rng.NextDouble() * (end - start)), "", i % 2 == 0 ? "" : "x", 0, "", "", ""));
        var written = await AppendAsync(entries);
        await Reviews.SweepAsync(Shop);

        // Review: verdicts (some twice, some on an older entry), claims, releases, a silence.
        var ackedTwice = 0;
        foreach (var id in alerts.Where(_ => rng.Next(100) < 40))
        {
            var mine = written.Where(w => w.AlertId == id).ToList();
            var entry = mine[rng.Next(mine.Count)].EntryId;
            var r = await Reviews.AcknowledgeAsync(Shop, id, entry, rng.Next(3) == 0 ? Verdict.FalseAlarm : Verdict.Confirmed, "", "alice");
            Assert.Equal("ok", r.Outcome);
            if (rng.Next(4) == 0)
            {
                Assert.Equal("reviewed", (await Reviews.AcknowledgeAsync(Shop, id, entry, Verdict.Confirmed, "", "bob")).Outcome);
                ackedTwice++;
            }
        }
        foreach (var id in alerts.Where(_ => rng.Next(100) < 25))
        {
            var r = await Reviews.ClaimAsync(Shop, id, "alice");
            if (r.Ok && rng.Next(3) == 0) Assert.Equal("ok", (await Reviews.ReleaseAsync(Shop, id, "alice")).Outcome);
        }
        var (_, silencedNow) = await Reviews.AddSilenceAsync(new Silence
        {
            Id = "s-1", Store = Shop, Kind = "term", Value = "不知道", Reason = "校准中", CreatedBy = "lena",
            CreatedAt = now, ExpiresAt = now.AddHours(1),
        });
        Assert.True(silencedNow > 0);
        // Let some claims expire; claim a few more afresh (bob), and write late revisions: a silenced alert whose new
        // revision no longer matches the silence comes back into the pool, a reviewed one stays reviewed.
        _host.Time.Advance(ConsoleHost.ClaimTimeout + TimeSpan.FromMinutes(1));
        await Reviews.SweepAsync(Shop);
        foreach (var id in alerts.Where(_ => rng.Next(100) < 10)) await Reviews.ClaimAsync(Shop, id, "bob");
        var late = written.Where(w => StreamIds.Millis(w.EntryId) >= cut).GroupBy(w => w.AlertId).Where(_ => rng.Next(100) < 15)
            .Select(g => (now.ToUnixTimeMilliseconds(), g.Key, g.First().Rule, 9, "firing", Terms[rng.Next(Terms.Length)], g.First().Agent)).ToList();
        written.AddRange(await AppendAsync(late));
        await Reviews.SweepAsync(Shop);

        var today = Insights.WindowFor(Shop, null, null);
        var windows = new List<Window> { today, new(DateTimeOffset.FromUnixTimeMilliseconds(start - 1), now.AddHours(1), "UTC") };
        var day0 = DateTimeOffset.FromUnixTimeMilliseconds(start).UtcDateTime.Date;
        for (var d = 0; d < 6; d++) windows.Add(new Window(new DateTimeOffset(day0.AddDays(d), TimeSpan.Zero), new DateTimeOffset(day0.AddDays(d + 1), TimeSpan.Zero), "UTC"));
        for (var i = 0; i < 80; i++)
        {
            var from = DateTimeOffset.FromUnixTimeMilliseconds(start - 7_200_000 + (long)(rng.NextDouble() * (end - start + 10_800_000)));
            var length = TimeSpan.FromMilliseconds(i % 4 switch
            {
                0 => rng.Next(1, 3_600_000),                                // under an hour, mostly inside one
                1 => rng.Next(3_600_000, 3 * 3_600_000),                   // across hour edges
                2 => rng.NextDouble() * TimeSpan.FromDays(2).TotalMilliseconds,
                _ => rng.NextDouble() * TimeSpan.FromDays(31).TotalMilliseconds,
            });
            windows.Add(new Window(from, from + length + TimeSpan.FromMilliseconds(1), "UTC"));
        }
        // Windows whose edges sit exactly on entries and on hours.
        foreach (var w in written.Where((_, i) => i % 97 == 0))
        {
            var t = DateTimeOffset.FromUnixTimeMilliseconds(StreamIds.Millis(w.EntryId));
            windows.Add(new Window(t, t.AddHours(2), "UTC"));
            windows.Add(new Window(t.AddHours(-3), t, "UTC"));
        }

        var all = await Insights.CoverageFromStreamAsync(Shop, windows[1]);
        output.WriteLine($"{alerts.Count} alerts, {written.Count} alert entries + 20 non-alerts; whole span: {JsonSerializer.Serialize(all.Total)}; verdicts given twice: {ackedTwice}");
        Assert.Equal(alerts.Count, all.Total.Raised);
        Assert.True(all.Total.Reviewed > 0 && all.Total.Silenced > 0 && all.Total.Claimed > 0 && all.Total.Open > 0, JsonSerializer.Serialize(all.Total));
        Assert.Equal(Rules.Length, all.Rules.Count);
        Assert.NotNull(all.Oldest);
        var compared = await AssertSameAsync(windows, "live counters");

        // Rebuilt from scratch, as after an upgrade: the backfill alone gives the same counters.
        await _host.Db.KeyDeleteAsync(["console:coverage:{shop-a}", "console:coverage-first:{shop-a}", "console:coverage-rule:{shop-a}",
            "console:coverage-unreviewed:{shop-a}", "console:coverage-rules:{shop-a}", "console:coverage-backfilled:{shop-a}"]);
        var rebuilt = _host.Services.GetRequiredService<ReviewStore>();
        await rebuilt.BackfillCoverageAsync(Shop);
        compared += await AssertSameAsync(windows, "rebuilt counters");

        // Retention trims the first day: its alerts leave the counters as they leave the stream.
        await _host.Db.ExecuteAsync("XTRIM", "alerts:stream:{shop-a}", "MINID", cut.ToString(CultureInfo.InvariantCulture));
        Assert.True(await Reviews.TrimGoneAsync(Shop) > 0);
        compared += await AssertSameAsync(windows, "after trim");
        var cutHour = cut / 3_600_000;
        var fields = await _host.Db.HashKeysAsync("console:coverage:{shop-a}");
        Assert.DoesNotContain(fields, f => long.Parse(f.ToString().Split('|')[0], CultureInfo.InvariantCulture) < cutHour);
        var afterTrim = await Insights.CoverageFromCountersAsync(Shop, windows[1]);
        output.WriteLine($"after trim: {JsonSerializer.Serialize(afterTrim.Total)}; {fields.Length} counter fields; {compared} window comparisons, all equal");
        Assert.True(afterTrim.Total.Raised < alerts.Count && afterTrim.Total.Raised > 0);
    }
}
