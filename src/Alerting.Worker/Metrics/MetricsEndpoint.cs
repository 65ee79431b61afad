using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Redis;
using Alerting.Redis.CrossConversation;
using Alerting.Worker.Hosting;
using Alerting.Worker.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Alerting.Worker.Metrics;

/// <summary>DI wiring and the <c>GET /metrics</c> Prometheus scrape endpoint.</summary>
public static class MetricsEndpoint
{
    /// <summary>Registers <see cref="WorkerMetrics"/> and its <see cref="PrometheusExposition"/> (which also exports meter <c>Alerting.Redis</c>).</summary>
    public static IServiceCollection AddWorkerMetrics(this IServiceCollection services)
    {
        services.AddSingleton<WorkerMetrics>();
        services.AddSingleton(sp => new PrometheusExposition(sp.GetRequiredService<WorkerMetrics>().Meter, WorkerMetrics.RedisMeterName));
        return services;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c>. Call after <c>Build()</c> and before the host starts: it starts the
    /// listener, so no early measurement is missed. The consume loop, the Redis components, the config
    /// source and the notifier (whichever are registered) are attached at the first scrape, so mapping
    /// the endpoint does not construct them (nor open the Redis connection) ahead of the host.
    /// </summary>
    public static void MapMetrics(WebApplication app)
    {
        var services = app.Services;
        var exposition = services.GetRequiredService<PrometheusExposition>();
        var metrics = services.GetRequiredService<WorkerMetrics>();
        var attached = 0;
        app.MapGet("/metrics", () =>
        {
            if (Interlocked.Exchange(ref attached, 1) == 0) Attach(metrics, services);
            return Results.Text(exposition.Scrape(), PrometheusExposition.ContentType);
        });
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
