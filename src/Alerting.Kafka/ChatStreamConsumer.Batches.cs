using System.Diagnostics;
using Confluent.Kafka;

namespace Alerting.Kafka;

/// <summary>The poll loop's batch boundaries: seal, wait for the batch in flight (keeping the group membership), store, shut down.</summary>
public sealed partial class ChatStreamConsumer
{
    /// <summary>True while the loop waits for a write and polls paused partitions (a rebalance then only waits too).</summary>
    private bool _waitingForWrite;

    /// <summary>True inside a rebalance callback, where Consume must not be called.</summary>
    private bool _inRebalance;

    /// <summary>
    /// Seals the current batch and starts writing it, after the previous batch is entirely durable and its offsets
    /// stored. The loop goes on with the next batch meanwhile, so Redis round trips overlap with parse and rules;
    /// offsets still move only past batches that are entirely durable, in order.
    /// </summary>
    private void Flush(CancellationToken ct)
    {
        Complete(ct);
        var withProgress = _committer!.WantsProgress && _time.GetElapsedTime(_progressPublishedAt) >= TimeSpan.FromMilliseconds(_options.IdleTickMs);
        if (withProgress) _progressPublishedAt = _time.GetTimestamp();
        var batch = _batch;
        _batch = new RoutedBatch();
        _committer.Start(batch, _workers, withProgress);
    }

    /// <summary>
    /// Waits for the batch in flight (pausing and polling if that takes long, see <see cref="WaitKeepingMembership"/>),
    /// then stores its offsets. Throws if its writes failed: the batch is then not committed and is consumed again
    /// by whoever owns the partitions next.
    /// </summary>
    private void Complete(CancellationToken ct)
    {
        var committer = _committer!;
        if (committer.Failed) throw new InvalidOperationException("an earlier batch could not be written; no later offsets are stored, so it is consumed again after a restart");
        if (committer.Current is not { } flight) return;
        try
        {
            WaitKeepingMembership(flight.Write, ct);
        }
        catch when (flight.Write.IsFaulted || flight.Write.IsCanceled)
        {
            committer.Abandon(flight);
            throw;
        }
        catch when (flight.Write.IsCompletedSuccessfully)
        {
            // Our wait was cancelled just as the write succeeded: it is durable, carry on.
        }
        if (!ReferenceEquals(committer.Current, flight)) return; // completed meanwhile (a rebalance inside our wait)
        committer.Store(_consumer!, _partitions);
    }

    /// <summary>
    /// Waits for the write. If that takes long (Redis down), pauses every assigned partition and keeps calling
    /// Consume so the group does not evict this member; resumes once the write is durable. Records already fetched
    /// that still arrive go into the next batch.
    /// </summary>
    private void WaitKeepingMembership(Task write, CancellationToken ct)
    {
        if (write.Wait(TimeSpan.FromMilliseconds(_options.SlowWriteMs), ct)) { write.GetAwaiter().GetResult(); return; }
        if (_inRebalance || _waitingForWrite)
        {
            // Consume must not be called from inside a rebalance callback (nor re-entered): just wait (bounded by ct).
            write.Wait(ct);
            write.GetAwaiter().GetResult();
            return;
        }
        var consumer = _consumer!;
        var paused = consumer.Assignment.ToList();
        consumer.Pause(paused);
        Status.PausedForBackpressure = true;
        KafkaLog.Paused(_logger, paused.Count);
        var started = Stopwatch.StartNew();
        var poll = TimeSpan.FromMilliseconds(_options.PausedPollMs);
        _waitingForWrite = true;
        try
        {
            while (!write.Wait(poll, ct))
            {
                Route(consumer.Consume(poll));
            }
            write.GetAwaiter().GetResult();
        }
        finally
        {
            _waitingForWrite = false;
            var stillAssigned = consumer.Assignment.ToHashSet();
            consumer.Resume(paused.Where(stillAssigned.Contains).ToList());
            Status.PausedForBackpressure = false;
            KafkaLog.Resumed(_logger, started.Elapsed.TotalSeconds);
        }
    }

    private void ShutDown(IConsumer<byte[]?, byte[]?> consumer)
    {
        var committer = _committer!;
        try
        {
            var grace = TimeSpan.FromMilliseconds(_options.ShutdownGraceMs);
            using var cts = new CancellationTokenSource(grace);
            committer.CancelWritesAfter(grace);
            ThrowIfWorkerFailed();
            Flush(cts.Token);
            Complete(cts.Token);
            CommitStored(consumer);
        }
        catch (Exception ex) when (ex is KafkaException or OperationCanceledException or InvalidOperationException or AggregateException)
        {
            KafkaLog.FinalFlushIncomplete(_logger, ex.Message);
        }
        finally
        {
            committer.CancelWrites();
            // Let a cancelled write unwind before the producer and Redis go away (bounded).
            try { committer.Current?.Write.Wait(TimeSpan.FromMilliseconds(_options.ShutdownUnwindMs)); } catch (AggregateException) { }
            try
            {
                consumer.Close();
                KafkaLog.LeftGroup(_logger, _options.GroupId);
            }
            catch (KafkaException ex)
            {
                KafkaLog.FinalFlushIncomplete(_logger, ex.Message);
            }
            foreach (var worker in _workers) worker.Dispose();
        }
    }

    /// <summary>Commits the stored offsets now; nothing stored since the last (auto) commit is not an error.</summary>
    private static void CommitStored(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_NoOffset)
        {
        }
    }
}
