using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Worker.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.IntegrationTests.Notifications;

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

/// <summary>A notifier and its dispatcher on fake time, with helpers to drive them.</summary>
public sealed class NotifierHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly NotificationDispatcher? _dispatcher;

    public NotifierHarness(NotificationOptions options, bool startDispatcher = true)
    {
        Notifier = new AlertNotifier(options, Time, NullLoggerFactory.Instance);
        if (startDispatcher)
        {
            _dispatcher = new NotificationDispatcher(Notifier, Time);
            _dispatcher.StartAsync(_cts.Token).GetAwaiter().GetResult();
        }
    }

    /// <summary>Fake clock; starts at 2026-11-11 00:00 +08:00.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 10, 16, 0, 0, TimeSpan.Zero));

    public AlertNotifier Notifier { get; }

    public NotificationStats Stats => Notifier.Stats;

    /// <summary>Offers the alerts and waits (bounded, real time) until the dispatcher has routed all queued ones.</summary>
    public async Task OfferAndRouteAsync(IReadOnlyList<Alert> alerts)
    {
        var target = Stats.Routed + alerts.Count(a => Notifier.Receivers.Any(r => r.Matches(a)));
        Notifier.Offer(alerts);
        await WaitUntilAsync(() => Stats.Routed >= target, "alerts routed to receivers");
    }

    /// <summary>Advances fake time in steps of one second (the receivers' tick), letting the loops run between steps.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromSeconds(1))
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }
    }

    /// <summary>Advances fake time second by second until <paramref name="done"/> holds (at most <paramref name="max"/> of fake time).</summary>
    public async Task AdvanceUntilAsync(Func<bool> done, TimeSpan max, string what)
    {
        for (var t = TimeSpan.Zero; t < max && !done(); t += TimeSpan.FromSeconds(1))
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            // Give the dispatcher's loops (real threads) a bounded moment to act on this second before
            // the next one: on a loaded machine 20 ms was not always enough, and a skipped tick then
            // used up the fake-time budget.
            var settle = Stopwatch.StartNew();
            while (!done() && settle.ElapsedMilliseconds < 150) await Task.Delay(5);
        }
        Assert.True(done(), $"not reached within {max} of fake time: {what}");
    }

    /// <summary>Lets in-flight sends settle: waits (real time, bounded) until the condition holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.ElapsedMilliseconds < timeoutMs, $"timed out after {timeoutMs} ms waiting for: {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Gives the receiver loops a moment of real time to act on a fake-time step.</summary>

    public async ValueTask DisposeAsync()
    {
        if (_dispatcher is not null)
        {
            await _cts.CancelAsync();
            await _dispatcher.StopAsync(CancellationToken.None);
            _dispatcher.Dispose();
        }
        Notifier.Dispose();
        _cts.Dispose();
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
