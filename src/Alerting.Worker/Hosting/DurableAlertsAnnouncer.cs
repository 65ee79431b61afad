using Alerting.Core.Alerts;
using Alerting.Redis;
using Alerting.Worker.Metrics;
using Alerting.Notifications;

namespace Alerting.Worker.Hosting;

/// <summary>
/// Alerts just appended to Redis (durable, not duplicates): counted in the metrics and offered to the notifier,
/// which only queues (never blocks, drops when full) — best-effort. A batch replayed after a crash, or an agent
/// window judged again, is not announced twice.
/// </summary>
internal sealed class DurableAlertsAnnouncer(WorkerMetrics metrics, IAlertNotifier notifier, TimeProvider time) : IDurableAlertsObserver
{
    public void OnDurable(IReadOnlyList<Alert> appended)
    {
        metrics.RecordAlertsDurable(appended, time.GetUtcNow());
        notifier.Offer(appended);
    }
}
