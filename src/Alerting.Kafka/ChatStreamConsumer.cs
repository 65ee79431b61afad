using Alerting.Core.Config;
using Alerting.Core.Pipeline;
using Alerting.Core.Pipeline.Batches;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Alerting.Kafka;

/// <summary>
/// The consume path's poll loop: polls Kafka, routes each record to the partition worker that owns its
/// partition, seals batches, stores offsets once a batch is durable, pauses while writes do not complete, and
/// answers rebalance callbacks. Parse and rules run on the workers; a sealed batch's write stages run beside
/// the loop (see <see cref="BatchCommitter"/>). Threads and queues: DELIVERY.md, "The consume path".
/// </summary>
/// <remarks>
/// Delivery: auto-commit is on but auto offset <em>store</em> is off, so the committed position only
/// moves past records whose batch was fully handled (every write stage, in order), then
/// <see cref="IConsumer{TKey,TValue}.StoreOffset(TopicPartitionOffset)"/>. A crash replays at most the
/// batches after the last commit; deterministic alert ids and the sink's dedupe keep those from alerting
/// twice. While a write does not complete (Redis down) the loop pauses its partitions and keeps polling, so
/// the group membership survives and nothing is skipped.
/// </remarks>
public sealed partial class ChatStreamConsumer
{
    private readonly KafkaOptions _options;
    private readonly IRulesSource _rules;
    private readonly IReadOnlyList<IBatchWriteStage> _stages;
    private readonly IPartitionStateStore? _stateStore;
    private readonly IConsumeObserver? _observer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<TopicPartition, PartitionSlot> _partitions = [];
    private PartitionWorker[] _workers = [];
    private BatchCommitter? _committer;
    private RoutedBatch _batch = new();
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private long _progressPublishedAt;

    /// <param name="stages">The write stages the adapters registered (alerts, facts, checkpoints, …); dead letters are added first.</param>
    public ChatStreamConsumer(KafkaOptions options, IRulesSource rules, IEnumerable<IBatchWriteStage> stages, TimeProvider time, ILogger<ChatStreamConsumer> logger,
        IPartitionStateStore? stateStore = null, IConsumeObserver? observer = null)
    {
        _options = options;
        _rules = rules;
        _stages = [.. stages];
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
            AutoCommitIntervalMs = _options.AutoCommitIntervalMs,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = _options.AutoOffsetReset == "latest" ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            ClientId = $"alerting-{Environment.MachineName}-{Environment.ProcessId}",
        };
        foreach (var (k, v) in _options.Consumer) config.Set(k, v);
        // A partition that has nothing (left) to read says so: its batch seals at once, and its progress may say
        // "holds nothing back" (see PartitionPipeline.ProgressOf).
        config.EnablePartitionEof = true;

        using var deadLetters = new DeadLetterProducer(_options, _logger);
        Status.DeadLetters = deadLetters;
        var stages = _stages.Append(new DeadLetterStage(deadLetters)).OrderBy(s => s.Order).ToList();
        _committer = new BatchCommitter(stages, Status, _observer, _time, _logger);
        _workers = [.. Enumerable.Range(0, _options.EffectivePartitionWorkers)
            .Select(i => new PartitionWorker(i, _options.PartitionQueueCapacity, _stateStore is not null, _committer.WantsMessages, Status, _logger))];
        Status.PartitionWorkers = _workers.Length;
        KafkaLog.WorkersStarted(_logger, _workers.Length, _options.PartitionQueueCapacity);
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
        try
        {
            Poll(consumer, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown while waiting on a write: the batch in flight is not committed and will be
            // consumed again by whoever owns the partition next; its alerts dedupe.
        }
        finally
        {
            ShutDown(consumer);
        }
    }

    private void Poll(IConsumer<byte[]?, byte[]?> consumer, CancellationToken stoppingToken)
    {
        var idleTick = TimeSpan.FromMilliseconds(_options.IdleTickMs);
        var idlePoll = TimeSpan.FromMilliseconds(Math.Max(1, _options.IdleTickMs / 4));
        var busyPoll = TimeSpan.FromMilliseconds(_options.BusyPollMs);
        var maxDelay = TimeSpan.FromMilliseconds(_options.BatchMaxDelayMs);
        var slowWrite = TimeSpan.FromMilliseconds(_options.SlowWriteMs);
        var lastIdleCheck = _time.GetTimestamp();
        var committer = _committer!;
        while (!stoppingToken.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?>? record = null;
            var consumeStarted = _time.GetTimestamp();
            try
            {
                record = consumer.Consume(_batch.Records == 0 && committer.Current is null ? idlePoll : busyPoll);
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                KafkaLog.ConsumeError(_logger, ex.Error.Reason);
            }
            Status.ConsumeTime += _time.GetElapsedTime(consumeStarted);
            ThrowIfWorkerFailed();
            // A finished write: store its offsets now. A write that takes long (Redis not answering): wait for
            // it here, pausing the partitions and polling (backpressure), instead of consuming ahead.
            if (committer.Current is { } flight && (flight.Write.IsCompleted || _time.GetElapsedTime(flight.StartedAt) >= slowWrite)) Complete(stoppingToken);
            Route(record);

            // While the previous batch is still being written, keep filling this one (up to its size):
            // sealing it would only wait for that write.
            if (_batch.Records >= _options.BatchMaxRecords
                || (committer.Current is null
                    && ((_batch.Records > 0 && (record is null or { IsPartitionEOF: true } || _time.GetElapsedTime(_batch.StartedAt) >= maxDelay))
                        || AnyWorkerHasUnsealed())))
                Flush(stoppingToken);

            if (_time.GetElapsedTime(lastIdleCheck) >= idleTick)
            {
                lastIdleCheck = _time.GetTimestamp();
                AdvanceIdlePartitions();
                if (committer.Current is null && committer.WantsProgress && _time.GetElapsedTime(_progressPublishedAt) >= idleTick) Flush(stoppingToken);
            }
        }
    }

