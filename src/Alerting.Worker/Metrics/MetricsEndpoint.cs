using System.Diagnostics;
using System.Diagnostics.Metrics;
using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Redis;
using Alerting.Redis.CrossConversation;
using Alerting.Worker.Hosting;
using Alerting.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Alerting.Worker.Metrics;

/// <summary>
/// <c>Worker:Telemetry</c>: where metrics and traces go besides the Prometheus scrape endpoint. Read once at start.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>Config section.</summary>
    public const string SectionName = "Worker:Telemetry";

    /// <summary>OTLP collector endpoint (e.g. <c>http://otel-collector:4317</c>) that metrics (and traces, when on) are pushed to. Default empty: no push.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>One span per durable batch (source <c>Alerting.Worker</c>), exported over OTLP. Default <c>false</c>; needs <see cref="OtlpEndpoint"/>.</summary>
    public bool Tracing { get; set; }

    /// <summary>Problems with config paths, e.g. tracing on without an endpoint.</summary>
    public IEnumerable<ConfigProblem> Validate()
    {
        if (OtlpEndpoint.Length > 0 && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            yield return new ConfigProblem($"{SectionName}:{nameof(OtlpEndpoint)}", $"expected an absolute http(s) URL of an OTLP collector; got '{OtlpEndpoint}'");
        if (Tracing && OtlpEndpoint.Length == 0)
            yield return new ConfigProblem($"{SectionName}:{nameof(Tracing)}", "tracing exports over OTLP: set Worker:Telemetry:OtlpEndpoint too, or turn Tracing off");
    }
}

/// <summary>DI wiring of metrics and traces (OpenTelemetry) and the <c>GET /metrics</c> Prometheus scrape endpoint.</summary>
public static class MetricsEndpoint
{
    /// <summary>The worker's trace source: one <c>alerts.write</c> span per batch written to Redis (off unless <c>Worker:Telemetry:Tracing</c>).</summary>
    public static readonly ActivitySource Traces = new(WorkerMetrics.MeterName);

    /// <summary>
    /// Registers <see cref="WorkerMetrics"/> and OpenTelemetry: meters <c>Alerting.Worker</c> and <c>Alerting.Redis</c>
    /// to the Prometheus exporter (scraped at <c>/metrics</c>) and, when <c>Worker:Telemetry:OtlpEndpoint</c> is set,
    /// to an OTLP collector; traces of <see cref="Traces"/> over OTLP when <c>Worker:Telemetry:Tracing</c> is on.
    /// </summary>
    public static IServiceCollection AddWorkerMetrics(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var telemetry = configuration?.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new TelemetryOptions();
        // WorkerMetrics' meter comes from this host's IMeterFactory. Another host in the same process (tests, the
        // demo's embedded stack) has a meter of the same name, which OpenTelemetry's name filter would also export
        // (each series then showing whichever host reported last); the view drops instruments of other factories.
        IMeterFactory? ours = null;
        services.AddMetrics();
        services.AddSingleton(sp => new WorkerMetrics(ours = sp.GetRequiredService<IMeterFactory>()));
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("alerting-worker"))
            .WithMetrics(m =>
            {
                m.AddMeter(WorkerMetrics.MeterName, WorkerMetrics.RedisMeterName);
                m.AddView(i => i.Meter.Name == WorkerMetrics.MeterName && !ReferenceEquals(i.Meter.Scope, ours) ? MetricStreamConfiguration.Drop : null);
                // Every scrape reads fresh values (the default caches a response for 300 ms).
                m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (telemetry.OtlpEndpoint.Length > 0) m.AddOtlpExporter(o => o.Endpoint = new Uri(telemetry.OtlpEndpoint));
            });
        if (telemetry.Tracing)
            otel.WithTracing(t => t.AddSource(Traces.Name, Alerting.Kafka.ConsumeTracing.SourceName).AddOtlpExporter(o => o.Endpoint = new Uri(telemetry.OtlpEndpoint)));
        return services;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c> (Prometheus text format, OpenTelemetry's exporter). The consume loop, the
    /// Redis components, the config source and the notifier (whichever are registered) are attached once
    /// the host has started, so mapping the endpoint does not construct them (nor open the Redis
    /// connection) ahead of the host.
    /// </summary>
    public static void MapMetrics(WebApplication app)
    {
        var services = app.Services;
        var metrics = services.GetRequiredService<WorkerMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics");
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => Attach(metrics, services));
    }

    private static void Attach(WorkerMetrics metrics, IServiceProvider services)
    {
        if (services.GetService<ChatStreamConsumer>() is { } consumer) metrics.ObserveConsumer(consumer.Status);
        if (services.GetService<RedisAlertSink>() is { } sink) metrics.ObserveRedis(sink.Resilience);
        if (services.GetService<PartitionCheckpointStore>() is { } checkpoints) metrics.ObserveRedis(checkpoints.Resilience);
        if (services.GetService<ReloadingRulesSource>() is { } rules) metrics.ObserveRules(rules);
        if (services.GetService<AlertNotifier>() is { } notifier) metrics.ObserveNotifications(notifier);
        if (services.GetService<BatchWrongAnswerTracker>() is { } batches) metrics.ObserveRedis(batches.Resilience);
        if (services.GetService<AgentActivityTracker>() is { } agents) metrics.ObserveRedis(agents.Resilience);
        if (services.GetService<PartitionProgressStore>() is { } progress) metrics.ObserveRedis(progress.Resilience);
        if (services.GetService<AgentRateEvaluationService>() is { } evaluation) metrics.ObserveAgentEvaluation(() => evaluation.LowWatermark);
    }
}
