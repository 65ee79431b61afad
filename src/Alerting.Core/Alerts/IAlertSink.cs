namespace Alerting.Core.Alerts;

/// <summary>
/// Where alerts become durable (the Redis adapter in production). <see cref="WriteAsync"/> completes
/// only when every alert of the batch is acknowledged by the store; it throws rather than drop one.
/// Writing the same (alertId, status, revision) twice must be harmless.
/// </summary>
public interface IAlertSink
{
    Task WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);
}
