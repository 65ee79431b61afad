using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.InspectorConsole.Hosting;
using Alerting.InspectorConsole.Insights;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// The console as an attacker on the network meets it, against the running console and a real redis-server:
/// login timing and throttling, lockout, sessions, cookie and proxy handling, security headers.
/// </summary>
public sealed partial class SecurityTests(ITestOutputHelper output)
{
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Limits high enough that only the limit under test can refuse.</summary>
    private static (string, string?)[] NoLimits =>
    [
        ("Console:Login:PerAddressPerMinute", "100000"), ("Console:Login:PerNamePerMinute", "100000"), ("Console:Login:FailuresBeforeLockout", "100000"),
    ];

    private static Task<HttpResponseMessage> Login(HttpClient c, string name, string password) => c.PostAsJsonAsync("/api/login", new { name, password });

    [Fact]
    public async Task Login_UnknownName_TakesAsLongAsAKnownNameWithAWrongPassword()
    {
        // A user hashed as hash-password does (600,000 iterations); the dummy hash follows the largest count.
        var hash = PasswordHashing.Hash("pw-vera");
        await using var host = await ConsoleHost.StartAsync(Settings([.. NoLimits,
            ("Console:Users:4:Name", "vera"), ("Console:Users:4:PasswordHash", hash), ("Console:Users:4:Role", "inspector"), ("Console:Users:4:Stores:0", "shop-a")]));
        var client = host.Anonymous();
        await Login(client, "vera", "warm-up");
        await Login(client, "nobody", "warm-up");
        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            foreach (var (name, times) in new[] { ("vera", known), ($"nobody-{i}", unknown) })
            {
                var clock = Stopwatch.StartNew();
                var r = await Login(client, name, "wrong-" + i);
                times.Add(clock.Elapsed.TotalMilliseconds);
                Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            }
        }
        static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        var ratio = Median(unknown) / Median(known);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median login time: known name, wrong password {Median(known):0.0} ms; unknown name {Median(unknown):0.0} ms; ratio {ratio:0.00}"));
        Assert.True(Median(known) > 20, "a 600,000-iteration check should take real time");
        Assert.InRange(ratio, 0.67, 1.5);
    }

    [Fact]
    public async Task Login_PerAddressLimit_Answers429AfterTheConfiguredCount_WithRetryAfter_AndCountsIt()
    {
        await using var host = await ConsoleHost.StartAsync(Settings(("Console:Login:PerAddressPerMinute", "3"), ("Console:Login:PerNamePerMinute", "1000"), ("Console:Login:FailuresBeforeLockout", "1000")));
        using var failures = new LoginFailureCounter(host);
        var client = host.Anonymous();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, "name-" + i, "x")).StatusCode);
        var refused = await Login(client, "alice", "pw-alice");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(1, failures.Of("rate_limited_address"));
        Assert.Equal(3, failures.Of("bad_credentials"));
    }

    [Fact]
    public async Task Login_PerNameLimit_Answers429ForThatNameOnly()
    {
        await using var host = await ConsoleHost.StartAsync(Settings(("Console:Login:PerAddressPerMinute", "1000"), ("Console:Login:PerNamePerMinute", "3"), ("Console:Login:FailuresBeforeLockout", "1000")));
        var client = host.Anonymous();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, "alice", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Login(client, "alice", "pw-alice")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Login(host.Anonymous(), "bob", "pw-bob")).StatusCode);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("mallory")] // an unknown name locks exactly like a real one
    public async Task Login_RepeatedFailures_LockTheName_UntilTheUnlockTime_ThenTheLockoutDoubles(string name)
    {
        await using var host = await ConsoleHost.StartAsync(Settings(("Console:Login:PerAddressPerMinute", "1000"), ("Console:Login:PerNamePerMinute", "1000"),
            ("Console:Login:FailuresBeforeLockout", "3"), ("Console:Login:LockoutDuration", "00:01:00")));
        var client = host.Anonymous();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, name, "wrong")).StatusCode);

        var locked = await Login(client, name, "pw-" + name);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        var unlockAt = DateTimeOffset.Parse((string)(await locked.Content.ReadFromJsonAsync<JsonObject>())!["unlockAt"]!, CultureInfo.InvariantCulture);
        Assert.InRange(unlockAt - host.Time.GetUtcNow(), TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.OK, (await Login(host.Anonymous(), "bob", "pw-bob")).StatusCode); // other names unaffected

        host.Time.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, name, "wrong")).StatusCode);
        var again = await Login(client, name, "pw-" + name);
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        var second = DateTimeOffset.Parse((string)(await again.Content.ReadFromJsonAsync<JsonObject>())!["unlockAt"]!, CultureInfo.InvariantCulture);
        Assert.InRange(second - host.Time.GetUtcNow(), TimeSpan.FromSeconds(115), TimeSpan.FromSeconds(121)); // backoff: 2 min

        host.Time.Advance(TimeSpan.FromSeconds(121));
        var after = await Login(client, name, "pw-" + name);
        Assert.Equal(name == "alice" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Login_EveryFailure_IsLoggedWithoutThePassword_AndCounted()
    {
        await using var host = await ConsoleHost.StartAsync(Settings(("Console:Login:FailuresBeforeLockout", "2"), ("Console:Login:PerNamePerMinute", "1000")));
        using var failures = new LoginFailureCounter(host);
        var client = host.Anonymous();
        const string secret = "Tr0ub4dor&3-secret";
        await Login(client, "alice", secret);
        await Login(client, "ghost\nForged log line", secret);
        await Login(client, "alice", secret);
        await Login(client, "alice", secret); // locked
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/login", new { name = "", password = secret })).StatusCode);

        var lines = host.Logs.Where(l => l.Contains("[7001]", StringComparison.Ordinal)).ToList();
        foreach (var l in lines) output.WriteLine(l);
        Assert.Equal(5, lines.Count);
        Assert.All(lines, l => Assert.DoesNotContain(secret, l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ghost\\u000aForged", StringComparison.Ordinal)); // no forged line breaks
        Assert.Equal(3, failures.Of("bad_credentials"));
        Assert.Equal(1, failures.Of("locked"));
        Assert.Equal(1, failures.Of("invalid_request"));
    }

    [Fact]
    public async Task Logout_RevokesTheSession_ACopyOfTheCookieSavedBeforeGets401()
    {
        await using var host = await ConsoleHost.StartAsync();
        var jar = new CookieContainer();
        var client = host.Anonymous(cookies: jar);
        Assert.Equal(HttpStatusCode.OK, (await Login(client, "alice", "pw-alice")).StatusCode);
        var saved = new CookieContainer();
        foreach (Cookie c in jar.GetCookies(host.BaseAddress)) saved.Add(host.BaseAddress, new Cookie(c.Name, c.Value, c.Path));
        var thief = host.Anonymous(cookies: saved);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/api/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/alerts?store=shop-a")).StatusCode);
    }

    [Fact]
    public async Task OpenFeed_OfARevokedSession_EndsWithSessionEnded()
    {
        await using var host = await ConsoleHost.StartAsync();
        var jar = new CookieContainer();
        var client = host.Anonymous(cookies: jar);
        Assert.Equal(HttpStatusCode.OK, (await Login(client, "alice", "pw-alice")).StatusCode);
        var saved = new CookieContainer();
        foreach (Cookie c in jar.GetCookies(host.BaseAddress)) saved.Add(host.BaseAddress, new Cookie(c.Name, c.Value, c.Path));
        await using var feed = await SseClient.OpenAsync(host.Anonymous(cookies: saved), "/api/feed");
        await feed.ReadUntilAsync(e => e.Name == "caughtup");

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/logout", null)).StatusCode);
        host.Time.Advance(Feed.FeedService.SessionRecheck);
        await host.WriteAsync(TestAlerts.Rude()); // rings the feed's doorbell
        var events = await feed.ReadUntilAsync(e => e.Name == "session-ended", TimeSpan.FromSeconds(15));
        Assert.Equal("session-ended", events[^1].Name);
        await Assert.ThrowsAsync<EndOfStreamException>(() => feed.ReadUntilAsync(_ => true, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Session_EndsAtItsAbsoluteLifetime_HoweverActive()
    {
        await using var host = await ConsoleHost.StartAsync(Settings(("Console:SessionLifetime", "01:00:00"), ("Console:SessionIdleTimeout", "1.00:00:00")));
        var alice = await host.LoginAsync("alice");
        for (var i = 0; i < 5; i++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(11));
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/me")).StatusCode);
        }
        host.Time.Advance(TimeSpan.FromMinutes(6)); // 61 minutes after login
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task SecondInstance_AcceptsACookieIssuedByTheFirst_AndARestartKeepsEveryoneLoggedIn()
    {
        await using var host = await ConsoleHost.StartAsync();
        var jar = new CookieContainer();
        Assert.Equal(HttpStatusCode.OK, (await Login(host.Anonymous(cookies: jar), "lena", "pw-lena")).StatusCode);
        var second = await host.StartAnotherInstanceAsync();
        Assert.NotEqual(host.BaseAddress.Port, second.Port);
        var onSecond = host.Anonymous(second, jar);
        var me = await onSecond.GetFromJsonAsync<JsonObject>("/api/me");
        Assert.Equal("lena", (string?)me!["name"]);
        Assert.True(await host.Db.KeyExistsAsync("console:dataprotection-keys"), "the key ring is in Redis");

        await host.StopConsoleAsync();
        await host.StartConsoleAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous(cookies: jar).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Cookie_IsSecureAndHostPrefixed_WithoutTheDevelopmentFlag()
    {
        await using var host = await ConsoleHost.StartAsync(Settings(("Console:InsecureCookieForDevelopment", "false")));
        var r = await Login(host.Anonymous(), "alice", "pw-alice");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var cookie = Assert.Single(r.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-alerting-console=", cookie, StringComparison.Ordinal);
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ForwardedHeaders_AreBelievedOnlyFromATrustedProxy()
    {
        await using (var trusted = await ConsoleHost.StartAsync(Settings(("Console:TrustedProxies:0", "127.0.0.1"), ("Console:Login:PerAddressPerMinute", "2"),
                         ("Console:Login:PerNamePerMinute", "1000"), ("Console:Login:FailuresBeforeLockout", "1000"))))
        {
            var r = await Send(trusted.Anonymous(), "/login.html", ("X-Forwarded-Proto", "https"));
            Assert.Contains("max-age=", r.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
            Assert.False((await Send(trusted.Anonymous(), "/login.html")).Headers.Contains("Strict-Transport-Security"), "no HSTS over plain HTTP");
            // The client address is the one the proxy reports: each client has its own login quota.
            var c = trusted.Anonymous();
            for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await LoginVia(c, "203.0.113.7")).StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginVia(c, "203.0.113.7")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginVia(c, "203.0.113.8")).StatusCode);
        }
        await using var untrusted = await ConsoleHost.StartAsync(Settings(("Console:TrustedProxies:0", "10.9.9.9"), ("Console:Login:PerAddressPerMinute", "2"),
            ("Console:Login:PerNamePerMinute", "1000"), ("Console:Login:FailuresBeforeLockout", "1000")));
        Assert.False((await Send(untrusted.Anonymous(), "/login.html", ("X-Forwarded-Proto", "https"))).Headers.Contains("Strict-Transport-Security"));
        var u = untrusted.Anonymous();
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await LoginVia(u, "203.0.113." + i)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginVia(u, "203.0.113.99")).StatusCode); // a spoofed X-Forwarded-For buys nothing
    }

    private static async Task<HttpResponseMessage> LoginVia(HttpClient c, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = JsonContent.Create(new { name = "alice", password = "wrong" }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await c.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> Send(HttpClient c, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (n, v) in headers) request.Headers.Add(n, v);
        return await c.SendAsync(request);
    }

    [Fact]
    public async Task EveryPageAndApiAnswer_CarriesTheSecurityHeaders_AndThePagesHaveNoInlineCode()
    {
        await using var host = await ConsoleHost.StartAsync();
        await host.WriteAsync(TestAlerts.Rude());
        var lena = await host.LoginAsync("lena");
        var anonymous = host.Anonymous();
        var answers = new List<(string What, HttpResponseMessage R)>();
        foreach (var path in new[] { "/", "/index.html", "/login.html", "/lead.html", "/app.js", "/common.js", "/lead.js", "/login.js", "/console.css", "/no-such-page" })
            answers.Add((path, await anonymous.GetAsync(path)));
        foreach (var path in new[] { "/api/me", "/api/alerts?store=shop-a", "/api/coverage?store=shop-a", "/api/calibration?store=shop-a", "/api/overview?store=shop-a",
                     "/api/verdicts.csv?store=shop-a", "/api/silences?store=shop-a", "/api/coverage?store=shop-a&from=nonsense", "/api/alerts?store=elsewhere", "/api/nothing" })
            answers.Add(("lead " + path, await lena.GetAsync(path)));
        answers.Add(("anonymous /api/me", await anonymous.GetAsync("/api/me")));
        answers.Add(("bad login", await Login(anonymous, "alice", "wrong")));
        answers.Add(("claim", await lena.PostAsJsonAsync("/api/alerts/claim", new { store = "shop-a", alertId = "x" })));
        Assert.Contains(answers, a => a.R.StatusCode == HttpStatusCode.OK);
        Assert.Contains(answers, a => a.R.StatusCode == HttpStatusCode.NotFound);
        Assert.Contains(answers, a => a.R.StatusCode == HttpStatusCode.BadRequest);
        Assert.Contains(answers, a => a.R.StatusCode == HttpStatusCode.Forbidden);
        Assert.Contains(answers, a => a.R.StatusCode == HttpStatusCode.Unauthorized);
        foreach (var (what, r) in answers)
        {
            var csp = string.Join(";", r.Headers.TryGetValues("Content-Security-Policy", out var v) ? v : []);
            Assert.True(csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal), $"{what} ({(int)r.StatusCode}): CSP '{csp}'");
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", r.Headers.GetValues("Referrer-Policy").Single());
        }
        foreach (var page in new[] { "/index.html", "/login.html", "/lead.html" })
        {
            var html = await anonymous.GetStringAsync(page);
            Assert.DoesNotMatch(InlineScript(), html);
            Assert.DoesNotMatch(InlineStyle(), html);
        }
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<style|\sstyle=|\son[a-z]+=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();

    /// <summary>Counts <c>alerting.console.login.failures</c> of one console by reason.</summary>
    private sealed class LoginFailureCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

        public LoginFailureCounter(ConsoleHost host)
        {
            var meter = host.Services.GetRequiredService<ConsoleMetrics>().Meter;
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "alerting.console.login.failures") l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var t in tags)
                    if (t.Key == "reason") _counts.AddOrUpdate((string)t.Value!, value, (_, c) => c + value);
            });
            _listener.Start();
        }

        public long Of(string reason) => _counts.GetValueOrDefault(reason);

        public void Dispose() => _listener.Dispose();
    }
}
