using Alerting.Core.Alerts;
using Alerting.Core.Pipeline.CrossConversation;

namespace Alerting.Redis.CrossConversation;

/// <summary>
/// The worker's alert sink with cross-conversation detection in front: each batch of alerts first goes
/// through the cross-conversation stage (<see cref="CrossConversationStage.WithBatchesAsync"/>, the step replay
/// runs too), then the batch's own alerts and the batch alerts they raised are written to Redis in one
/// <see cref="RedisAlertSink.WriteAsync"/>. Same guarantee as the sink: returns only when everything is
/// acknowledged; a failure or cancellation means "not written, send the whole batch again" — which is safe,
/// since both steps are idempotent. Thread-safe.
/// </summary>
public sealed class BatchDetectingAlertSink(RedisAlertSink sink, CrossConversationStage stage) : IAlertSink
{
    /// <summary>Batches tracked by <paramref name="tracker"/> alone (tests, tools).</summary>
    public BatchDetectingAlertSink(RedisAlertSink sink, BatchWrongAnswerTracker tracker)
        : this(sink, new CrossConversationStage(new RedisCrossConversation(tracker)))
    {
    }

    /// <summary>Writes the alerts and the batch alerts they raise; returns the sink's result for all of them.</summary>
    public async Task<AlertWriteResult> WriteWithBatchesAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var all = await stage.WithBatchesAsync(alerts, cancellationToken).ConfigureAwait(false);
        return await sink.WriteAsync(all, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken) => WriteWithBatchesAsync(alerts, cancellationToken);
}
