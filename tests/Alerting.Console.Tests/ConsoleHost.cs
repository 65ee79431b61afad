using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.InspectorConsole.Hosting;
using Alerting.Core.Alerts;
using Alerting.Redis;
using Alerting.DevTools.Embedded;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// A real <c>redis-server</c> plus the console on a free loopback port, with four users:
/// alice and bob (inspectors of shop-a), carol (inspector of shop-b) and lena (lead of both).
/// Every password is <c>pw-&lt;name&gt;</c>. Time is a <see cref="FakeTimeProvider"/> starting at the real now.
/// </summary>
public sealed class ConsoleHost : IAsyncDisposable
{
    public const string ShopA = "shop-a";
    public const string ShopB = "shop-b";
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(5);

    // Cheap hashes for tests (production hashes use 600,000 iterations).
    private static readonly Dictionary<string, string> Hashes = new[] { "alice", "bob", "carol", "lena" }
        .ToDictionary(n => n, n => PasswordHashing.Hash("pw-" + n, 1000));

    private readonly List<HttpClient> _clients = [];
    private readonly List<WebApplication> _others = [];
    private WebApplication? _app;
    private IReadOnlyDictionary<string, string?> _extra = new Dictionary<string, string?>();

    private string _consoleRedis = "";

    private readonly LocalRedisServer? _redis;

    private ConsoleHost(LocalRedisServer? redis, string connectionString, ConnectionMultiplexer mux, FakeTimeProvider time)
    {
        _redis = redis;
        _consoleRedis = connectionString;
        Mux = mux;
        Time = time;
        Sink = new RedisAlertSink(mux, new RedisAlertingOptions { ConnectionString = connectionString });
    }

    private ConsoleHost(LocalRedisServer redis, ConnectionMultiplexer mux, FakeTimeProvider time)
        : this(redis, redis.ConnectionString, mux, time)
    {
    }

    /// <summary>The redis-server this host started (not available on a cluster started by the caller).</summary>
    public LocalRedisServer Redis => _redis ?? throw new InvalidOperationException("this console runs on a Redis Cluster the test owns");

    /// <summary>The console on a Redis the caller owns, e.g. a Redis Cluster (<paramref name="connectionString"/> lists its nodes).</summary>
    public static async Task<ConsoleHost> StartOnAsync(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var mux = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var host = new ConsoleHost(null, connectionString, mux, new FakeTimeProvider(DateTimeOffset.UtcNow)) { _extra = settings ?? new Dictionary<string, string?>() };
        await host.StartConsoleAsync();
        return host;
    }
    public ConnectionMultiplexer Mux { get; }
    public FakeTimeProvider Time { get; }
    public RedisAlertSink Sink { get; }
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every log line (Warning and above) of every console instance of this host.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();
    public IServiceProvider Services => _app!.Services;

