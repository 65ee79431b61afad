using System.Diagnostics;
using System.Threading.Channels;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Pipeline.Batches;
using Microsoft.Extensions.Logging;

namespace Alerting.Kafka;

/// <summary>What one partition worker hands the committer at a seal.</summary>
internal sealed class WorkerPart(SealedBatch batch)
{
    public SealedBatch Batch { get; } = batch;

    /// <summary>The slot each checkpoint of <see cref="Batch"/> belongs to (a fenced save fences the slot).</summary>
    public List<(PartitionCheckpointWrite Checkpoint, PartitionSlot Slot)> Owners { get; } = [];
}

/// <summary>
/// A partition worker: one dedicated thread that owns the pipelines of a fixed group of partitions and applies
/// their records in order (parse, rules, dead-letter reasons), fed by the poll loop through a bounded channel.
/// Everything it produces stays in its part of the current batch until the poll loop asks it to seal; then the
/// part, the changed rule state (encoded) and the progress go to the committer. Per-partition order and
/// single-threaded pipeline state are what they were on the consume thread: one partition, one thread.
/// </summary>
internal sealed class PartitionWorker : IDisposable
{
    private readonly Channel<WorkItem> _queue;
    private readonly Thread _thread;
    private readonly List<PartitionSlot> _owned = [];
    private readonly bool _checkpoints;
    private readonly bool _keepMessages;
    private readonly ConsumerStatus _status;
    private readonly ILogger _logger;
    private WorkerPart _part = new(new SealedBatch());
    private long _handleTicks;
    private volatile bool _hasUnsealed;
    private volatile Exception? _fault;

