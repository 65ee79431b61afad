using Alerting.Core.Alerts;

namespace Alerting.Redis.CrossConversation;

/// <summary>
/// The worker's alert sink with cross-conversation detection in front: each batch of alerts first goes
/// through <see cref="BatchWrongAnswerTracker"/>, then the batch's own alerts and the batch alerts it
/// raised are written to Redis in one <see cref="RedisAlertSink.WriteAsync"/>. Same guarantee as the sink:
/// returns only when everything is acknowledged; a failure or cancellation means "not written, send
/// the whole batch again" — which is safe, since both steps are idempotent. Thread-safe.
/// </summary>
public sealed class BatchDetectingAlertSink(RedisAlertSink sink, BatchWrongAnswerTracker tracker) : IAlertSink
{
    /// <summary>Writes the alerts and the batch alerts they raise; returns the sink's result for all of them.</summary>
    public async Task<AlertWriteResult> WriteWithBatchesAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var batches = await tracker.ObserveAsync(alerts, cancellationToken).ConfigureAwait(false);
        if (batches.Count == 0) return await sink.WriteAsync(alerts, cancellationToken).ConfigureAwait(false);
        var all = new List<Alert>(alerts.Count + batches.Count);
        all.AddRange(alerts);
        all.AddRange(batches);
        return await sink.WriteAsync(all, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken) => WriteWithBatchesAsync(alerts, cancellationToken);
}
