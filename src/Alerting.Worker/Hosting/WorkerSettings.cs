using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Redis;
using Microsoft.Extensions.Configuration;

namespace Alerting.Worker;

/// <summary>Checks the worker's infrastructure settings before a host is built (the host binds them through options).</summary>
internal static class WorkerSettings
{
    private static readonly HashSet<string> KnownSections = new(StringComparer.OrdinalIgnoreCase) { "Rules", "Kafka", "Redis", "Logging", "Worker", "Notifications", "Transcripts" };

    /// <summary>Problems of the non-rule sections (unknown sections, Kafka, Redis, Notifications, Worker:Telemetry).</summary>
    public static IEnumerable<ConfigProblem> Validate(IConfiguration root, bool requireKafka = false)
    {
        var problems = new List<ConfigProblem>();
        foreach (var section in root.GetChildren())
            if (!KnownSections.Contains(section.Key) && !section.Key.StartsWith("ALERTING", StringComparison.OrdinalIgnoreCase))
                problems.Add(new ConfigProblem(section.Key, $"unknown section: expected one of {string.Join(", ", KnownSections.Order(StringComparer.Ordinal))}"));
        // Each section: unknown keys and unconvertible values first (each once, with the nearest known name),
        // then the section's own rules on everything else.
        if (ConfigShape.Bind<KafkaOptions>(root.GetSection(KafkaOptions.SectionName), problems) is { } kafka)
            problems.AddRange(kafka.Validate().Where(p => requireKafka || !p.Path.EndsWith(":BootstrapServers", StringComparison.Ordinal)));
        if (ConfigShape.Bind<RedisAlertingOptions>(root.GetSection(RedisAlertingOptions.SectionName), problems) is { } redis)
            problems.AddRange(redis.Validate());
        problems.AddRange(Notifications.NotificationOptions.ValidateSection(root));
        if (ConfigShape.Bind<Alerting.Redis.Transcripts.TranscriptOptions>(root.GetSection(Alerting.Redis.Transcripts.TranscriptOptions.SectionName), problems) is { } transcripts)
            problems.AddRange(transcripts.Validate());
        if (ConfigShape.Bind<Metrics.TelemetryOptions>(root.GetSection(Metrics.TelemetryOptions.SectionName), problems) is { } telemetry)
            problems.AddRange(telemetry.Validate());
        return problems;
    }
}
