using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// deploy/redis/users.acl as shipped: the console does all its work as the <c>console</c> user, alerts are
/// written as the <c>worker</c> user, and neither can do the other's job (the console cannot forge or delete
/// alerts; the worker cannot touch review state); the default user is off.
/// </summary>
public sealed class RedisAclTests : IAsyncLifetime
{
    private const string WorkerPassword = "worker-test-pw";
    private const string ConsolePassword = "console-test-pw";
    private ConsoleHost _host = null!;
    private string _aclFile = null!;

    public async Task InitializeAsync()
    {
        var template = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "deploy", "redis", "users.acl"));
        static string Sha(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
        _aclFile = Path.Combine(Path.GetTempPath(), $"alerting-acl-{Guid.NewGuid():N}.acl");
        // The same substitution deploy/compose.yaml does at container start.
        await File.WriteAllTextAsync(_aclFile, template.Replace("@WORKER_PASSWORD_SHA256@", Sha(WorkerPassword), StringComparison.Ordinal)
            .Replace("@CONSOLE_PASSWORD_SHA256@", Sha(ConsolePassword), StringComparison.Ordinal));
        _host = await ConsoleHost.StartWithAclAsync(_aclFile, WorkerPassword, ConsolePassword);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        File.Delete(_aclFile);
    }

    [Fact]
    public async Task Console_DoesEverythingAsTheConsoleUser()
    {
        var rude = TestAlerts.Rude();
        await _host.WriteAsync(rude, TestAlerts.Promo(), TestAlerts.Batch()); // as the worker user
        var alice = await _host.LoginAsync("alice");
        await using (var feed = await SseClient.OpenAsync(alice, "/api/feed?store=shop-a"))
        {
            var events = await feed.ReadUntilAsync(e => e.Name == "caughtup");
            Assert.Contains(events, e => e.Name == "alert");
        }
        var claim = await alice.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = rude.AlertId });
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        var entry = (await _host.Db.StreamRangeAsync("alerts:stream:{shop-a}", "-", "+")).Last(e => (string?)e["alertId"] == rude.AlertId).Id.ToString();
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsJsonAsync("/api/alerts/ack", new { store = "shop-a", alertId = rude.AlertId, entryId = entry, verdict = "false_alarm", note = "ok" })).StatusCode);
        var coverage = (await alice.GetFromJsonAsync<JsonObject>("/api/coverage?store=shop-a"))!;
        Assert.Equal(1, (int?)coverage["total"]!["reviewed"]);

        var lena = await _host.LoginAsync("lena");
        foreach (var path in new[] { "/api/calibration?store=shop-a", "/api/overview?store=shop-a", "/api/verdicts.csv?store=shop-a", "/api/silences?store=shop-a" })
            Assert.Equal(HttpStatusCode.OK, (await lena.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lena.PostAsJsonAsync("/api/silences", new { store = "shop-a", kind = "rule", value = "slow_response", reason = "test", minutes = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.PostAsJsonAsync("/api/login", new { name = "alice", password = "wrong" })).StatusCode); // lockout counter written
        Assert.Equal(HttpStatusCode.NoContent, (await lena.PostAsync("/api/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lena.GetAsync("/api/me")).StatusCode);
        Assert.DoesNotContain(_host.Logs, l => l.Contains("NOPERM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConsoleUser_CannotForgeOrDeleteAlerts_AndWorkerUser_CannotTouchReviews()
    {
        await _host.WriteAsync(TestAlerts.Rude());
        await using var console = await ConnectionMultiplexer.ConnectAsync($"{_host.Redis.ConnectionString},user=console,password={ConsolePassword}");
        var db = console.GetDatabase();
        await AssertNoPermAsync(() => db.StreamAddAsync("alerts:stream:{shop-a}", "alert", "{}"));
        await AssertNoPermAsync(() => db.KeyDeleteAsync("alerts:stream:{shop-a}"));
        await AssertNoPermAsync(() => db.StringSetAsync("alerts:stream:{shop-a}", "x"));
        await AssertNoPermAsync(() => db.StreamTrimAsync("alerts:stream:{shop-a}", 0));
        await AssertNoPermAsync(() => db.KeyExpireAsync("alerts:stream:{shop-a}", TimeSpan.FromSeconds(1)));
        await AssertNoPermAsync(() => db.StreamDeleteAsync("alerts:stream:{shop-a}", ["0-1"]));
        await AssertNoPermAsync(() => db.StreamDeleteConsumerGroupAsync("alerts:stream:{shop-a}", "inspectors"));
        await AssertNoPermAsync(() => db.ScriptEvaluateAsync("return redis.call('XADD', KEYS[1], '*', 'alert', '{}')", ["alerts:stream:{shop-a}"]));
        await AssertNoPermAsync(() => db.HashSetAsync("alerts:count:{shop-a}:202611110000", "total", 99));
        await AssertNoPermAsync(() => db.StringSetAsync("alerts:seen:{shop-a}:x:firing:0", "1"));
        await AssertNoPermAsync(() => db.ExecuteAsync("FLUSHALL"));
        Assert.True((await db.StreamRangeAsync("alerts:stream:{shop-a}", "-", "+")).Length > 0, "the console still reads the stream");

        var worker = _host.Db;
        await AssertNoPermAsync(() => worker.HashSetAsync("console:verdicts:{shop-a}", "x", "{}"));
        await AssertNoPermAsync(() => worker.StringGetAsync("console:session:0000"));
        await AssertNoPermAsync(() => worker.ExecuteAsync("KEYS", "*"));

        await using var anonymous = await ConnectionMultiplexer.ConnectAsync(_host.Redis.ConnectionString + ",connectTimeout=2000");
        var error = await Assert.ThrowsAnyAsync<RedisException>(() => anonymous.GetDatabase().StringGetAsync("alerts:stream:{shop-a}"));
        Assert.Contains("NOAUTH", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Transcripts_AreWrittenByTheWorkerUser_AndOnlyReadByTheConsoleUser()
    {
        // Written as the worker user (the host's connection), exactly as the worker does.
        var writer = new Alerting.Redis.Transcripts.TranscriptWriter(_host.Mux, new Alerting.Redis.RedisAlertingOptions(), new Alerting.Redis.Transcripts.TranscriptOptions());
        Assert.Equal(2, await writer.MergeAsync([TranscriptTests.Msg("shop-a", "c-acl", 1), TranscriptTests.Msg("shop-a", "c-acl", 2, Alerting.Core.Messages.SenderKind.Agent)], default));
        var alice = await _host.LoginAsync("alice");
        var body = (await alice.GetFromJsonAsync<JsonObject>("/api/transcript?shop=shop-a&conversation=c-acl"))!;
        Assert.Equal(2, body["messages"]!.AsArray().Count);

        await using var console = await ConnectionMultiplexer.ConnectAsync($"{_host.Redis.ConnectionString},user=console,password={ConsolePassword}");
        var db = console.GetDatabase();
        await AssertNoPermAsync(() => db.ListRightPushAsync("alerts:transcript:{shop-a}:c-acl", "{}"));
        await AssertNoPermAsync(() => db.KeyDeleteAsync("alerts:transcript:{shop-a}:c-acl"));
        await AssertNoPermAsync(() => db.ScriptEvaluateAsync("return redis.call('DEL', KEYS[1])", ["alerts:transcript:{shop-a}:c-acl"]));
        Assert.Equal(2, await db.ListLengthAsync("alerts:transcript:{shop-a}:c-acl"));
        Assert.DoesNotContain(_host.Logs, l => l.Contains("NOPERM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Escalation_RunsAsTheConsoleUser()
    {
        var critical = TestAlerts.Rude(severity: Alerting.Core.Alerts.Severity.Critical);
        await _host.WriteAsync(critical); // as the worker user
        var sp = _host.Services;
        await sp.GetRequiredService<Alerting.InspectorConsole.Review.ReviewStore>().SweepAsync("shop-a");
        // The console's own connection (the console user), with a limit this host was not started with.
        var escalator = new Alerting.InspectorConsole.Escalation.Escalator(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<Alerting.InspectorConsole.Review.ConsoleKeys>(),
            sp.GetRequiredService<ConsoleOptions>(), sp.GetRequiredService<Alerting.Redis.RedisAlertingOptions>(),
            new Alerting.InspectorConsole.Escalation.EscalationOptions { Limits = new() { ["critical"] = TimeSpan.FromMinutes(2) } },
            sp.GetRequiredService<Alerting.Notifications.IAlertNotifier>());
        var now = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(3);
        Assert.Equal(1, await escalator.PastLimitCountAsync("shop-a", now));
        Assert.Equal([critical.AlertId], (await escalator.EscalateAsync("shop-a", now)).Select(a => a.AlertId));
        Assert.Single(await escalator.EscalatedAtAsync("shop-a", [critical.AlertId]));
        Assert.DoesNotContain(_host.Logs, l => l.Contains("NOPERM", StringComparison.Ordinal));
    }

    private static async Task AssertNoPermAsync(Func<Task> call)
    {
        var e = await Assert.ThrowsAnyAsync<RedisException>(call);
        Assert.True(e.Message.Contains("NOPERM", StringComparison.Ordinal) || e.Message.Contains("can't access", StringComparison.Ordinal), e.Message);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Alerting.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