    public PartitionWorker(int index, int capacity, bool checkpoints, bool keepMessages, ConsumerStatus status, ILogger logger)
    {
        _keepMessages = keepMessages;
        Index = index;
        _checkpoints = checkpoints;
        _status = status;
        _logger = logger;
        // Synchronous continuations: a write wakes the blocked worker thread (and a read the waiting poll thread)
        // directly, never through the thread pool, which a busy or starved pool would delay by hundreds of ms.
        _queue = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = true,
        });
        _thread = new Thread(Loop) { IsBackground = true, Name = $"partition-worker-{index}" };
        _thread.Start();
    }

    public int Index { get; }

    /// <summary>Alerts, refused records or facts produced since the last seal by something other than a routed record (a timer).</summary>
    public bool HasUnsealed => _hasUnsealed;

    /// <summary>The worker stopped on an unexpected error (a bug: rule errors are dead-lettered, not thrown).</summary>
    public Exception? Fault => _fault;

    public int OpenConversations { get; private set; }
    public int PendingDeadlines { get; private set; }

    /// <summary>Times <see cref="Post"/> found the queue full and waited for the worker.</summary>
    public long FullWaits { get; private set; }

    /// <summary>
    /// Queues <paramref name="item"/>. A full queue is backpressure on the poll loop: it waits for room (the worker
    /// only computes, it never waits on I/O, so room comes within the time to apply a queue of records).
    /// </summary>
    public void Post(in WorkItem item)
    {
        if (_queue.Writer.TryWrite(item)) return;
        FullWaits++;
        while (!_queue.Writer.TryWrite(item))
        {
            if (_fault is { } fault) throw new InvalidOperationException($"partition worker {Index} failed: {fault.Message}", fault);
            _queue.Writer.WaitToWriteAsync().AsTask().Wait(100);
        }
    }

    private void Loop()
    {
        var reader = _queue.Reader;
        while (true)
        {
            if (!reader.TryRead(out var item))
            {
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return;
                continue;
            }
            if (_fault is not null)
            {
                // Failed: nothing is applied any more; seals fail (so no offset moves), releases still answer.
                item.Seal?.Part.TrySetException(new InvalidOperationException($"partition worker {Index} failed", _fault));
                item.Done?.TrySetResult();
                continue;
            }
            try
            {
                Handle(item);
            }
            catch (Exception ex)
            {
                _fault = ex;
                item.Seal?.Part.TrySetException(ex);
                item.Done?.TrySetResult();
                KafkaLog.WorkerFailed(_logger, Index, ex);
            }
        }
    }

    private void Handle(in WorkItem item)
    {
        switch (item.Kind)
        {
            case WorkKind.Record:
                Apply(item.Slot!, item.Record!);
                break;
            case WorkKind.EndOfPartition:
                item.Slot!.AtEnd = true;
                break;
            case WorkKind.Assign:
                _owned.Add(item.Slot!);
                break;
            case WorkKind.Release:
                _owned.Remove(item.Slot!);
                item.Done?.TrySetResult();
                break;
            case WorkKind.IdleTick:
                Tick(item.CaughtUp!);
                break;
            case WorkKind.Seal:
                Seal(item.Seal!);
                break;
        }
    }

    private void Apply(PartitionSlot slot, Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> record)
    {
        var started = Stopwatch.GetTimestamp();
        slot.AtEnd = false;
        var value = record.Message.Value;
        var parsed = value is null ? new ParseResult(null, "null value: expected a UTF-8 JSON chat message") : ChatMessageParser.Parse(value);
        // A record that does not parse, whose time is out of range or whose rules fail is dead-lettered
        // with the reason; the pipeline kept nothing of it, and the partition goes on.
        var refused = parsed.IsValid ? slot.Pipeline.Process(parsed.Message!, _part.Batch.Alerts) : parsed.Error;
        var tp = record.TopicPartition;
        if (refused is not null)
        {
            _part.Batch.Refused.Add(new RefusedRecord(record.Message.Key, value, refused, tp.Topic, tp.Partition.Value, record.Offset.Value));
            KafkaLog.DeadLettered(_logger, tp.Topic, tp.Partition.Value, record.Offset.Value, refused);
        }
        else if (_keepMessages) _part.Batch.Messages.Add(parsed.Message!);
        // Only now, with the record fully applied (or refused), does the next checkpoint's offset move past it.
        slot.NextOffset = record.Offset.Value + 1;
        _handleTicks += Stopwatch.GetTimestamp() - started;
    }

    private void Tick(IReadOnlyList<PartitionSlot> caughtUp)
    {
        foreach (var slot in caughtUp)
            if (_owned.Contains(slot) && slot.Pipeline.MaxSentAt != DateTimeOffset.MinValue) slot.Pipeline.FollowWallClock(_part.Batch.Alerts);
        int open = 0, pending = 0, facts = 0;
        foreach (var slot in _owned)
        {
            open += slot.Pipeline.OpenConversations;
            pending += slot.Pipeline.PendingDeadlines;
            facts += slot.Pipeline.PendingActivity;
        }
        OpenConversations = open;
        PendingDeadlines = pending;
        _hasUnsealed = _part.Batch.Alerts.Count > 0 || _part.Batch.Refused.Count > 0 || facts > 0;
    }

    /// <summary>
    /// Hands over the part of the batch: alerts and refused records since the last seal, every owned partition's
    /// changed rule state (encoded here, off the poll thread) with the offset it corresponds to, the facts and,
    /// when asked, each partition's progress. Records applied after this belong to the next batch.
    /// </summary>
    private void Seal(SealRequest request)
    {
        var part = _part;
        _part = new WorkerPart(new SealedBatch());
        _hasUnsealed = false;
        var batch = part.Batch;
        foreach (var slot in _owned)
        {
            var pipeline = slot.Pipeline;
            if (_checkpoints && slot.NextOffset >= 0)
            {
                var (encoded, removed) = pipeline.Store.TakeEncodedChanges();
                if (encoded.Count > 0 || removed.Count > 0 || slot.SavedOffset != slot.NextOffset)
                {
                    var tp = slot.Partition;
                    var checkpoint = new PartitionCheckpointWrite(tp.Topic, tp.Partition.Value, slot.Epoch, slot.NextOffset, encoded, removed, slot.Released.Token);
                    batch.Checkpoints.Add(checkpoint);
                    part.Owners.Add((checkpoint, slot));
                    slot.SavedOffset = slot.NextOffset;
                }
            }
            pipeline.DrainActivity(batch.Facts);
            if (request.WithProgress && pipeline.ProgressOf(slot.Partition.Topic, slot.Partition.Partition.Value, slot.AtEnd) is { } progress)
                (batch.Progress ??= []).Add(progress);
        }
        if (request.WithProgress) batch.Progress ??= [];
        _status.AddHandleTime(TimeSpan.FromTicks((long)(_handleTicks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency))));
        _handleTicks = 0;
        request.Part.TrySetResult(part);
    }

    /// <summary>Stops taking work and waits (bounded) for the thread to finish what is queued.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
