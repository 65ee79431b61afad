using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Pipeline.Batches;

/// <summary>
/// The batch's parsed messages (refused records left out) to a <see cref="IMessageBatchWriter"/> (transcripts),
/// beside the alerts (an inspector opens a transcript after seeing the alert; both are durable before the
/// checkpoint and the offsets). The writer is idempotent per message.
/// </summary>
public sealed class MessageWriteStage(IMessageBatchWriter writer) : IBatchWriteStage
{
    public int Order => BatchStageOrder.Messages;
    public string Name => "messages";
    public bool NeedsMessages => true;
    public bool WaitsForEarlierStages => false;

    public Task WriteAsync(SealedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Messages.Count == 0 ? Task.CompletedTask : writer.WriteAsync(batch.Messages, cancellationToken);
    }
}

/// <summary>The batch's alerts to Core's alert port (the Redis adapter registers its sink there).</summary>
public sealed class AlertWriteStage(IAlertSink sink) : IBatchWriteStage
{
    public int Order => BatchStageOrder.Alerts;
    public string Name => "alerts";
    public bool WaitsForEarlierStages => false;

    public Task WriteAsync(SealedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Alerts.Count == 0 ? Task.CompletedTask : sink.WriteAsync(batch.Alerts, cancellationToken);
    }
}

/// <summary>
/// Cross-conversation facts, then the progress they complete (<see cref="IAgentActivitySink"/>): facts first,
/// so published progress always has its facts stored.
/// </summary>
public sealed class CrossConversationFactsStage(IAgentActivitySink sink) : IBatchWriteStage
{
    public int Order => BatchStageOrder.CrossConversationFacts;
    public string Name => "facts";
    public bool NeedsPartitionProgress => true;
    public bool WaitsForEarlierStages => false;

    public Task WriteAsync(SealedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Facts.Count == 0 && batch.Progress is null ? Task.CompletedTask : sink.FlushAsync(batch.Facts, batch.Progress ?? [], cancellationToken);
    }
}

/// <summary>
/// Every partition's checkpoint of the batch, concurrently (one round trip for all). A partition revoked or lost
/// meanwhile is no longer ours to save: its save is skipped or stops waiting; a save refused because a newer owner
/// claimed the partition marks it <see cref="PartitionCheckpointWrite.Fenced"/> (nothing was written).
/// </summary>
public sealed class CheckpointWriteStage(IPartitionStateStore store, Action<string>? onAbandoned = null) : IBatchWriteStage
{
    public int Order => BatchStageOrder.Checkpoints;
    public string Name => "checkpoints";

    public Task WriteAsync(SealedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Checkpoints.Count == 0) return Task.CompletedTask;
        return Task.WhenAll(batch.Checkpoints.Where(c => !c.Released.IsCancellationRequested).Select(c => SaveAsync(c, cancellationToken)));
    }

    private async Task SaveAsync(PartitionCheckpointWrite c, CancellationToken ct)
    {
        using var owned = CancellationTokenSource.CreateLinkedTokenSource(ct, c.Released);
        try
        {
            await store.SaveAsync(c.Topic, c.Partition, c.Epoch, c.NextOffset, c.Changed, c.Removed, owned.Token).ConfigureAwait(false);
        }
        catch (CheckpointFencedException ex)
        {
            // Another owner claimed the partition (we are a zombie that has not heard of the handover yet).
            c.Fenced = true;
            onAbandoned?.Invoke(ex.Message);
        }
        catch (OperationCanceledException) when (c.Released.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // Handed over meanwhile: not an error of this batch (its offsets for that partition are not stored).
        }
    }
}
