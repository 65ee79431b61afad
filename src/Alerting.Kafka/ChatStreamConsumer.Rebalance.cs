using Alerting.Core.Pipeline;
using Confluent.Kafka;

namespace Alerting.Kafka;

/// <summary>The rebalance callbacks (on the poll thread, inside Consume): restore on assignment, finish and hand over on revoke.</summary>
public sealed partial class ChatStreamConsumer
{
    /// <summary>
    /// New partitions: restore each one's checkpointed rule state and start consuming at the offset the
    /// checkpoint corresponds to, so the records after it are replayed into the restored state. Without
    /// a checkpoint the partition starts from its committed offset (or the reset policy).
    /// </summary>
    private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> assigned, CancellationToken ct)
    {
        var handover = TimeSpan.FromMilliseconds(_options.HandoverTimeoutMs);
        // A partition lost and assigned back must not be loaded while our own earlier save of it still runs.
        try { _committer!.Current?.Write.Wait(handover, ct); }
        catch (AggregateException) { }
        var starts = new List<TopicPartitionOffset>();
        foreach (var tp in assigned)
        {
            var pipeline = NewPipeline();
            var start = Offset.Unset;
            long epoch = 0, next = -1;
            if (_stateStore is not null)
            {
                // Claim first: from now on a save of the previous owner that is still on its way is refused.
                epoch = WaitForRestore(_stateStore.ClaimAsync(tp.Topic, tp.Partition.Value, ct), tp, ct);
                var checkpoint = WaitForRestore(_stateStore.LoadAsync(tp.Topic, tp.Partition.Value, ct), tp, ct);
                if (checkpoint is not null)
                {
                    pipeline.Restore(checkpoint.Conversations.Select(kv => KeyValuePair.Create(kv.Key, ConversationStateCodec.Decode(kv.Value))));
                    next = checkpoint.NextOffset;
                    start = new Offset(checkpoint.NextOffset);
                    KafkaLog.Restored(_logger, tp.Partition.Value, checkpoint.Conversations.Count, checkpoint.NextOffset);
                }
            }
            // The restored pipeline goes to its worker through the queue: from here on only that thread touches it.
            Adopt(tp, pipeline, slot =>
            {
                slot.Epoch = epoch;
                slot.RoutedNext = slot.NextOffset = slot.SavedOffset = next;
            });
            starts.Add(new TopicPartitionOffset(tp, start));
        }
        Status.AssignedPartitions = _partitions.Count;
        KafkaLog.Assigned(_logger, string.Join(", ", assigned.Select(p => p.Partition.Value)));
        return starts;
    }

    /// <summary>Restoring is not optional: a partition is not consumed without its state (the store's own retry policy applies).</summary>
    private static T WaitForRestore<T>(Task<T> load, TopicPartition tp, CancellationToken ct)
    {
        try
        {
            return load.GetAwaiter().GetResult();
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidOperationException($"checkpoint of {tp} cannot be read by this release: {ex.Message}", ex);
        }
        finally
        {
            ct.ThrowIfCancellationRequested();
        }
    }

    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> revoked)
    {
        var handover = TimeSpan.FromMilliseconds(_options.HandoverTimeoutMs);
        if (!_waitingForWrite)
        {
            // Cooperative rebalance: seal the current batch, let it and the one in flight become durable, store and
            // commit their offsets while we still own the partitions, then hand them over.
            _inRebalance = true;
            try
            {
                using var cts = new CancellationTokenSource(handover);
                ThrowIfWorkerFailed();
                Flush(cts.Token);
                Complete(cts.Token);
                CommitStored(consumer);
            }
            catch (Exception ex)
            {
                // Whatever went wrong, the partitions are handed over (an exception must not escape the callback).
                KafkaLog.RevokeFlushIncomplete(_logger, ex.Message);
            }
            finally
            {
                _inRebalance = false;
            }
        }
        else if (_committer!.Current is { } flight)
        {
            // We are inside the wait for the batch in flight: let its checkpoint writes land before the
            // partitions change hands (bounded); their offsets are not stored, the next owner replays.
            try
            {
                flight.Write.Wait(handover);
            }
            catch (AggregateException ex)
            {
                KafkaLog.RevokeFlushIncomplete(_logger, ex.InnerException?.Message ?? ex.Message);
            }
        }
        Release(revoked, handover);
        KafkaLog.Revoked(_logger, string.Join(", ", revoked.Select(p => p.Partition.Value)));
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        Release(lost, TimeSpan.Zero);
        KafkaLog.Lost(_logger, string.Join(", ", lost.Select(p => p.Partition.Value)));
    }

    /// <summary>
    /// The partitions leave: their slots go (no offset of them is stored from now on), their writes stop, and each
    /// worker drops the partition's state once it reaches the release in its queue — waited for up to
    /// <paramref name="wait"/>, so a revoked partition is no longer applied when it is handed over.
    /// </summary>
    private void Release(List<TopicPartitionOffset> partitions, TimeSpan wait)
    {
        var released = new List<Task>();
        foreach (var tpo in partitions)
        {
            if (_partitions.Remove(tpo.TopicPartition, out var gone))
            {
                gone.Released.Cancel();
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                gone.Worker.Post(new WorkItem(WorkKind.Release, gone, Done: done));
                released.Add(done.Task);
            }
            _observer?.ForgetPartition(tpo.Partition.Value);
        }
        if (wait > TimeSpan.Zero && released.Count > 0 && !Task.WaitAll([.. released], wait))
            KafkaLog.RevokeFlushIncomplete(_logger, "a partition worker did not let a revoked partition go in time");
        Status.AssignedPartitions = _partitions.Count;
    }
}
