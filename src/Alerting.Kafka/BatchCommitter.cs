using System.Diagnostics;
using Alerting.Core.Pipeline.Batches;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Alerting.Kafka;

/// <summary>The poll loop's side of the batch being filled: which offsets it routed, and when it started.</summary>
internal sealed class RoutedBatch
{
    public Dictionary<TopicPartition, (PartitionSlot Slot, long Offset)> Offsets { get; } = [];
    public int Records { get; set; }
    public long StartedAt { get; set; }
    public DateTimeOffset StartedAtUtc { get; set; }
}

/// <summary>A sealed batch whose parts are being collected and written (at most one at a time).</summary>
internal sealed class InFlight(RoutedBatch routed, bool withProgress, long startedAt)
{
    public RoutedBatch Routed { get; } = routed;
    public bool WithProgress { get; } = withProgress;
    public long StartedAt { get; } = startedAt;
    public SealedBatch Sealed { get; } = new();
    public List<(PartitionCheckpointWrite Checkpoint, PartitionSlot Slot)> Owners { get; } = [];
    public Task Write { get; set; } = Task.CompletedTask;
}

/// <summary>
/// Seals batches and writes them: asks every partition worker for its part (queued behind the records routed so
/// far, so the part holds exactly those), merges the parts, runs the write stages (those that do not wait for the
/// earlier ones side by side, see <see cref="IBatchWriteStage.WaitsForEarlierStages"/>), off the poll thread.
/// One batch in flight at a time; <see cref="Store"/> (poll thread) stores its offsets, in order, only after all
/// its stages completed.
/// </summary>
internal sealed class BatchCommitter(IReadOnlyList<IBatchWriteStage> stages, ConsumerStatus status, IConsumeObserver? observer, TimeProvider time, ILogger logger)
{
    /// <summary>Cancels writes in flight: only when the shutdown's grace period is over, not when stopping begins.</summary>
    private readonly CancellationTokenSource _writes = new();
    /// <summary>The last batch whose progress was published (its <see cref="SealedBatch.Progress"/>).</summary>
    private SealedBatch? _published;

    public InFlight? Current { get; private set; }

    /// <summary>A batch's writes failed for good: no later batch may store offsets past it (they would skip it).</summary>
    public bool Failed { get; set; }

    /// <summary>Some stage reads partition progress.</summary>
    public bool WantsProgress { get; } = stages.Any(s => s.NeedsPartitionProgress);

    /// <summary>Some stage reads the batch's parsed messages.</summary>
    public bool WantsMessages { get; } = stages.Any(s => s.NeedsMessages);

    /// <summary>Seals <paramref name="routed"/>: every worker seals its part at this point of its queue; the write starts once all parts are in.</summary>
    public void Start(RoutedBatch routed, IReadOnlyList<PartitionWorker> workers, bool withProgress)
    {
        var parts = new Task<WorkerPart>[workers.Count];
        for (var i = 0; i < workers.Count; i++)
        {
            var request = new SealRequest(withProgress);
            workers[i].Post(new WorkItem(WorkKind.Seal, Seal: request));
            parts[i] = request.Part.Task;
        }
        var flight = new InFlight(routed, withProgress, time.GetTimestamp());
        flight.Write = WriteAsync(flight, parts, _writes.Token);
        Current = flight;
    }

