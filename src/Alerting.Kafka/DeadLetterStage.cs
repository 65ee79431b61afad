using Alerting.Core.Pipeline.Batches;

namespace Alerting.Kafka;

/// <summary>
/// The first write stage: the batch's refused records to the dead-letter topic. The producer's
/// <see cref="DeadLetterProducer.Send"/> blocks until Kafka acknowledges, so it runs on the thread pool.
/// </summary>
internal sealed class DeadLetterStage(DeadLetterProducer producer) : IBatchWriteStage
{
    public const string StageName = "dead-letters";

    public int Order => BatchStageOrder.DeadLetters;
    public string Name => StageName;

    public Task WriteAsync(SealedBatch batch, CancellationToken cancellationToken)
        => batch.Refused.Count == 0 ? Task.CompletedTask : Task.Run(() => producer.Send(batch.Refused, cancellationToken), cancellationToken);
}
