using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Alerting.Core.Alerts;

namespace Alerting.Notifications;

/// <summary>Alerts of one group taken for one message, with the group's running count.</summary>
/// <param name="Labels">The group-by fields and their values, in <see cref="ReceiverOptions.EffectiveGroupBy"/> order.</param>
/// <param name="Alerts">Alerts new since the group's last message, oldest first.</param>
/// <param name="TotalInGroup">Alerts in the group since it started, including these.</param>
public sealed record GroupSlice(IReadOnlyList<KeyValuePair<string, string>> Labels, IReadOnlyList<Alert> Alerts, long TotalInGroup);

/// <summary>One outgoing message: usually one group; several when the rate cap folds due groups into a digest.</summary>
public sealed record Notification(string Receiver, IReadOnlyList<GroupSlice> Groups)
{
    /// <summary>Alerts in the message, over all its groups.</summary>
    public int AlertCount => Groups.Sum(g => g.Alerts.Count);
}

/// <summary>
/// The timing of one receiver as an Rx query over the alerts routed to it, after Alertmanager's
/// group_wait / group_interval / repeat_interval, adapted to alerts that are events rather than
/// conditions that stay firing:
/// <list type="bullet">
/// <item>alerts are grouped by the receiver's <c>GroupBy</c> fields (<c>GroupByUntil</c>); a group quiet for
/// <c>RepeatInterval</c> is forgotten and its count restarts;</item>
/// <item>a new (or quiet) group collects alerts for <c>GroupWait</c> before its first message; after a message,
/// alerts new to the group are collected and sent together <c>GroupInterval</c> after it (a <c>Buffer</c>
/// closed by a timer started by the buffer's first alert);</item>
/// <item>an alert event (alertId, status, revision) already taken is not taken again within the group's
/// current <c>RepeatInterval</c> window (replays, redeliveries);</item>
/// <item>at most <c>MaxPendingAlerts</c> alerts wait for a message; more are dropped and counted;</item>
/// <item>once a second (<c>Buffer</c> by time) the due groups pass the rate cap (<see cref="RateCap"/>).</item>
/// </list>
/// Every timer runs on the <see cref="IScheduler"/> given, so tests drive the whole query on virtual time
/// (<see cref="HistoricalScheduler"/>). The query expects its input serialized with those timers (the
/// receiver observes the routed alerts on the same single-threaded scheduler). There is no "still firing"
/// reminder: an alert here is a fact that happened, the console tracks its handling.
/// </summary>
public sealed class NotificationPipeline
{
    /// <summary>How often due groups are passed to the rate cap: the resolution of the grouping timers.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly ReceiverOptions _options;
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _wait;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _repeat;
    private readonly RateCap _cap;
    private int _pending;
    private long _duplicates;
    private long _overflow;

    /// <summary>A pipeline for <paramref name="options"/> whose timers run on <paramref name="scheduler"/>.</summary>
    public NotificationPipeline(ReceiverOptions options, IScheduler scheduler)
    {
        _options = options;
        _scheduler = scheduler;
        _wait = TimeSpan.FromSeconds(options.GroupWaitSeconds);
        _interval = TimeSpan.FromSeconds(options.GroupIntervalSeconds);
        _repeat = TimeSpan.FromMinutes(options.RepeatIntervalMinutes);
        _cap = new RateCap(options.Name, options.MaxMessagesPerMinute);
    }

    /// <summary>Alerts taken and not yet handed to the sender (waiting in a group, held by the rate cap, or queued to send).</summary>
    public int PendingAlerts => Volatile.Read(ref _pending);

    /// <summary>Alert events ignored because they were taken within the repeat window.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Alerts dropped because <see cref="ReceiverOptions.MaxPendingAlerts"/> were already waiting.</summary>
    public long Overflow => Interlocked.Read(ref _overflow);

    /// <summary>Ticks at which a group was due but the rate cap allowed no message.</summary>
    public long RateLimitedTicks => _cap.LimitedTicks;

    /// <summary>The messages to send for <paramref name="routed"/>, in the order they may start.</summary>
    public IObservable<Notification> Messages(IObservable<Alert> routed)
        => routed
            .GroupByUntil(GroupKey, group => group.Throttle(_repeat, _scheduler))
            .SelectMany(GroupSlices)
            .Buffer(Tick, _scheduler)
            .SelectMany(due => _cap.Release(due, _scheduler.Now));

    /// <summary>The sender took <paramref name="message"/>: its alerts no longer count as pending.</summary>
    public void Taken(Notification message) => Interlocked.Add(ref _pending, -message.AlertCount);

