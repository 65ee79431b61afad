using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Notifications.Tests;

/// <summary>One request the test endpoint received.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Query, string ContentType, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// A local HTTP receiver on 127.0.0.1:&lt;free port&gt; (Kestrel) that records every POST and answers
/// what the test says: by default 200 with <c>{"errcode":0,"errmsg":"ok"}</c> (valid for all three kinds).
/// </summary>
public sealed class ReceiverEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();

    private ReceiverEndpoint(WebApplication app) => _app = app;

    /// <summary>Given the 1-based number of the request, the status and body to answer (and whether to hang until disposal).</summary>
    public Func<int, (int Status, string Body, bool Hang)> Reply { get; set; } = _ => (200, """{"errcode":0,"errmsg":"ok"}""", false);

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToList();

    public int Count => _requests.Count;

    public static async Task<ReceiverEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var endpoint = new ReceiverEndpoint(app);
        app.UseRouting();
        app.MapPost("/{**path}", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var query = ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
            endpoint._requests.Enqueue(new ReceivedRequest(ctx.Request.Path, query, ctx.Request.ContentType ?? "", body));
            var (status, reply, hang) = endpoint.Reply(endpoint._requests.Count);
            if (hang)
            {
                try { await Task.Delay(Timeout.Infinite, endpoint._stopping.Token); }
                catch (OperationCanceledException) { }
            }
            return Results.Text(reply, "application/json", Encoding.UTF8, status);
        });
        await app.StartAsync();
        endpoint.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}

/// <summary>
/// A notifier whose grouping runs on a virtual-time <see cref="HistoricalScheduler"/> and whose HTTP
/// retries and timeouts run on a <see cref="FakeTimeProvider"/>, both starting at the same instant. Alerts
/// are routed on the test thread, so the grouping is deterministic; only the HTTP exchange with the local
/// receiver is real I/O, awaited with a bounded wait.
/// </summary>
public sealed class NotifierHarness : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 10, 16, 0, 0, TimeSpan.Zero);
    private readonly List<IDisposable> _running = [];

    public NotifierHarness(NotificationOptions options, bool start = true)
    {
        Notifier = new AlertNotifier(options, Time, NullLoggerFactory.Instance, scheduler: Scheduler);
        if (start) _running.AddRange(Notifier.Receivers.Select(r => r.Start()));
    }

    /// <summary>Fake clock of HTTP timeouts, retry backoff and DingTalk signatures; starts at 2026-11-11 00:00 +08:00.</summary>
    public FakeTimeProvider Time { get; } = new(Start);

    /// <summary>Virtual clock of the grouping timers.</summary>
    public HistoricalScheduler Scheduler { get; } = new(Start);

    public AlertNotifier Notifier { get; }

    public NotificationStats Stats => Notifier.Stats;

    /// <summary>Offers the alerts and routes what was queued into the receivers (on this thread).</summary>
    public void OfferAndRoute(IReadOnlyList<Alert> alerts)
    {
        Notifier.Offer(alerts);
        Notifier.RouteQueued();
        Advance(TimeSpan.FromMilliseconds(1)); // the receivers observe routed alerts on the scheduler
    }

    /// <summary>
    /// Advances both clocks; grouping timers due by then run on this thread before it returns. Fake time moves
    /// first, so an HTTP attempt started by a released message never sees its own timeout pass at once.
    /// </summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Scheduler.AdvanceBy(by);
    }

    /// <summary>
    /// Advances fake time (retry backoff) one second at a time until <paramref name="done"/> holds, at most
    /// <paramref name="max"/>; after each step, waits (bounded, real time) for the HTTP attempt it allowed.
    /// </summary>
    public async Task AdvanceRetriesUntilAsync(Func<bool> done, TimeSpan max, string what)
    {
        for (var t = TimeSpan.Zero; t < max && !done(); t += TimeSpan.FromSeconds(1))
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            var settle = Stopwatch.StartNew();
            while (!done() && settle.ElapsedMilliseconds < 150) await Task.Delay(5);
        }
        Assert.True(done(), $"not reached within {max} of fake time: {what}");
    }

    /// <summary>Waits (real time, bounded) until the condition holds: for HTTP requests in flight.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.ElapsedMilliseconds < timeoutMs, $"timed out after {timeoutMs} ms waiting for: {what}");
            await Task.Delay(10);
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var r in _running) r.Dispose();
        Notifier.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Alerts for the tests.</summary>
public static class TestAlerts
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 0, 0, 5, TimeSpan.FromHours(8));

    public static Alert Make(int n, string shop = "shop-a", string rule = "unanswered_buyer", Severity severity = Severity.High,
        string agent = "agent-07", string? summary = null, AlertStatus status = AlertStatus.Firing)
        => new()
        {
            AlertId = AlertIds.ForConversation(rule, $"c-{shop}-{n}", $"m-{n}"),
            Rule = rule,
            Severity = severity,
            ShopId = shop,
            ConversationId = $"c-{shop}-{n}",
            AgentId = agent,
            MessageIds = [$"m-{n}"],
            EventTime = T0.AddSeconds(n),
            DetectedAt = T0.AddSeconds(n),
            Summary = summary ?? $"买家等待超过3分钟无人回复（第{n}条）",
            Evidence = new JsonObject { ["waitedSeconds"] = 180 + n },
            Status = status,
        };

    public static List<Alert> Many(int count, string shop = "shop-a", string rule = "unanswered_buyer", Severity severity = Severity.High, int from = 0)
        => Enumerable.Range(from, count).Select(i => Make(i, shop, rule, severity)).ToList();

    public static ReceiverOptions Webhook(string url, string name = "hook") => new()
    {
        Name = name, Kind = ReceiverKinds.Webhook, Url = url, MinSeverity = "info",
    };
}
