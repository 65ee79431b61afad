using Alerting.InspectorConsole.Review;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// Every <see cref="ConsoleOptions.SweepInterval"/>, sweeps each configured store (<see cref="ReviewStore.SweepAsync"/>):
/// new alerts enter the pool, superseded and silenced entries are acknowledged, stale claims return.
/// Several console instances may run it at once: every step is an atomic, idempotent script.
/// </summary>
public sealed partial class PoolKeeper : BackgroundService
{
    private readonly ReviewStore _reviews;
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PoolKeeper> _logger;

    public PoolKeeper(ReviewStore reviews, ConsoleOptions options, TimeProvider time, ILogger<PoolKeeper> logger)
    {
        _reviews = reviews;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stores = _options.Users.SelectMany(u => u.Stores).Distinct(StringComparer.Ordinal).ToList();
        using var timer = new PeriodicTimer(_options.SweepInterval, _time);
        do
        {
            foreach (var store in stores)
            {
                try
                {
                    await _reviews.SweepAsync(store, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSweepFailed(_logger, store, e);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Pool sweep of store {Store} failed; retried at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, string store, Exception error);
}
