using System.Diagnostics;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.AgentResponseRate;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Alerting.Kafka;

/// <summary>Live counters of the consume loop, for the demo display, logs and readiness.</summary>
public sealed class ConsumerStatus
{
    private long _records;
    private long _deadLettered;
    private long _alerts;

    public long Records => Interlocked.Read(ref _records);
    public long DeadLettered => Interlocked.Read(ref _deadLettered);
    public long AlertsWritten => Interlocked.Read(ref _alerts);
    public int AssignedPartitions { get; internal set; }
    /// <summary>True while consumption is paused because the alert store is not acknowledging writes.</summary>
    public bool PausedForBackpressure { get; internal set; }
    public int OpenConversations { get; internal set; }

    /// <summary>Dead letters given up on (<c>Kafka:DeadLetterOnFailure=skip</c>); each was logged with its source position.</summary>
    public long DeadLettersSkipped => DeadLetters?.Skipped ?? 0;

    /// <summary>How long dead-letter writes have been failing; null while they succeed (a readiness reason when set).</summary>
    public TimeSpan? DeadLetterFailingFor => DeadLetters?.FailingFor;

    internal DeadLetterProducer? DeadLetters { get; set; }
    public int PendingDeadlines { get; internal set; }

    /// <summary>Time spent in the parts of a batch flush (for benchmarks and profiling).</summary>
    public TimeSpan DeadLetterTime { get; internal set; }
    public TimeSpan ConsumeTime { get; internal set; }
    public TimeSpan HandleTime { get; internal set; }
    public TimeSpan SinkTime { get; internal set; }
    public TimeSpan CheckpointTime { get; internal set; }
    public long Flushes { get; internal set; }

    internal void AddRecords(long n) => Interlocked.Add(ref _records, n);
    internal void AddDeadLettered(long n) => Interlocked.Add(ref _deadLettered, n);
    internal void AddAlerts(long n) => Interlocked.Add(ref _alerts, n);
}

/// <summary>
/// The consume loop: Kafka partition → parse (or dead-letter) → the partition's rule pipeline →
/// alerts batched to the sink → offsets stored. Runs on one dedicated thread; a sealed batch's writes
/// (dead letters, alerts, agent facts, checkpoints) run beside it while the next batch is consumed.
/// </summary>
/// <remarks>
/// Delivery: auto-commit is on but auto offset <em>store</em> is off, so the committed position only
/// moves past records whose batch was fully handled: dead letters acknowledged by Kafka, then alerts
/// acknowledged by the sink, then <see cref="IConsumer{TKey,TValue}.StoreOffset(TopicPartitionOffset)"/>.
/// A crash replays at most the batches after the last commit; deterministic alert ids and the sink's
/// dedupe keep those from alerting twice. While the sink does not acknowledge (Redis down) the loop
/// pauses its partitions and keeps polling, so the group membership survives and nothing is skipped.
/// Rule state that is not checkpointed (first form) is rebuilt only from the records after the
/// committed offset; see README's limitations.
/// </remarks>
public sealed class ChatStreamConsumer
{
    private readonly KafkaOptions _options;
    private readonly IRulesSource _rules;
    private readonly IAlertSink _sink;
    private readonly IPartitionStateStore? _stateStore;
    private readonly IConsumeObserver? _observer;
    private readonly IAgentActivitySink? _activity;
    private readonly IMessageBatchWriter? _messageWriter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<TopicPartition, PartitionSlot> _partitions = [];
    private Batch _batch = new();
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private DeadLetterProducer? _deadLetters;
    private bool _flushing;
    /// <summary>The sealed batch whose writes are under way while the next one is consumed (at most one).</summary>
    private InFlight? _inFlight;
    /// <summary>Cancels writes in flight: only when the shutdown's grace period is over, not when stopping begins.</summary>
    private readonly CancellationTokenSource _writes = new();
    /// <summary>A batch's writes failed for good: no later batch may store offsets past it (they would skip it).</summary>
    private bool _writeFailed;
    private List<PartitionProgress> _publishedProgress = [];
    private long _progressPublishedAt;
    private bool _inRebalance;

