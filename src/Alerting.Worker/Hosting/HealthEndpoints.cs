using System.Text.Json;
using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Alerting.Worker.Hosting;

/// <summary>
/// <c>/healthz</c> (liveness: the process answers) and <c>/readyz</c> (readiness) for Kubernetes probes, on
/// ASP.NET Core health checks. Readiness is the list of reasons the worker should not get traffic; each
/// reason is one health check tagged <see cref="ReadyTag"/> (<see cref="AddReadinessReason"/>), reported in
/// <c>problems</c> in registration order. Today: no partitions assigned, Redis not acknowledging, consumption
/// paused, Redis out of memory, a Redis node down that still serves cluster slots, dead-letter topic not writable, last config reload rejected. Besides, <c>warnings</c>
/// lists what does not stop the worker but puts data at risk (an evicting Redis memory policy, skipped dead
/// letters). A Redis outage makes the worker not-ready but keeps it live, so
/// nothing restarts it while it waits for Redis to come back.
/// </summary>
internal static class HealthEndpoints
{
    /// <summary>Tag of the health checks that make up readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Registers health checks and the worker's readiness reasons.</summary>
    public static IServiceCollection AddWorkerHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddReadinessReason("partitions", sp => sp.GetRequiredService<ChatStreamConsumer>().Status.AssignedPartitions == 0 ? "no partitions assigned" : null)
            .AddReadinessReason("redis", sp => sp.GetRequiredService<RedisAlertSink>() is var sink && sink.IsHealthy ? null
                : "Redis is not acknowledging writes" + (sink.Nodes.DescribeFailing() is { } nodes ? ": " + nodes : ""))
            .AddReadinessReason("redis-nodes", sp => sp.GetRequiredService<RedisAlertSink>().Nodes.DescribeUnavailable() is { } down
                ? "Redis node(s) down: " + down : null)
            .AddReadinessReason("backpressure", sp => sp.GetRequiredService<ChatStreamConsumer>().Status.PausedForBackpressure ? "consumption paused (backpressure)" : null)
            .AddReadinessReason("redis-memory", sp => sp.GetRequiredService<RedisAlertSink>().Resilience.OutOfMemory
                ? "Redis is out of memory (OOM at maxmemory): alert writes are refused and retried" : null)
            .AddReadinessReason("dead-letters", sp => sp.GetRequiredService<ChatStreamConsumer>().Status.DeadLetterFailingFor is { } failing
                ? $"dead-letter topic not writable for {failing.TotalSeconds:0} s" : null)
            .AddReadinessReason("config", sp =>
            {
                var rules = sp.GetRequiredService<ReloadingRulesSource>();
                return rules.LastRejection.Count > 0
                    ? $"last config reload rejected ({rules.LastRejection.Count} problem(s)); running on version {rules.Current.Version}"
                    : null;
            });
        return services;
    }

    /// <summary>
    /// Adds a readiness reason: <paramref name="reason"/> returns why the worker is not ready (shown in
    /// <c>problems</c>), or null when this concern is fine. Called at every <c>/readyz</c>; keep it cheap.
    /// </summary>
    public static IHealthChecksBuilder AddReadinessReason(this IHealthChecksBuilder builder, string name, Func<IServiceProvider, string?> reason)
        => builder.Add(new HealthCheckRegistration(name, sp => new ReadinessReason(sp, reason), HealthStatus.Unhealthy, [ReadyTag]));

    /// <summary>Maps <c>/healthz</c> (<c>ok</c>, runs no check) and <c>/readyz</c> (the readiness reasons, JSON).</summary>
    public static void Map(WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (ctx, _) => ctx.Response.WriteAsync("ok\n"),
        });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteReadiness,
        });
    }

    /// <summary>The readiness body: <c>ready</c>, <c>problems</c>, then the worker's counts (the same fields as before the health checks).</summary>
    private static Task WriteReadiness(HttpContext ctx, HealthReport report)
    {
        var problems = report.Entries.Values.Where(e => e.Status == HealthStatus.Unhealthy)
            .Select(e => e.Description ?? e.Exception?.Message ?? "unhealthy").ToList();
        var services = ctx.RequestServices;
        var status = services.GetRequiredService<ChatStreamConsumer>().Status;
        var sink = services.GetRequiredService<RedisAlertSink>();
        var rules = services.GetRequiredService<ReloadingRulesSource>();
        var warnings = new List<string>();
        if (services.GetRequiredService<RedisMemoryPolicyCheck>().Problem is { } policy) warnings.Add(policy);
        // A node down while writes go on (a dead primary replaced by its replica, a replica gone): named, not fatal.
        if (sink.IsHealthy && sink.Nodes.DescribeUnavailable() is null && sink.Nodes.DescribeFailing() is { } nodes) warnings.Add("Redis node(s) failing: " + nodes);
        if (status.DeadLettersSkipped > 0)
            warnings.Add($"{status.DeadLettersSkipped} bad record(s) could not be dead-lettered and were skipped (logged with their source position)");
        var body = new
        {
            ready = problems.Count == 0,
            problems,
            warnings,
            partitions = status.AssignedPartitions,
            redisHealthy = sink.IsHealthy,
            redisNodes = sink.Nodes.Snapshot(),
            paused = status.PausedForBackpressure,
            configVersion = rules.Current.Version,
            rejectedReload = rules.LastRejection.Select(p => p.ToString()).ToArray(),
            records = status.Records,
            deadLettered = status.DeadLettered,
            deadLettersSkipped = status.DeadLettersSkipped,
            redisOutOfMemoryReplies = sink.Resilience.OutOfMemoryReplies,
            alertsWritten = status.AlertsWritten,
            openConversations = status.OpenConversations,
            pendingDeadlines = status.PendingDeadlines,
        };
        ctx.Response.ContentType = "application/json; charset=utf-8";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>One readiness reason as a health check: unhealthy with the reason as description, else healthy.</summary>
    private sealed class ReadinessReason(IServiceProvider services, Func<IServiceProvider, string?> reason) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
            => Task.FromResult(reason(services) is { } problem ? HealthCheckResult.Unhealthy(problem) : HealthCheckResult.Healthy());
    }
}
