using Alerting.InspectorConsole.Review;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Feed;

/// <summary>
/// Rings when the worker publishes an alert (<c>alerts:shop:&lt;shop&gt;</c>) or the console records a
/// review change, for any configured store. Live feeds wait on it instead of polling hard; the
/// streams stay the source of truth (pub/sub is at-most-once), so a missed ring only delays an
/// event until the feed's next poll (<see cref="ConsoleOptions.FeedPollInterval"/>). Thread-safe.
/// </summary>
public sealed class FeedDoorbell : IHostedService
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ConsoleKeys _keys;
    private readonly ConsoleOptions _options;
    private TaskCompletionSource _next = NewSource();

    public FeedDoorbell(IConnectionMultiplexer redis, ConsoleKeys keys, ConsoleOptions options)
    {
        _redis = redis;
        _keys = keys;
        _options = options;
    }

    /// <summary>Completes at the next ring. Take it before reading Redis, then wait on it, so no ring falls in between.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes every waiting feed.</summary>
    public void Ring() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sub = _redis.GetSubscriber();
        foreach (var store in _options.Users.SelectMany(u => u.Stores).Distinct(StringComparer.Ordinal))
        {
            await sub.SubscribeAsync(_keys.AlertChannel(store), (_, _) => Ring());
            await sub.SubscribeAsync(_keys.ReviewChannel(store), (_, _) => Ring());
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Ring();
        return Task.CompletedTask;
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