    public ChatStreamConsumer(KafkaOptions options, IRulesSource rules, IAlertSink sink, TimeProvider time, ILogger<ChatStreamConsumer> logger, IPartitionStateStore? stateStore = null, IConsumeObserver? observer = null,
        IAgentActivitySink? activity = null, IMessageBatchWriter? messageWriter = null)
    {
        _activity = activity;
        _messageWriter = messageWriter;
        _options = options;
        _rules = rules;
        _sink = sink;
        _stateStore = stateStore;
        _observer = observer;
        _time = time;
        _logger = logger;
    }

    public ConsumerStatus Status { get; } = new();

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled, then flushes, commits and leaves the group.</summary>
    public void Run(CancellationToken stoppingToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = _options.GroupId,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = _options.AutoOffsetReset == "latest" ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            ClientId = $"alerting-{Environment.MachineName}-{Environment.ProcessId}",
        };
        foreach (var (k, v) in _options.Consumer) config.Set(k, v);
        // "Caught up" for the agent-level evaluation: a partition that has nothing (left) to read says so.
        config.EnablePartitionEof = true;

        using var deadLetters = new DeadLetterProducer(_options, _logger);
        _deadLetters = deadLetters;
        Status.DeadLetters = deadLetters;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned, stoppingToken))
            .SetPartitionsRevokedHandler((c, revoked) => OnRevoked(c, revoked))
            .SetPartitionsLostHandler((_, lost) => OnLost(lost))
            .SetErrorHandler((_, e) => { if (e.IsFatal) KafkaLog.FatalClientError(_logger, e.Reason, e.Code); else KafkaLog.ClientError(_logger, e.Reason, e.Code); })
            .SetLogHandler((_, m) => KafkaLog.Librdkafka(_logger, KafkaLog.LevelOf(m.Level), m.Facility, m.Message))
            .Build();
        _consumer = consumer;
        consumer.Subscribe(_options.Topic);
        KafkaLog.Consuming(_logger, _options.Topic, _options.GroupId, _options.BootstrapServers);

        var idleTick = TimeSpan.FromMilliseconds(_options.IdleTickMs);
        var maxDelay = TimeSpan.FromMilliseconds(_options.BatchMaxDelayMs);
        var lastIdleCheck = _time.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? record = null;
                var consumeStarted = _time.GetTimestamp();
                try
                {
                    record = consumer.Consume(_batch.Records == 0 && _inFlight is null ? idleTick : TimeSpan.FromMilliseconds(5));
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    KafkaLog.ConsumeError(_logger, ex.Error.Reason);
                }

                var handleStarted = _time.GetTimestamp();
                Status.ConsumeTime += _time.GetElapsedTime(consumeStarted, handleStarted);
                // A finished write: store its offsets now. A write that takes long (Redis not answering): wait for
                // it here, pausing the partitions and polling (backpressure), instead of consuming ahead.
                if (_inFlight is { } flight && (flight.Write.IsCompleted || _time.GetElapsedTime(flight.StartedAt) >= SlowWrite)) CompleteInLoop(stoppingToken);
                Take(record);
                Status.HandleTime += _time.GetElapsedTime(handleStarted);

                // While the previous batch is still being written, keep filling this one (up to its size):
                // sealing it would only wait for that write.
                if (_batch.Records >= _options.BatchMaxRecords
                    || (_batch.Records > 0 && _inFlight is null
                        && (record is null or { IsPartitionEOF: true } || _time.GetElapsedTime(_batch.StartedAt) >= maxDelay)))
                    Flush(stoppingToken);

                if (_time.GetElapsedTime(lastIdleCheck) >= idleTick)
                {
                    lastIdleCheck = _time.GetTimestamp();
                    AdvanceIdlePartitions();
                    if (_inFlight is null && (_batch.Alerts.Count > 0 || ActivityDue())) Flush(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown while waiting on the sink: the batch in flight is not committed and will be
            // consumed again by whoever owns the partition next; its alerts dedupe.
        }
        finally
        {
            ShutDown(consumer);
        }
    }

    private void ShutDown(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            _writes.CancelAfter(TimeSpan.FromSeconds(20));
            Flush(grace.Token);
            // A rebalance while we wait only waits for the write too (no second flush of the same batch).
            _flushing = true;
            Complete(grace.Token);
            CommitStored(consumer);
        }
        catch (Exception ex) when (ex is KafkaException or OperationCanceledException or InvalidOperationException or AggregateException)
        {
            KafkaLog.FinalFlushIncomplete(_logger, ex.Message);
        }
        finally
        {
            _flushing = false;
            _writes.Cancel();
            // Let a cancelled write unwind before the producer and Redis go away (bounded).
            try { _inFlight?.Write.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
            try
            {
                consumer.Close();
                KafkaLog.LeftGroup(_logger, _options.GroupId);
            }
            catch (KafkaException ex)
            {
                KafkaLog.FinalFlushIncomplete(_logger, ex.Message);
            }
            _writes.Dispose();
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

    /// <summary>A record goes to its partition's pipeline; an end-of-partition event marks the partition caught up.</summary>
    private void Take(ConsumeResult<byte[]?, byte[]?>? record)
    {
        if (record is null) return;
        if (!record.IsPartitionEOF)
        {
            Handle(record);
            return;
        }
        if (_partitions.TryGetValue(record.TopicPartition, out var slot)) slot.AtEnd = true;
    }

    private void Handle(ConsumeResult<byte[]?, byte[]?> record)
    {
        var tp = record.TopicPartition;
        if (!_partitions.TryGetValue(tp, out var slot))
        {
            slot = new PartitionSlot(NewPipeline());
            _partitions[tp] = slot;
        }
        slot.LastArrival = _time.GetTimestamp();
        slot.AtEnd = false;
        _observer?.RecordConsumed(tp.Partition.Value, 1);
        var value = record.Message.Value;
        var parsed = value is null ? new ParseResult(null, "null value: expected a UTF-8 JSON chat message") : ChatMessageParser.Parse(value);
        // A record that does not parse, whose time is out of range or whose rules fail is dead-lettered
        // with the reason; the pipeline kept nothing of it, and the partition goes on.
        var refused = parsed.IsValid ? slot.Pipeline.Process(parsed.Message!, _batch.Alerts) : parsed.Error;
        if (refused is not null)
        {
            _batch.DeadLetters.Add(new DeadLetter(record.Message.Key, value, refused, record.TopicPartitionOffset));
            KafkaLog.DeadLettered(_logger, tp.Topic, tp.Partition.Value, record.Offset.Value, refused);
        }
        else if (_messageWriter is not null) _batch.Messages.Add(parsed.Message!);
        // Only now, with the record fully applied (or dead-lettered), does the next offset — and with it the next checkpoint — move past it.
        slot.NextOffset = record.Offset.Value + 1;
        _batch.Offsets[tp] = (slot, record.Offset.Value + 1);
        if (_batch.Records == 0) _batch.StartedAt = _time.GetTimestamp();
        _batch.Records++;
    }

    /// <summary>
    /// A partition with no lag and no new records follows the wall clock: each store's clock moves by the
    /// time elapsed since that store's last record arrived (from that record's sentAt, never jumping to
    /// today's date), so a deadline fires on time in a quiet store. A partition with lag does not:
    /// the answers to its waiting buyers may be further down the backlog.
    /// </summary>
    private void AdvanceIdlePartitions()
    {
        int open = 0, pending = 0;
        foreach (var (tp, slot) in _partitions)
        {
            var pipeline = slot.Pipeline;
            open += pipeline.OpenConversations;
            pending += pipeline.PendingDeadlines;
            if (_observer is not null && slot.NextOffset >= 0 && _consumer!.GetWatermarkOffsets(tp) is { High.Value: >= 0 } lagMarks)
                _observer.RecordConsumerLag(tp.Partition.Value, lagMarks.High.Value - slot.NextOffset);
            if (pipeline.MaxSentAt == DateTimeOffset.MinValue || slot.NextOffset < 0) continue;
            var marks = _consumer!.GetWatermarkOffsets(tp);
            if (marks.High == Offset.Unset || slot.NextOffset < marks.High.Value) continue; // lagging
            pipeline.FollowWallClock(_batch.Alerts);
        }
        Status.OpenConversations = open;
        Status.PendingDeadlines = pending;
    }

    /// <summary>
    /// The progress of every owned partition whose facts are complete up to a known point: its watermark,
    /// or "holds nothing back" when it has no watermark (no record since assignment), no open conversation
    /// and Kafka reported its end (an empty partition, or one restored from a checkpoint with nothing
    /// after it). Any other partition is left out: the evaluation waits for it.
    /// </summary>
    private List<PartitionProgress> CaptureProgress()
    {
        var list = new List<PartitionProgress>(_partitions.Count);
        foreach (var (tp, slot) in _partitions)
        {
            if (slot.Pipeline.Watermark != DateTimeOffset.MinValue)
                list.Add(new PartitionProgress(tp.Topic, tp.Partition.Value, slot.Pipeline.Watermark));
            else if (slot.AtEnd && slot.Pipeline.OpenConversations == 0)
                list.Add(new PartitionProgress(tp.Topic, tp.Partition.Value, null));
        }
        return list;
    }

    /// <summary>
    /// Facts waiting to be recorded, or partition progress changed and not published for an idle tick
    /// (only with <c>agent_response_rate_low</c> wired).
    /// </summary>
    private bool ActivityDue()
    {
        if (_activity is null) return false;
        foreach (var slot in _partitions.Values)
            if (slot.Pipeline.PendingActivity > 0) return true;
        return ProgressDue() && !CaptureProgress().SequenceEqual(_publishedProgress);
    }

    private bool ProgressDue() => _time.GetElapsedTime(_progressPublishedAt) >= TimeSpan.FromMilliseconds(_options.IdleTickMs);

    /// <summary>
    /// Seals the current batch and starts writing it (dead letters, alerts, agent facts and progress,
    /// checkpoints — in that order), after the previous batch's writes are complete and its offsets stored.
    /// The consume loop goes on with the next batch meanwhile, so Redis round trips overlap with parsing
    /// and rules; offsets still move only past batches that are entirely durable, in order.
    /// </summary>
    private void Flush(CancellationToken ct)
    {
        if (_flushing) return;
        _flushing = true;
        try
        {
            Complete(ct);
            // Rule state is captured now, with the offset it corresponds to: records handled while the
            // writes run belong to the next batch and the next checkpoint.
            var batch = _batch;
            var checkpoints = CaptureCheckpoints();
            // Facts and the progress they complete are captured together (nothing handled in between).
            List<PartitionProgress>? progress = null;
            if (_activity is not null)
            {
                foreach (var slot in _partitions.Values) slot.Pipeline.DrainActivity(batch.Activity);
                if (ProgressDue()) progress = CaptureProgress();
            }
            if (batch.Records == 0 && batch.Alerts.Count == 0 && batch.Activity.Count == 0 && progress is null && checkpoints.Count == 0) return;
            _batch = new Batch();
            var flight = new InFlight(batch, progress) { StartedAt = _time.GetTimestamp() };
            flight.Write = WriteAsync(flight, checkpoints, _writes.Token);
            _inFlight = flight;
        }
        finally
        {
            _flushing = false;
        }
    }

    /// <summary>
    /// Waits for the batch in flight (pausing and polling if that takes long, see
    /// <see cref="WaitKeepingMembership"/>), then stores its offsets. Throws if its writes failed: the batch
    /// is then not committed and is consumed again by whoever owns the partitions next.
    /// </summary>
    private void Complete(CancellationToken ct)
    {
        if (_writeFailed) throw new InvalidOperationException("an earlier batch could not be written; no later offsets are stored, so it is consumed again after a restart");
        if (_inFlight is not { } flight) return;
        try
        {
            WaitKeepingMembership(flight.Write, ct);
        }
        catch when (flight.Write.IsFaulted || flight.Write.IsCanceled)
        {
            // Failed for good: never waited for again, and nothing after it is committed.
            if (ReferenceEquals(_inFlight, flight)) _inFlight = null;
            _writeFailed = true;
            throw;
        }
        catch when (flight.Write.IsCompletedSuccessfully)
        {
            // Our wait was cancelled just as the write succeeded: it is durable, carry on.
        }
        if (!ReferenceEquals(_inFlight, flight)) return; // completed meanwhile (a rebalance inside our wait)
        _inFlight = null;
        var batch = flight.Batch;
        Status.DeadLetterTime += flight.DeadLetterTime;
        Status.SinkTime += flight.SinkTime;
        Status.CheckpointTime += flight.CheckpointTime;
        Status.Flushes++;
        Status.AddDeadLettered(batch.DeadLetters.Count);
        Status.AddAlerts(batch.Alerts.Count);
        if (flight.Progress is not null)
        {
            _publishedProgress = flight.Progress;
            _progressPublishedAt = _time.GetTimestamp();
        }
        foreach (var (tp, (slot, offset)) in batch.Offsets)
        {
            // Revoked meanwhile (even if assigned again since, with a fresh state): the owner replays it.
            if (!_partitions.TryGetValue(tp, out var current) || !ReferenceEquals(current, slot) || slot.Fenced) continue;
            try
            {
                _consumer!.StoreOffset(new TopicPartitionOffset(tp, offset));
            }
            catch (KafkaException ex)
            {
                KafkaLog.OffsetNotStored(_logger, tp, ex.Error.Reason);
            }
        }
        Status.AddRecords(batch.Records);
        _observer?.RecordBatch(batch.Records, batch.DeadLetters.Count, _time.GetElapsedTime(batch.StartedAt));
    }

    /// <summary>How long a batch's writes may run beside the loop before it waits for them (and pauses if they take longer still).</summary>
    private static readonly TimeSpan SlowWrite = TimeSpan.FromMilliseconds(500);

    /// <summary><see cref="Complete"/> from the loop: a rebalance while it waits only waits for the write too.</summary>
    private void CompleteInLoop(CancellationToken ct)
    {
        _flushing = true;
        try
        {
            Complete(ct);
        }
        finally
        {
            _flushing = false;
        }
    }

    /// <summary>The writes of one sealed batch, off the consume thread.</summary>
    private async Task WriteAsync(InFlight flight, List<Checkpoint> checkpoints, CancellationToken ct)
    {
        var batch = flight.Batch;
        var started = _time.GetTimestamp();
        // The producer's Send blocks until Kafka acknowledges: on the thread pool, not the consume thread.
        if (batch.DeadLetters.Count > 0) await Task.Run(() => _deadLetters!.Send(batch.DeadLetters, ct), ct).ConfigureAwait(false);
        var sinkStarted = _time.GetTimestamp();
        flight.DeadLetterTime = _time.GetElapsedTime(started, sinkStarted);
        // The batch's messages (transcripts) before its alerts: an alert an inspector sees already has its context.
        if (_messageWriter is not null && batch.Messages.Count > 0) await _messageWriter.WriteAsync(batch.Messages, ct).ConfigureAwait(false);
        if (batch.Alerts.Count > 0) await _sink.WriteAsync(batch.Alerts, ct).ConfigureAwait(false);
        // Agent facts recorded before the offsets move, like alerts; then the progress they complete.
        if (_activity is not null && (batch.Activity.Count > 0 || flight.Progress is not null))
            await _activity.FlushAsync(batch.Activity, flight.Progress ?? [], ct).ConfigureAwait(false);
        var checkpointStarted = _time.GetTimestamp();
        flight.SinkTime = _time.GetElapsedTime(sinkStarted, checkpointStarted);
        // One round trip for all partitions' checkpoints, not one per partition.
        // A partition revoked or lost while this batch was being written is no longer ours to save: its
        // save is skipped, or its retries stop (the new owner replays from the checkpoint it loaded).
        if (checkpoints.Count > 0)
            await Task.WhenAll(checkpoints.Where(c => !c.Slot.Released.IsCancellationRequested).Select(async c =>
            {
                using var owned = CancellationTokenSource.CreateLinkedTokenSource(ct, c.Slot.Released.Token);
                try
                {
                    await _stateStore!.SaveAsync(c.Partition.Topic, c.Partition.Partition.Value, c.Slot.Epoch, c.NextOffset, c.Changed, c.Removed, owned.Token).ConfigureAwait(false);
                }
                catch (CheckpointFencedException ex)
                {
                    // Another owner claimed the partition (we are a zombie that has not heard of the handover yet):
                    // nothing was written, and this batch's offsets for it are not stored. Kafka takes it from us next.
                    c.Slot.Fenced = true;
                    KafkaLog.RevokeFlushIncomplete(_logger, ex.Message);
                }
                catch (OperationCanceledException) when (c.Slot.Released.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    // Handed over meanwhile: not an error of this batch (its offsets for that partition are not stored).
                }
            })).ConfigureAwait(false);
        flight.CheckpointTime = _time.GetElapsedTime(checkpointStarted);
    }

    private List<Checkpoint> CaptureCheckpoints()
    {
        var list = new List<Checkpoint>();
        if (_stateStore is null) return list;
        foreach (var (tp, slot) in _partitions)
        {
            if (slot.NextOffset < 0) continue;
            var (changed, removed) = slot.Pipeline.TakeChanges();
            if (changed.Count == 0 && removed.Count == 0 && slot.SavedOffset == slot.NextOffset) continue;
            var encoded = changed.Select(s => KeyValuePair.Create(new ConversationKey(s.ShopId, s.ConversationId).CheckpointField, ConversationStateCodec.Encode(s))).ToList();
            list.Add(new Checkpoint(tp, slot, slot.NextOffset, encoded, removed));
            slot.SavedOffset = slot.NextOffset;
        }
        return list;
    }

    /// <summary>
    /// Waits for the sink. If that takes long (Redis down), pauses every assigned partition and keeps
    /// calling Consume so the group does not evict this member; resumes once the write is durable.
    /// Records already fetched that still arrive go into the next batch.
    /// </summary>
    private void WaitKeepingMembership(Task write, CancellationToken ct)
    {
        if (write.Wait(TimeSpan.FromMilliseconds(500), ct)) { write.GetAwaiter().GetResult(); return; }
        if (_inRebalance)
        {
            // Consume must not be called from inside a rebalance callback: just wait (bounded by ct).
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
        try
        {
            while (!write.Wait(TimeSpan.FromMilliseconds(100), ct))
            {
                Take(consumer.Consume(TimeSpan.FromMilliseconds(100)));
            }
            write.GetAwaiter().GetResult();
        }
        finally
        {
            var stillAssigned = consumer.Assignment.ToHashSet();
            consumer.Resume(paused.Where(stillAssigned.Contains).ToList());
            Status.PausedForBackpressure = false;
            KafkaLog.Resumed(_logger, started.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// New partitions: restore each one's checkpointed rule state and start consuming at the offset the
    /// checkpoint corresponds to, so the records after it are replayed into the restored state. Without
    /// a checkpoint the partition starts from its committed offset (or the reset policy).
    /// </summary>
    private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> assigned, CancellationToken ct)
    {
        // A partition lost and assigned back must not be loaded while our own earlier save of it still runs.
        try { _inFlight?.Write.Wait(TimeSpan.FromSeconds(20), ct); }
        catch (AggregateException) { }
        var starts = new List<TopicPartitionOffset>();
        foreach (var tp in assigned)
        {
            var slot = new PartitionSlot(NewPipeline()) { LastArrival = _time.GetTimestamp() };
            var start = Offset.Unset;
            if (_stateStore is not null)
            {
                // Claim first: from now on a save of the previous owner that is still on its way is refused.
                slot.Epoch = WaitForRestore(_stateStore.ClaimAsync(tp.Topic, tp.Partition.Value, ct), tp, ct);
                var checkpoint = WaitForRestore(_stateStore.LoadAsync(tp.Topic, tp.Partition.Value, ct), tp, ct);
                if (checkpoint is not null)
                {
                    slot.Pipeline.Restore(checkpoint.Conversations.Select(kv => KeyValuePair.Create(kv.Key, ConversationStateCodec.Decode(kv.Value))));
                    slot.NextOffset = slot.SavedOffset = checkpoint.NextOffset;
                    start = new Offset(checkpoint.NextOffset);
                    KafkaLog.Restored(_logger, tp.Partition.Value, checkpoint.Conversations.Count, checkpoint.NextOffset);
                }
            }
            _partitions[tp] = slot;
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
        // Cooperative rebalance: finish the batch in flight and the current one, store and commit their
        // offsets while we still own the partitions, then hand them over.
        if (!_flushing)
        {
            _inRebalance = true;
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
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
        else if (_inFlight is { } flight)
        {
            // We are inside the wait for the batch in flight: let its checkpoint writes land before the
            // partitions change hands (bounded); their offsets are not stored, the next owner replays.
            try
            {
                flight.Write.Wait(TimeSpan.FromSeconds(20));
            }
            catch (AggregateException ex)
            {
                KafkaLog.RevokeFlushIncomplete(_logger, ex.InnerException?.Message ?? ex.Message);
            }
        }
        foreach (var tpo in revoked)
        {
            if (_partitions.Remove(tpo.TopicPartition, out var gone)) gone.Released.Cancel();
            _observer?.ForgetPartition(tpo.Partition.Value);
        }
        Status.AssignedPartitions = _partitions.Count;
        KafkaLog.Revoked(_logger, string.Join(", ", revoked.Select(p => p.Partition.Value)));
    }

    /// <summary>A partition's pipeline: live, so records are also held against the wall clock.</summary>
    private PartitionPipeline NewPipeline() => new(_rules, _time, trackChanges: _stateStore is not null, checkWallClock: true);

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        foreach (var tpo in lost)
        {
            if (_partitions.Remove(tpo.TopicPartition, out var gone)) gone.Released.Cancel();
            _observer?.ForgetPartition(tpo.Partition.Value);
        }
        Status.AssignedPartitions = _partitions.Count;
        KafkaLog.Lost(_logger, string.Join(", ", lost.Select(p => p.Partition.Value)));
    }

    private sealed class PartitionSlot(PartitionPipeline pipeline)
    {
        public PartitionPipeline Pipeline { get; } = pipeline;
        public long LastArrival { get; set; }
        public long NextOffset { get; set; } = -1;
        public long SavedOffset { get; set; } = -1;
        /// <summary>Kafka reported the end of the partition and no record came since.</summary>
        public bool AtEnd { get; set; }
        /// <summary>Ownership epoch claimed in the state store at assignment; every checkpoint save carries it.</summary>
        public long Epoch { get; set; }
        /// <summary>A save was refused because a newer owner claimed the partition: no offset of it is stored any more.</summary>
        public volatile bool Fenced;
        /// <summary>Cancelled when the partition is revoked or lost: writes for it stop.</summary>
        public CancellationTokenSource Released { get; } = new();
    }

    private sealed class InFlight(Batch batch, List<PartitionProgress>? progress)
    {
        public Batch Batch { get; } = batch;
        public List<PartitionProgress>? Progress { get; } = progress;
        public Task Write { get; set; } = Task.CompletedTask;
        public long StartedAt { get; init; }
        public TimeSpan DeadLetterTime { get; set; }
        public TimeSpan SinkTime { get; set; }
        public TimeSpan CheckpointTime { get; set; }
    }

    private sealed record Checkpoint(TopicPartition Partition, PartitionSlot Slot, long NextOffset, IReadOnlyCollection<KeyValuePair<string, byte[]>> Changed, IReadOnlyCollection<string> Removed);

    private sealed class Batch
    {
        public List<Alert> Alerts { get; } = [];
        public List<DeadLetter> DeadLetters { get; } = [];
        public List<AgentActivity> Activity { get; } = [];
        /// <summary>The parsed messages of the batch (only with a message writer), for <see cref="IMessageBatchWriter"/>.</summary>
        public List<ChatMessage> Messages { get; } = [];
        public Dictionary<TopicPartition, (PartitionSlot Slot, long Offset)> Offsets { get; } = [];
        public int Records { get; set; }
        public long StartedAt { get; set; }
    }
}
