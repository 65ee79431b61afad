using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerting.InspectorConsole.Escalation;

/// <summary>
/// Every <see cref="EscalationOptions.CheckInterval"/> (on the console's <see cref="TimeProvider"/>), escalates the
/// open alerts past their limit in every store that has one (<see cref="Escalator.EscalateAsync"/>). Runs in every
/// console instance; the once-flag in Redis makes that safe. Does nothing when no limit is configured.
/// </summary>
public sealed partial class EscalationService : BackgroundService
{
    private readonly Escalator _escalator;
    private readonly EscalationOptions _options;
    private readonly ConsoleOptions _console;
    private readonly TimeProvider _time;
    private readonly ILogger<EscalationService> _logger;

    public EscalationService(Escalator escalator, EscalationOptions options, ConsoleOptions console, TimeProvider time, ILogger<EscalationService> logger)
    {
        _escalator = escalator;
        _options = options;
        _console = console;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stores = _options.StoresToCheck(_console.Users.SelectMany(u => u.Stores));
        if (stores.Count == 0) return;
        using var timer = new PeriodicTimer(_options.CheckInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var store in stores)
            {
                try
                {
                    foreach (var a in await _escalator.EscalateAsync(store, _time.GetUtcNow()))
                        LogEscalated(_logger, store, a.AlertId, a.Severity, a.Limit);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(_logger, store, e);
                }
            }
        }
    }

    [LoggerMessage(EventId = 5110, Level = LogLevel.Information, Message = "Escalated alert {AlertId} of store {Store} ({Severity}): unclaimed longer than {Limit}")]
    private static partial void LogEscalated(ILogger logger, string store, string alertId, string severity, TimeSpan limit);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning, Message = "Escalation check of store {Store} failed; retried at the next interval")]
    private static partial void LogFailed(ILogger logger, string store, Exception error);
}
