using System.Diagnostics.Metrics;
using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Notifications.Tests;
using Alerting.Redis;
using Alerting.Worker.Metrics;
using Alerting.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerting.IntegrationTests.Metrics;

/// <summary>
/// <c>GET /metrics</c> (OpenTelemetry's Prometheus exporter) on a small WebApplication (127.0.0.1, free port), scraped
/// over HTTP after recording values: the series names, labels and buckets of Metrics/README.md.
/// </summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private WorkerMetrics _metrics = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        builder.Services.AddWorkerMetrics();
        _app = builder.Build();
        _app.UseRouting();
        MetricsEndpoint.MapMetrics(_app);
        await _app.StartAsync();
        _metrics = _app.Services.GetRequiredService<WorkerMetrics>();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<(string Text, Dictionary<string, double> Samples)> ScrapeAsync()
    {
        using var response = await _http.GetAsync(new Uri("/metrics", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var text = PrometheusText.WithoutScope(await response.Content.ReadAsStringAsync());
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#')) continue;
            var cut = line.LastIndexOf(' ');
            var value = line[(cut + 1)..];
            samples[line[..cut]] = value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture);
        }
        return (text, samples);
    }

    [Fact]
    public async Task Scrape_AfterRecording_HasKeySeriesWithLabelsCountsAndBuckets()
    {
        var now = new DateTimeOffset(2026, 11, 11, 0, 1, 0, TimeSpan.FromHours(8));
        _metrics.RecordConsumed(0, 5);
        _metrics.RecordConsumed(1, 7);
        _metrics.RecordConsumed(0, 3);
        _metrics.RecordConsumerLag(0, 42);
        _metrics.RecordBatch(15, 2, TimeSpan.FromMilliseconds(30));
        _metrics.RecordBatch(0, 0, TimeSpan.Zero);
        _metrics.RecordAlertsDurable(
        [
            Retimed(TestAlerts.Make(1, rule: "rude_language"), now.AddSeconds(-1.5)),
            Retimed(TestAlerts.Make(2, rule: "rude_language"), now.AddSeconds(-1.5)),
            Retimed(TestAlerts.Make(3, rule: "unanswered_buyer", severity: Severity.Critical), now.AddSeconds(-20)),
        ], now);
        _metrics.ObserveRedis(new RedisResilience("alert-sink", new RedisAlertingOptions(), NullLogger.Instance));
        using var notifier = new AlertNotifier(new NotificationOptions { Receivers = [TestAlerts.Webhook("http://127.0.0.1:9/x")], QueueCapacity = 1 },
            TimeProvider.System, NullLoggerFactory.Instance);
        notifier.Offer(TestAlerts.Many(3));
        _metrics.ObserveNotifications(notifier);

        var (text, s) = await ScrapeAsync();

        Assert.Equal(8, s["alerting_worker_messages_consumed_total{partition=\"0\"}"]);
        Assert.Equal(7, s["alerting_worker_messages_consumed_total{partition=\"1\"}"]);
        Assert.Equal(42, s["alerting_worker_consumer_lag{partition=\"0\"}"]);
        Assert.False(s.ContainsKey("alerting_worker_consumer_lag{partition=\"1\"}"), "no lag reported for partition 1");
        Assert.Equal(2, s["alerting_worker_messages_dead_lettered_total"]);
        Assert.Equal(2, s["alerting_worker_batches_total"]);
        Assert.Equal(2, s["alerting_worker_alerts_durable_total{rule=\"rude_language\",severity=\"high\",status=\"firing\"}"]);
        Assert.Equal(1, s["alerting_worker_alerts_durable_total{rule=\"unanswered_buyer\",severity=\"critical\",status=\"firing\"}"]);

        // Histograms: cumulative buckets, +Inf = count, sum in seconds.
        Assert.Contains("# TYPE alerting_worker_alert_end_to_end_seconds histogram", text, StringComparison.Ordinal);
        Assert.Equal(0, s["alerting_worker_alert_end_to_end_seconds_bucket{rule=\"rude_language\",le=\"1\"}"]);
        Assert.Equal(2, s["alerting_worker_alert_end_to_end_seconds_bucket{rule=\"rude_language\",le=\"2\"}"]);
        Assert.Equal(2, s["alerting_worker_alert_end_to_end_seconds_bucket{rule=\"rude_language\",le=\"+Inf\"}"]);
        Assert.Equal(2, s["alerting_worker_alert_end_to_end_seconds_count{rule=\"rude_language\"}"]);
        Assert.Equal(3.0, s["alerting_worker_alert_end_to_end_seconds_sum{rule=\"rude_language\"}"], 6);
        Assert.Equal(0, s["alerting_worker_alert_end_to_end_seconds_bucket{rule=\"unanswered_buyer\",le=\"10\"}"]);
        Assert.Equal(1, s["alerting_worker_alert_end_to_end_seconds_bucket{rule=\"unanswered_buyer\",le=\"30\"}"]);
        Assert.Equal(1, s["alerting_worker_processing_duration_seconds_count"]); // the empty batch is not a latency
        Assert.Equal(0, s["alerting_worker_processing_duration_seconds_bucket{le=\"0.025\"}"]);
        Assert.Equal(1, s["alerting_worker_processing_duration_seconds_bucket{le=\"0.05\"}"]);
        AssertBucketsMonotonic(s);

        // Observed objects.
        Assert.Equal(1, s["alerting_worker_redis_circuit{component=\"alert-sink\",state=\"closed\"}"]);
        Assert.Equal(0, s["alerting_worker_redis_circuit{component=\"alert-sink\",state=\"open\"}"]);
        Assert.Equal(0, s["alerting_worker_redis_failed_attempts_total{component=\"alert-sink\"}"]);
        Assert.Equal(1, s["alerting_worker_notifications_queued_total"]);
        Assert.Equal(2, s["alerting_worker_notifications_dropped_total{reason=\"queue_full\",receiver=\"*\"}"]);
        Assert.Equal(0, s["alerting_worker_notifications_messages_total{receiver=\"hook\",result=\"sent\"}"]);
        Assert.Contains("# HELP alerting_worker_consumer_lag Records behind", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE alerting_worker_messages_consumed_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE alerting_worker_consumer_lag gauge", text, StringComparison.Ordinal);

        // A revoked partition's lag disappears; counters keep counting.
        _metrics.ForgetPartition(0);
        _metrics.RecordConsumed(0, 1);
        (_, s) = await ScrapeAsync();
        Assert.False(s.ContainsKey("alerting_worker_consumer_lag{partition=\"0\"}"));
        Assert.Equal(9, s["alerting_worker_messages_consumed_total{partition=\"0\"}"]);
        Assert.Equal(2, s["alerting_worker_alerts_durable_total{rule=\"rude_language\",severity=\"high\",status=\"firing\"}"]);
    }

    [Fact]
    public async Task Scrape_IncludesTheRedisMeter_AndEscapesLabelValues()
    {
        // The Redis adapter's meter is exported by name; a probe instrument on a meter of the same name stands in for it here.
        using var redisMeter = new Meter(WorkerMetrics.RedisMeterName);
        var probe = redisMeter.CreateCounter<long>("alerting.redis.test_probe_" + Guid.NewGuid().ToString("N")[..8], "{call}");
        probe.Add(3, new KeyValuePair<string, object?>("note", "say \"hi\"\\n"));
        // A meter of another name is not exported.
        using var other = new Meter("Somebody.Else");
        other.CreateCounter<long>("somebody.else.calls").Add(1);

        var (text, s) = await ScrapeAsync();

        var name = probe.Name.Replace('.', '_') + "_total";
        Assert.Equal(3, s[name + "{note=\"say \\\"hi\\\"\\\\n\"}"]);
        Assert.DoesNotContain("somebody_else", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line =>
            Assert.Matches(@"^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \S+)$", line));
    }

    [Fact]
    public async Task Scrape_ShowsOnlyThisHostsInstruments_WhenAnotherHostInTheProcessRecordsTheSameNames()
    {
        var other = new ServiceCollection().AddWorkerMetrics();
        await using var otherHost = other.BuildServiceProvider();
        otherHost.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>(); // its own exporter, as a second worker would have
        otherHost.GetRequiredService<WorkerMetrics>().RecordConsumed(0, 1000);
        _metrics.RecordConsumed(0, 5);

        var (_, s) = await ScrapeAsync();

        Assert.Equal(5, s["alerting_worker_messages_consumed_total{partition=\"0\"}"]);
    }

    private static Alert Retimed(Alert a, DateTimeOffset eventTime) => new()
    {
        AlertId = a.AlertId, Rule = a.Rule, Severity = a.Severity, ShopId = a.ShopId, ConversationId = a.ConversationId,
        AgentId = a.AgentId, MessageIds = a.MessageIds, EventTime = eventTime, Summary = a.Summary, Evidence = a.Evidence,
    };

    private static void AssertBucketsMonotonic(Dictionary<string, double> samples)
    {
        foreach (var series in samples.Where(kv => kv.Key.Contains("_bucket{", StringComparison.Ordinal))
                     .GroupBy(kv => System.Text.RegularExpressions.Regex.Replace(kv.Key, "(,|\\{)le=\"[^\"]*\"\\}$", "")))
        {
            var values = series.Select(kv => kv.Value).ToList(); // exposition order is ascending le
            for (var i = 1; i < values.Count; i++)
                Assert.True(values[i] >= values[i - 1], $"buckets of {series.Key} not cumulative");
        }
    }
}
