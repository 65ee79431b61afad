using Alerting.Core.Alerts;

namespace Alerting.Worker.Notifications;

/// <summary>Alerts of one group taken for one message, with the group's running count.</summary>
/// <param name="Labels">The group-by fields and their values, in <see cref="ReceiverOptions.EffectiveGroupBy"/> order.</param>
/// <param name="Alerts">Alerts new since the group's last message, oldest first.</param>
/// <param name="TotalInGroup">Alerts in the group since it started, including these.</param>
public sealed record GroupSlice(IReadOnlyList<KeyValuePair<string, string>> Labels, IReadOnlyList<Alert> Alerts, long TotalInGroup);

/// <summary>One outgoing message: usually one group; several when the rate cap folds due groups into a digest.</summary>
public sealed record Notification(string Receiver, IReadOnlyList<GroupSlice> Groups)
{
    public int AlertCount => Groups.Sum(g => g.Alerts.Count);
}

/// <summary>
/// The grouping state of one receiver, after Alertmanager's group_wait / group_interval / repeat_interval,
/// adapted to alerts that are events rather than conditions that stay firing:
/// <list type="bullet">
/// <item>a new group (or one quiet for a while) collects alerts for <c>GroupWait</c> before its first message;</item>
/// <item>after a message, alerts new to the group are collected and sent together <c>GroupInterval</c> later;</item>
/// <item>an alert event (alertId, status, revision) already taken is not taken again for <c>RepeatInterval</c>
/// (replays, redeliveries), and a group quiet for <c>RepeatInterval</c> is forgotten (its count restarts).</item>
/// </list>
/// There is no "still firing" reminder: an alert here is a fact that happened, the console tracks its handling.
/// Thread-safe: <see cref="Add"/> (router) and <see cref="TakeDue"/> (sender loop) may run concurrently.
/// Time always comes in as an argument.
/// </summary>
public sealed class AlertGroups
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _taken = new(StringComparer.Ordinal);
    private readonly string _receiver;
    private readonly IReadOnlyList<string> _groupBy;
    private readonly TimeSpan _wait;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _repeat;
    private readonly int _maxPending;
    private int _pending;
    private long _duplicates;
    private long _overflow;
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    public AlertGroups(ReceiverOptions options)
    {
        _receiver = options.Name;
        _groupBy = options.EffectiveGroupBy;
        _wait = TimeSpan.FromSeconds(options.GroupWaitSeconds);
        _interval = TimeSpan.FromSeconds(options.GroupIntervalSeconds);
        _repeat = TimeSpan.FromMinutes(options.RepeatIntervalMinutes);
        _maxPending = options.MaxPendingAlerts;
    }

    /// <summary>Alerts waiting for a message.</summary>
    public int PendingAlerts { get { lock (_gate) return _pending; } }

    /// <summary>Groups currently remembered.</summary>
    public int GroupCount { get { lock (_gate) return _groups.Count; } }

    /// <summary>Alert events ignored because they were taken within the repeat interval.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Alerts dropped because <see cref="ReceiverOptions.MaxPendingAlerts"/> were already waiting.</summary>
    public long Overflow => Interlocked.Read(ref _overflow);

    /// <summary>Adds an alert (already routed to this receiver). False if it was a duplicate or did not fit.</summary>
    public bool Add(Alert alert, DateTimeOffset now)
    {
        var eventKey = $"{alert.AlertId}|{Alert.StatusName(alert.Status)}|{alert.Revision}";
        lock (_gate)
        {
            if (_taken.TryGetValue(eventKey, out var at) && now - at < _repeat)
            {
                _duplicates++;
                return false;
            }
            if (_pending >= _maxPending)
            {
                _overflow++;
                return false;
            }
            _taken[eventKey] = now;
            var labels = Labels(alert);
            var key = string.Join('\u001f', labels.Select(l => l.Value));
            if (!_groups.TryGetValue(key, out var group))
            {
                group = new Group(labels);
                _groups[key] = group;
            }
            if (group.Pending.Count == 0)
            {
                // A burst in a quiet group waits GroupWait to gather; a group that just sent waits out its interval.
                var afterInterval = group.LastSentAt is { } sent ? sent + _interval : DateTimeOffset.MinValue;
                var afterWait = now + _wait;
                group.DueAt = afterInterval > afterWait ? afterInterval : afterWait;
            }
            group.Pending.Add(alert);
            group.LastAlertAt = now;
            _pending++;
            return true;
        }
    }

    /// <summary>When the earliest group is due, or null when nothing waits.</summary>
    public DateTimeOffset? NextDue()
    {
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (var g in _groups.Values)
                if (g.Pending.Count > 0 && (next is null || g.DueAt < next)) next = g.DueAt;
            return next;
        }
    }

    /// <summary>
    /// Takes the groups due at <paramref name="now"/> as at most <paramref name="maxMessages"/> messages,
    /// earliest due first. If more groups are due than messages allowed, the last message is a digest of
    /// all the remaining due groups, so a wide burst (many stores at once) never builds a backlog.
    /// </summary>
    public IReadOnlyList<Notification> TakeDue(DateTimeOffset now, int maxMessages)
    {
        lock (_gate)
        {
            Purge(now);
            if (maxMessages <= 0) return [];
            var due = _groups.Values.Where(g => g.Pending.Count > 0 && g.DueAt <= now)
                .OrderBy(g => g.DueAt).ToList();
            if (due.Count == 0) return [];
            var messages = new List<Notification>();
            var single = due.Count <= maxMessages ? due.Count : maxMessages - 1;
            for (var i = 0; i < single; i++)
                messages.Add(new Notification(_receiver, [Take(due[i], now)]));
            if (single < due.Count)
                messages.Add(new Notification(_receiver, due.Skip(single).Select(g => Take(g, now)).ToList()));
            return messages;
        }
    }

    private GroupSlice Take(Group g, DateTimeOffset now)
    {
        var alerts = g.Pending.ToList();
        g.Pending.Clear();
        _pending -= alerts.Count;
        g.Total += alerts.Count;
        g.LastSentAt = now;
        return new GroupSlice(g.Labels, alerts, g.Total);
    }

    /// <summary>Forgets alert events and quiet groups older than the repeat interval (at most once a minute).</summary>
    private void Purge(DateTimeOffset now)
    {
        if (now - _lastPurge < TimeSpan.FromMinutes(1)) return;
        _lastPurge = now;
        foreach (var (key, at) in _taken.ToList())
            if (now - at >= _repeat) _taken.Remove(key);
        foreach (var (key, g) in _groups.ToList())
            if (g.Pending.Count == 0 && now - g.LastAlertAt >= _repeat) _groups.Remove(key);
    }

    private List<KeyValuePair<string, string>> Labels(Alert a)
        => _groupBy.Select(f => KeyValuePair.Create(f, f switch
        {
            "shopId" => a.ShopId,
            "rule" => a.Rule,
            "severity" => Alert.SeverityName(a.Severity),
            "agentId" => a.AgentId ?? "",
            "conversationId" => a.ConversationId,
            _ => "",
        })).ToList();

    private sealed class Group(IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } = labels;
        public List<Alert> Pending { get; } = [];
        public DateTimeOffset DueAt { get; set; }
        public DateTimeOffset? LastSentAt { get; set; }
        public DateTimeOffset LastAlertAt { get; set; }
        public long Total { get; set; }
    }
}