    private async Task WriteAsync(InFlight flight, Task<WorkerPart>[] parts, CancellationToken ct)
    {
        var routed = flight.Routed;
        var startedAt = routed.Records > 0 ? routed.StartedAtUtc : time.GetUtcNow();
        using var span = ConsumeTracing.Source.StartActivity("alerts.batch", ActivityKind.Internal, default(ActivityContext), startTime: startedAt);
        var sealedBatch = flight.Sealed;
        sealedBatch.Records = routed.Records;
        using (ConsumeTracing.Source.StartActivity("alerts.rules", ActivityKind.Internal, span?.Context ?? default, startTime: startedAt))
        {
            foreach (var part in await Task.WhenAll(parts).ConfigureAwait(false))
            {
                var b = part.Batch;
                sealedBatch.Refused.AddRange(b.Refused);
                sealedBatch.Messages.AddRange(b.Messages);
                sealedBatch.Alerts.AddRange(b.Alerts);
                sealedBatch.Facts.AddRange(b.Facts);
                sealedBatch.Checkpoints.AddRange(b.Checkpoints);
                flight.Owners.AddRange(part.Owners);
                if (b.Progress is not null) (sealedBatch.Progress ??= []).AddRange(b.Progress);
            }
        }
        if (sealedBatch.Progress is { } progress)
        {
            progress.Sort((x, y) => x.Partition.CompareTo(y.Partition));
            // Published already and unchanged: not sent again.
            if (_published?.Progress is { } last && progress.SequenceEqual(last)) sealedBatch.Progress = null;
        }
        span?.SetTag("alerting.records", routed.Records);
        span?.SetTag("alerting.alerts", sealedBatch.Alerts.Count);
        if (sealedBatch.IsEmpty) return;
        using var write = ConsumeTracing.Source.StartActivity("alerts.write");
        // Stages start in order; one that waits for the earlier ones (checkpoints) starts when they are all done,
        // the others start at once beside them. The batch is durable when every stage completed.
        var running = new List<(string Name, Task<TimeSpan> Elapsed)>(stages.Count);
        foreach (var stage in stages)
        {
            if (stage.WaitsForEarlierStages) await CollectAsync(running, sealedBatch).ConfigureAwait(false);
            running.Add((stage.Name, RunAsync(stage, sealedBatch, ct)));
        }
        await CollectAsync(running, sealedBatch).ConfigureAwait(false);
    }

    private async Task<TimeSpan> RunAsync(IBatchWriteStage stage, SealedBatch batch, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        using (ConsumeTracing.Source.StartActivity("alerts.write." + stage.Name))
            await stage.WriteAsync(batch, ct).ConfigureAwait(false);
        return time.GetElapsedTime(started);
    }

    /// <summary>Waits for the stages started so far (every one, even when one fails: then that failure is thrown) and records their times.</summary>
    private static async Task CollectAsync(List<(string Name, Task<TimeSpan> Elapsed)> running, SealedBatch batch)
    {
        if (running.Count == 0) return;
        try
        {
            await Task.WhenAll(running.Select(r => r.Elapsed)).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (name, elapsed) in running)
                if (elapsed.IsCompletedSuccessfully) batch.StageTimes[name] = elapsed.Result;
            running.Clear();
        }
    }

    /// <summary>
    /// After <see cref="Current"/>'s write succeeded (poll thread): stores its offsets for every partition still
    /// owned by the same slot and not fenced, then counts it.
    /// </summary>
    public void Store(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyDictionary<TopicPartition, PartitionSlot> owned)
    {
        if (Current is not { } flight) return;
        Current = null;
        var batch = flight.Sealed;
        foreach (var (name, elapsed) in batch.StageTimes)
        {
            status.StageTimes.AddOrUpdate(name, elapsed, (_, sum) => sum + elapsed);
            if (name == DeadLetterStage.StageName) status.DeadLetterTime += elapsed;
            else if (name == "checkpoints") status.CheckpointTime += elapsed;
            else status.SinkTime += elapsed;
        }
        status.Flushes++;
        status.AddDeadLettered(batch.Refused.Count);
        status.AddAlerts(batch.Alerts.Count);
        if (flight.WithProgress && batch.Progress is not null) _published = batch;
        foreach (var (checkpoint, slot) in flight.Owners)
            if (checkpoint.Fenced)
            {
                slot.Fenced = true;
                KafkaLog.RevokeFlushIncomplete(logger, $"checkpoint of {slot.Partition} refused: a newer owner claimed it");
            }
        foreach (var (tp, (slot, offset)) in flight.Routed.Offsets)
        {
            // Revoked meanwhile (even if assigned again since, with a fresh state): the owner replays it.
            if (!owned.TryGetValue(tp, out var current) || !ReferenceEquals(current, slot) || slot.Fenced) continue;
            try
            {
                consumer.StoreOffset(new TopicPartitionOffset(tp, offset));
            }
            catch (KafkaException ex)
            {
                KafkaLog.OffsetNotStored(logger, tp, ex.Error.Reason);
            }
        }
        status.AddRecords(flight.Routed.Records);
        if (!batch.IsEmpty)
            observer?.RecordBatch(flight.Routed.Records, batch.Refused.Count, time.GetElapsedTime(flight.Routed.StartedAt));
    }

    /// <summary>The batch in flight failed for good: never waited for again, and nothing after it is committed.</summary>
    public void Abandon(InFlight flight)
    {
        if (ReferenceEquals(Current, flight)) Current = null;
        Failed = true;
    }

    public void CancelWritesAfter(TimeSpan delay) => _writes.CancelAfter(delay);

    public void CancelWrites() => _writes.Cancel();
}