    /// <summary>
    /// Starts Redis and the console. <paramref name="settings"/> are laid over the test defaults (which serve
    /// plain HTTP with <c>Console:InsecureCookieForDevelopment</c>; set it to false to see the production cookie).
    /// </summary>
    public static async Task<ConsoleHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var redis = await LocalRedisServer.StartNewAsync();
        var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var host = new ConsoleHost(redis, mux, new FakeTimeProvider(DateTimeOffset.UtcNow)) { _extra = settings ?? new Dictionary<string, string?>() };
        await host.StartConsoleAsync();
        return host;
    }

    /// <summary>
    /// Redis with the ACL users of <paramref name="aclFile"/> only (deploy/redis/users.acl with its password
    /// hashes filled in): alerts are written as the worker user, the console connects as the console user.
    /// </summary>
    public static async Task<ConsoleHost> StartWithAclAsync(string aclFile, string workerPassword, string consolePassword)
    {
        var redis = await LocalRedisServer.StartNewAsync(extraArgs: ["--aclfile", aclFile]);
        var mux = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},user=worker,password={workerPassword}");
        var host = new ConsoleHost(redis, mux, new FakeTimeProvider(DateTimeOffset.UtcNow))
        {
            _consoleRedis = $"{redis.ConnectionString},user=console,password={consolePassword}",
        };
        await host.StartConsoleAsync();
        return host;
    }

    /// <summary>Starts (or after <see cref="StopConsoleAsync"/> restarts) the console against the same Redis.</summary>
    public async Task StartConsoleAsync()
    {
        (_app, BaseAddress) = await StartInstanceAsync();
    }

    /// <summary>Another console instance on the same Redis and config (its own process state, its own port).</summary>
    public async Task<Uri> StartAnotherInstanceAsync()
    {
        var (app, address) = await StartInstanceAsync();
        _others.Add(app);
        return address;
    }

    private async Task<(WebApplication, Uri)> StartInstanceAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Console:Urls"] = "http://127.0.0.1:0",
            ["Console:ClaimTimeout"] = ClaimTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Console:FeedPollInterval"] = "00:00:00.200",
            ["Redis:ConnectionString"] = _consoleRedis,
            ["Console:InsecureCookieForDevelopment"] = "true",
        };
        var i = 0;
        foreach (var (name, role, stores) in new[]
                 {
                     ("alice", "inspector", new[] { ShopA }), ("bob", "inspector", [ShopA]),
                     ("carol", "inspector", [ShopB]), ("lena", "lead", [ShopA, ShopB]),
                 })
        {
            settings[$"Console:Users:{i}:Name"] = name;
            settings[$"Console:Users:{i}:PasswordHash"] = Hashes[name];
            settings[$"Console:Users:{i}:Role"] = role;
            for (var s = 0; s < stores.Length; s++) settings[$"Console:Users:{i}:Stores:{s}"] = stores[s];
            i++;
        }
        foreach (var (key, value) in _extra) settings[key] = value;
        var app = ConsoleApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Services.AddSingleton<TimeProvider>(Time);
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            b.Logging.AddProvider(new CapturingLoggerProvider(Logs));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    public async Task StopConsoleAsync()
    {
        foreach (var c in _clients) c.Dispose();
        _clients.Clear();
        foreach (var other in _others)
        {
            await other.StopAsync();
            await other.DisposeAsync();
        }
        _others.Clear();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>A client with its own cookie jar, not logged in.</summary>
    public HttpClient Anonymous(Uri? instance = null, CookieContainer? cookies = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer() }) { BaseAddress = instance ?? BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _clients.Add(client);
        return client;
    }

    /// <summary>A client logged in as <paramref name="user"/>.</summary>
    public async Task<HttpClient> LoginAsync(string user)
    {
        var client = Anonymous();
        var r = await client.PostAsJsonAsync("/api/login", new { name = user, password = "pw-" + user });
        r.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>Writes alerts exactly as the worker does.</summary>
    public async Task WriteAsync(params Alert[] alerts) => await Sink.WriteAsync(alerts, CancellationToken.None);

    public IDatabase Db => Mux.GetDatabase();

    public async ValueTask DisposeAsync()
    {
        await StopConsoleAsync();
        await Mux.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }
}

/// <summary>Alerts shaped like the worker's rules produce them.</summary>
public static class TestAlerts
{
    private static int _seq;

    public static Alert Rude(string shop = ConsoleHost.ShopA, string agent = "agent-07", string text = "爱买不买，你自己看", string term = "爱买不买",
        Severity severity = Severity.High, string? alertId = null, int revision = 0)
    {
        var n = Interlocked.Increment(ref _seq);
        var start = text.IndexOf(term, StringComparison.Ordinal);
        return new Alert
        {
            AlertId = alertId ?? AlertIds.ForConversation("rude_language", "c-" + n, "m-" + n),
            Rule = "rude_language",
            Severity = severity,
            ShopId = shop,
            ConversationId = "c-" + n,
            AgentId = agent,
            MessageIds = ["m-" + n],
            EventTime = DateTimeOffset.UtcNow,
            DetectedAt = DateTimeOffset.UtcNow,
            Summary = $"客服回复含不当用语：{term}（服务态度）",
            Evidence = new JsonObject
            {
                ["matches"] = new JsonArray(new JsonObject
                {
                    ["term"] = term, ["matched"] = term, ["category"] = "bad_attitude", ["severity"] = "high",
                    ["start"] = Math.Max(0, start), ["length"] = term.Length,
                }),
                ["text"] = text,
            },
            Revision = revision,
        };
    }

