using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Alerting.Worker.Hosting;

/// <summary>
/// <c>/healthz</c> (liveness: the process answers) and <c>/readyz</c> (readiness: partitions assigned,
/// Redis acknowledging, not paused for backpressure, last config reload accepted) for Kubernetes
/// probes. A Redis outage makes the worker not-ready but keeps it live, so nothing restarts it while
/// it waits for Redis to come back.
/// </summary>
internal static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (ChatStreamConsumer consumer, RedisAlertSink sink, ReloadingRulesSource rules, RedisMemoryPolicyCheck memory) =>
        {
            var status = consumer.Status;
            var problems = new List<string>();
            if (status.AssignedPartitions == 0) problems.Add("no partitions assigned");
            if (!sink.IsHealthy) problems.Add("Redis is not acknowledging writes");
            if (status.PausedForBackpressure) problems.Add("consumption paused (backpressure)");
            if (sink.Resilience.OutOfMemory) problems.Add("Redis is out of memory (OOM at maxmemory): alert writes are refused and retried");
            if (status.DeadLetterFailingFor is { } failing) problems.Add($"dead-letter topic not writable for {failing.TotalSeconds:0} s");
            var warnings = new List<string>();
            if (memory.Problem is { } policy) warnings.Add(policy);
            if (status.DeadLettersSkipped > 0) warnings.Add($"{status.DeadLettersSkipped} bad record(s) could not be dead-lettered and were skipped (logged with their source position)");
            if (rules.LastRejection.Count > 0) problems.Add($"last config reload rejected ({rules.LastRejection.Count} problem(s)); running on version {rules.Current.Version}");
            var body = new
            {
                ready = problems.Count == 0,
                problems,
                warnings,
                partitions = status.AssignedPartitions,
                redisHealthy = sink.IsHealthy,
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
            return Results.Json(body, statusCode: problems.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
