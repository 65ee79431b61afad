using System.Text.RegularExpressions;

namespace Alerting.IntegrationTests.Metrics;

/// <summary>
/// The OpenTelemetry Prometheus exporter labels every series with its meter (<c>otel_scope_name</c>). The tests
/// check that label once, then compare series without it, as a query that ignores it would see them.
/// </summary>
public static partial class PrometheusText
{
    /// <summary>
    /// Asserts every <c>alerting_worker_*</c> / <c>alerting_redis_*</c> sample names its meter, and returns the
    /// text with the <c>otel_scope_name</c> label removed.
    /// </summary>
    public static string WithoutScope(string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("alerting_worker_", StringComparison.Ordinal))
                Assert.Contains("otel_scope_name=\"Alerting.Worker\"", line, StringComparison.Ordinal);
            else if (line.StartsWith("alerting_redis_", StringComparison.Ordinal))
                Assert.Contains("otel_scope_name=\"Alerting.Redis\"", line, StringComparison.Ordinal);
        }
        return EmptyLabels().Replace(ScopeLabel().Replace(text, ""), " ");
    }

    [GeneratedRegex("otel_scope_name=\"[^\"]*\",?")]
    private static partial Regex ScopeLabel();

    [GeneratedRegex(@"\{\} ")]
    private static partial Regex EmptyLabels();
}