    public static Alert Promo(string shop = ConsoleHost.ShopA, string agent = "agent-08", Severity severity = Severity.High)
    {
        var n = Interlocked.Increment(ref _seq);
        return new Alert
        {
            AlertId = AlertIds.ForConversation("wrong_promo_answer", "c-" + n, "m-" + n),
            Rule = "wrong_promo_answer",
            Severity = severity,
            ShopId = shop,
            ConversationId = "c-" + n,
            AgentId = agent,
            MessageIds = ["m-" + n],
            EventTime = DateTimeOffset.UtcNow,
            DetectedAt = DateTimeOffset.UtcNow,
            Summary = "满减门槛说错：活动为满300减50，客服回复满200减50",
            Evidence = new JsonObject
            {
                ["promotion"] = "d11-main", ["kind"] = "threshold", ["expected"] = "满300减50", ["stated"] = "满200减50",
                ["statedText"] = "满200减50", ["start"] = 2, ["length"] = 7,
            },
        };
    }

    /// <summary>A real <c>agent_response_rate_low</c> alert (built by the rule): 10 waits, 8 answered after 60 s.</summary>
    public static Alert AgentRate(string shop = ConsoleHost.ShopA, string agent = "agent-11")
    {
        // Evaluate at the end of a fixed 30-minute window, so the rule's evaluation points always include one
        // after all ten waits (a start relative to "now" left none whenever now - 10 min fell in a window's first 5 min).
        var upTo = Alerting.Core.Rules.BatchWrongPromoAnswer.WrongAnswerBatch.WindowStart(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30));
        var start = upTo.AddMinutes(-30);
        var o = new Alerting.Core.Rules.AgentResponseRate.AgentResponseRateOptions { Enabled = true, WindowMinutes = 30, StepMinutes = 5, MinWaits = 10, MinReplyRate = 0, MinAnswerRatio = 0 };
        var facts = Enumerable.Range(0, 10).Select(i => new Alerting.Core.Rules.AgentResponseRate.AgentActivity(shop, agent, "c-ar-" + i,
            Alerting.Core.Rules.AgentResponseRate.AgentActivityKind.WaitAnswered, "m-ar-" + i, start.AddMinutes(i), 1, TimeSpan.FromSeconds(i < 8 ? 60 : 10))).ToList();
        return Alerting.Core.Rules.AgentResponseRate.AgentResponseRates.AlertFor(shop, agent, facts, upTo, o, _ => true, DateTimeOffset.UtcNow)
            ?? throw new InvalidOperationException("the rule should find this agent slow");
    }

    /// <summary>A real <c>batch_wrong_promo_answer</c> alert (built by the aggregator from three agents' wrong answers).</summary>
    public static Alert Batch(string shop = ConsoleHost.ShopA)
    {
        var batches = new Alerting.Core.Rules.BatchWrongPromoAnswer.BatchWrongAnswerAggregator(_ => new(), TimeProvider.System);
        var found = new List<Alert>();
        foreach (var agent in new[] { "agent-21", "agent-22", "agent-23" }) found.AddRange(batches.Observe([Promo(shop, agent)]));
        return found.MaxBy(a => a.Revision) ?? throw new InvalidOperationException("three agents with the same wrong answer should make a batch");
    }

    public static Alert Slow(string shop = ConsoleHost.ShopA, string agent = "agent-09")
    {
        var n = Interlocked.Increment(ref _seq);
        return new Alert
        {
            AlertId = AlertIds.ForConversation("slow_response", "c-" + n, "m-" + n),
            Rule = "slow_response",
            Severity = Severity.Medium,
            ShopId = shop,
            ConversationId = "c-" + n,
            AgentId = agent,
            MessageIds = ["m-" + n, "m-" + n + "r"],
            EventTime = DateTimeOffset.UtcNow,
            DetectedAt = DateTimeOffset.UtcNow,
            Summary = "响应超时：买家等待 75 秒",
            Evidence = new JsonObject { ["delaySeconds"] = 75.0, ["thresholdSeconds"] = 30, ["firstResponse"] = false, ["buyerMessages"] = 2 },
        };
    }

    public static Alert Revised(Alert a, int revision, AlertStatus status = AlertStatus.Firing) => new()
    {
        AlertId = a.AlertId,
        Rule = a.Rule,
        Severity = a.Severity,
        ShopId = a.ShopId,
        ConversationId = a.ConversationId,
        AgentId = a.AgentId,
        MessageIds = a.MessageIds,
        EventTime = a.EventTime,
        DetectedAt = DateTimeOffset.UtcNow,
        Summary = a.Summary + $"（第{revision}版）",
        Evidence = (JsonObject)a.Evidence.DeepClone(),
        Revision = revision,
        Status = status,
    };
}

/// <summary>Keeps formatted log lines (with their exception) for assertions.</summary>
internal sealed class CapturingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} {exception}");
        }
    }
}
