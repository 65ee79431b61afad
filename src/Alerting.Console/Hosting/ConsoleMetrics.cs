using System.Diagnostics.Metrics;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// The console's meter <c>Alerting.Console</c> (read it with dotnet-counters or an OpenTelemetry exporter):
/// <c>alerting.console.login.failures</c>, every refused login by <c>reason</c>
/// (<c>bad_credentials</c>, <c>locked</c>, <c>rate_limited_address</c>, <c>rate_limited_name</c>, <c>busy</c>, <c>invalid_request</c>).
/// </summary>
public sealed class ConsoleMetrics : IDisposable
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Alerting.Console";

    private readonly Counter<long> _loginFailures;

    public ConsoleMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        _loginFailures = Meter.CreateCounter<long>("alerting.console.login.failures", unit: "{attempt}", description: "Refused login attempts, by reason.");
    }

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter { get; }

    /// <summary>Counts one refused login.</summary>
    public void LoginFailed(string reason) => _loginFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => Meter.Dispose();
}
