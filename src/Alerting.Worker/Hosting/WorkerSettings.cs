using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Redis;
using Microsoft.Extensions.Configuration;

namespace Alerting.Worker;

/// <summary>Binds and validates the worker's infrastructure settings (read once at start).</summary>
internal static class WorkerSettings
{
    private static readonly HashSet<string> KnownSections = new(StringComparer.OrdinalIgnoreCase) { "Rules", "Kafka", "Redis", "Logging", "Worker", "Notifications" };

    public static KafkaOptions Kafka(IConfiguration root)
        => root.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new KafkaOptions();

    public static RedisAlertingOptions Redis(IConfiguration root)
        => root.GetSection(RedisAlertingOptions.SectionName).Get<RedisAlertingOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new RedisAlertingOptions();

    /// <summary>Problems of the non-rule sections (unknown sections, Kafka, Redis).</summary>
    public static IEnumerable<ConfigProblem> Validate(IConfiguration root, bool requireKafka = false)
    {
        var problems = new List<ConfigProblem>();
        foreach (var section in root.GetChildren())
            if (!KnownSections.Contains(section.Key) && !section.Key.StartsWith("ALERTING", StringComparison.OrdinalIgnoreCase))
                problems.Add(new ConfigProblem(section.Key, $"unknown section: expected one of {string.Join(", ", KnownSections.Order(StringComparer.Ordinal))}"));
        try
        {
            var kafka = Kafka(root);
            problems.AddRange(kafka.Validate().Where(p => requireKafka || !p.Path.EndsWith(":BootstrapServers", StringComparison.Ordinal)));
        }
        catch (InvalidOperationException ex)
        {
            problems.Add(new ConfigProblem(KafkaOptions.SectionName, ex.Message));
        }
        try
        {
            problems.AddRange(Redis(root).Validate());
        }
        catch (InvalidOperationException ex)
        {
            problems.Add(new ConfigProblem(RedisAlertingOptions.SectionName, ex.Message));
        }
        problems.AddRange(Notifications.NotificationOptions.ValidateSection(root));
        try
        {
            var telemetry = root.GetSection(Metrics.TelemetryOptions.SectionName).Get<Metrics.TelemetryOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new();
            problems.AddRange(telemetry.Validate());
        }
        catch (InvalidOperationException ex)
        {
            problems.Add(new ConfigProblem(Metrics.TelemetryOptions.SectionName, ex.Message));
        }
        return problems;
    }
}
