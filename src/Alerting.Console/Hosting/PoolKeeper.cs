using Alerting.InspectorConsole.Review;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// Every <see cref="ConsoleOptions.SweepInterval"/>, sweeps each configured store (<see cref="ReviewStore.SweepAsync"/>):
/// new alerts enter the pool, superseded and silenced entries are acknowledged, stale claims return. Then it removes
/// the review state of alerts whose stream entries retention has trimmed (<see cref="ReviewStore.TrimGoneAsync"/>),
/// which keeps the verdict, claim and silenced hashes as small as the stream; with nothing to remove that is one
/// cheap script call (XRANGE COUNT 1 and an empty ZRANGEBYSCORE) per store and tick.
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
                try
                {
                    await _reviews.TrimGoneAsync(store, ct: stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogTrimFailed(_logger, store, e);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Pool sweep of store {Store} failed; retried at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, string store, Exception error);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Removing the review state of trimmed alerts of store {Store} failed; retried at the next interval")]
    private static partial void LogTrimFailed(ILogger logger, string store, Exception error);
}
