using System.Reactive.Concurrency;
using System.Threading.Channels;
using Alerting.Core.Alerts;
using Microsoft.Extensions.Logging;

namespace Alerting.Notifications;

/// <summary>Hands durably written alerts to the notification receivers without ever waiting for them.</summary>
public interface IAlertNotifier
{
    /// <summary>
    /// Queues the alerts that some receiver wants. Never blocks and never throws: when the queue is
    /// full the alert is dropped and counted. Call only after the alerts are durable in the store.
    /// </summary>
    void Offer(IReadOnlyList<Alert> alerts);
}

/// <summary>Counters of the notification path since start.</summary>
public sealed record NotificationStats(long Queued, long DroppedQueueFull, long Routed, int QueueLength, IReadOnlyList<ReceiverStats> Receivers);

/// <summary>
/// The bounded queue between the consume loop and the receivers, and the receivers themselves.
/// Notifications are best-effort: the store streams in Redis are the record. A receiver that is slow
/// or down fills its own backlog, then this queue, and from then on alerts are dropped and counted —
/// the consume loop never waits for a notification.
/// </summary>
public sealed class AlertNotifier : IAlertNotifier, IDisposable
{
    private readonly Channel<Alert> _queue;
    private readonly HttpClient _http;
    private long _queued;
    private long _dropped;
    private long _routed;

    /// <summary>Receivers of <paramref name="options"/>; their grouping timers run on <paramref name="scheduler"/> when given (tests), else each on its own thread.</summary>
    public AlertNotifier(NotificationOptions options, TimeProvider time, ILoggerFactory loggers, HttpMessageHandler? handler = null, IScheduler? scheduler = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new InvalidOperationException("invalid Notifications config: " + string.Join("; ", problems));
        _queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then returns false at once: we drop, never wait
            SingleReader = true,
            SingleWriter = false,
        });
        // Per-attempt timeouts come from each receiver's pipeline (on TimeProvider); PooledConnectionLifetime
        // makes DNS changes of a robot endpoint visible.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var logger = loggers.CreateLogger("Alerting.Notifications");
        Receivers = options.Receivers.Select(r => new NotificationReceiver(r, _http, time, logger, scheduler)).ToList();
    }

    public IReadOnlyList<NotificationReceiver> Receivers { get; }

    /// <summary>Alerts waiting in the queue, read by <see cref="NotificationDispatcher"/>.</summary>
    internal ChannelReader<Alert> Queue => _queue.Reader;

    public NotificationStats Stats => new(Interlocked.Read(ref _queued), Interlocked.Read(ref _dropped), Interlocked.Read(ref _routed),
        _queue.Reader.Count, Receivers.Select(r => r.Stats).ToList());

    public void Offer(IReadOnlyList<Alert> alerts)
    {
        if (Receivers.Count == 0) return;
        foreach (var alert in alerts)
        {
            if (!Wanted(alert)) continue;
            if (_queue.Writer.TryWrite(alert)) Interlocked.Increment(ref _queued);
            else Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Gives every queued alert to each receiver whose route matches it; returns how many. One caller at a time.</summary>
    internal int RouteQueued()
    {
        var routed = 0;
        while (_queue.Reader.TryRead(out var alert))
        {
            foreach (var r in Receivers)
                if (r.Matches(alert)) r.Route(alert);
            Interlocked.Increment(ref _routed);
            routed++;
        }
        return routed;
    }

    private bool Wanted(Alert alert)
    {
        foreach (var r in Receivers)
            if (r.Matches(alert)) return true;
        return false;
    }

    public void Dispose()
    {
        foreach (var r in Receivers) r.Dispose();
        _http.Dispose();
    }
}