    /// <summary>A record goes to its partition's worker; an end-of-partition event too (it marks the partition caught up).</summary>
    private void Route(ConsumeResult<byte[]?, byte[]?>? record)
    {
        if (record is null) return;
        var tp = record.TopicPartition;
        if (record.IsPartitionEOF)
        {
            if (_partitions.TryGetValue(tp, out var owner)) owner.Worker.Post(new WorkItem(WorkKind.EndOfPartition, owner));
            return;
        }
        if (!_partitions.TryGetValue(tp, out var slot)) slot = Adopt(tp, NewPipeline());
        _observer?.RecordConsumed(tp.Partition.Value, 1);
        slot.Worker.Post(new WorkItem(WorkKind.Record, slot, record));
        slot.RoutedNext = record.Offset.Value + 1;
        _batch.Offsets[tp] = (slot, record.Offset.Value + 1);
        if (_batch.Records == 0)
        {
            _batch.StartedAt = _time.GetTimestamp();
            _batch.StartedAtUtc = _time.GetUtcNow();
        }
        _batch.Records++;
    }

    /// <summary>
    /// A partition with no lag follows the wall clock (each store's clock moves by the time elapsed since that
    /// store's last record arrived, from that record's sentAt), so a deadline fires on time in a quiet store. A
    /// partition with lag does not: the answers to its waiting buyers may be further down the backlog.
    /// </summary>
    private void AdvanceIdlePartitions()
    {
        var caughtUp = new List<PartitionSlot>[_workers.Length];
        for (var i = 0; i < caughtUp.Length; i++) caughtUp[i] = [];
        foreach (var (tp, slot) in _partitions)
        {
            if (slot.RoutedNext < 0) continue;
            var marks = _consumer!.GetWatermarkOffsets(tp);
            if (marks is not { High.Value: >= 0 }) continue;
            _observer?.RecordConsumerLag(tp.Partition.Value, marks.High.Value - slot.RoutedNext);
            if (slot.RoutedNext >= marks.High.Value) caughtUp[slot.Worker.Index].Add(slot);
        }
        int open = 0, pending = 0;
        foreach (var worker in _workers)
        {
            worker.Post(new WorkItem(WorkKind.IdleTick, CaughtUp: caughtUp[worker.Index]));
            open += worker.OpenConversations;
            pending += worker.PendingDeadlines;
        }
        Status.OpenConversations = open;
        Status.PendingDeadlines = pending;
    }

    private bool AnyWorkerHasUnsealed()
    {
        foreach (var worker in _workers)
            if (worker.HasUnsealed) return true;
        return false;
    }

    private void ThrowIfWorkerFailed()
    {
        foreach (var worker in _workers)
            if (worker.Fault is { } fault) throw new InvalidOperationException($"partition worker {worker.Index} failed: {fault.Message}", fault);
    }

    /// <summary>A partition's pipeline: live, so records are also held against the wall clock.</summary>
    private PartitionPipeline NewPipeline() => new(_rules, _time, trackChanges: _stateStore is not null, checkWallClock: true);

    /// <summary>Gives a partition (its pipeline restored already) to the least loaded worker; it owns it from then on.</summary>
    private PartitionSlot Adopt(TopicPartition tp, PartitionPipeline pipeline, Action<PartitionSlot>? init = null)
    {
        var load = new int[_workers.Length];
        foreach (var owned in _partitions.Values) load[owned.Worker.Index]++;
        var worker = _workers[Array.IndexOf(load, load.Min())];
        var slot = new PartitionSlot(tp, pipeline, worker);
        init?.Invoke(slot);
        _partitions[tp] = slot;
        worker.Post(new WorkItem(WorkKind.Assign, slot));
        return slot;
    }
}