    private IObservable<GroupSlice> GroupSlices(IGroupedObservable<string, Alert> group)
    {
        var state = new GroupState();
        var fresh = group
            .Window(_repeat, _scheduler)
            .SelectMany(window =>
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                return window.Where(a => seen.Add(EventKey(a)) || CountDuplicate());
            })
            .Where(_ => Reserve())
            .Do(a => state.Labels ??= Labels(a));
        // One buffer per message: the first alert into an empty buffer starts the timer that closes it.
        return fresh
            .Publish(alerts => alerts.Buffer(() => alerts.Take(1).SelectMany(_ => Observable.Timer(state.DueIn(_scheduler.Now, _wait, _interval), _scheduler))))
            .Where(b => b.Count > 0)
            .Select(b => state.Take(b, _scheduler.Now));
    }

    private bool CountDuplicate()
    {
        Interlocked.Increment(ref _duplicates);
        return false;
    }

    private bool Reserve()
    {
        if (Interlocked.Increment(ref _pending) <= _options.MaxPendingAlerts) return true;
        Interlocked.Decrement(ref _pending);
        Interlocked.Increment(ref _overflow);
        return false;
    }

    private static string EventKey(Alert a) => $"{a.AlertId}|{Alert.StatusName(a.Status)}|{a.Revision}";

    private string GroupKey(Alert a) => string.Join('\u001f', Labels(a).Select(l => l.Value));

    private List<KeyValuePair<string, string>> Labels(Alert a)
        => _options.EffectiveGroupBy.Select(f => KeyValuePair.Create(f, f switch
        {
            "shopId" => a.ShopId,
            "rule" => a.Rule,
            "severity" => Alert.SeverityName(a.Severity),
            "agentId" => a.AgentId ?? "",
            "conversationId" => a.ConversationId,
            _ => "",
        })).ToList();

    /// <summary>Running count and last message time of one group; touched only on the pipeline's scheduler.</summary>
    private sealed class GroupState
    {
        private DateTimeOffset? _lastTaken;
        private long _total;

        public IReadOnlyList<KeyValuePair<string, string>>? Labels { get; set; }

        /// <summary>A burst in a quiet group waits GroupWait to gather; a group that just sent waits out its interval.</summary>
        public TimeSpan DueIn(DateTimeOffset now, TimeSpan wait, TimeSpan interval)
        {
            var afterInterval = _lastTaken is { } sent ? sent + interval - now : TimeSpan.Zero;
            return afterInterval > wait ? afterInterval : wait;
        }

        public GroupSlice Take(IList<Alert> alerts, DateTimeOffset now)
        {
            _total += alerts.Count;
            _lastTaken = now;
            return new GroupSlice(Labels ?? [], [.. alerts], _total);
        }
    }
}

/// <summary>
/// The rate cap of one receiver: at most <c>MaxMessagesPerMinute</c> messages in any sliding minute. When more
/// groups are due than the cap allows, the last allowed message is a digest of all the remaining due groups,
/// so a wide burst (many stores at once) never builds a backlog; when no message is allowed, due groups are
/// held (a group due again meanwhile is merged into its held slice) until the minute frees. Pure: time comes
/// in as an argument; called by the pipeline once per tick, never concurrently.
/// </summary>
internal sealed class RateCap(string receiver, int maxPerMinute)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Queue<DateTimeOffset> _released = new();
    private readonly List<GroupSlice> _held = [];
    private long _limitedTicks;

    public long LimitedTicks => Interlocked.Read(ref _limitedTicks);

    /// <summary>Adds the slices that became due and returns the messages that may start at <paramref name="now"/>.</summary>
    public IReadOnlyList<Notification> Release(IList<GroupSlice> due, DateTimeOffset now)
    {
        foreach (var slice in due) Hold(slice);
        while (_released.Count > 0 && now - _released.Peek() >= Window) _released.Dequeue();
        if (_held.Count == 0) return [];
        var allowed = maxPerMinute - _released.Count;
        if (allowed <= 0)
        {
            Interlocked.Increment(ref _limitedTicks);
            return [];
        }
        var single = _held.Count <= allowed ? _held.Count : allowed - 1;
        var messages = new List<Notification>();
        for (var i = 0; i < single; i++) messages.Add(new Notification(receiver, [_held[i]]));
        if (single < _held.Count) messages.Add(new Notification(receiver, _held.Skip(single).ToList()));
        foreach (var _ in messages) _released.Enqueue(now);
        _held.Clear();
        return messages;
    }

    private void Hold(GroupSlice slice)
    {
        for (var i = 0; i < _held.Count; i++)
            if (_held[i].Labels.SequenceEqual(slice.Labels))
            {
                _held[i] = new GroupSlice(slice.Labels, [.. _held[i].Alerts, .. slice.Alerts], slice.TotalInGroup);
                return;
            }
        _held.Add(slice);
    }
}
