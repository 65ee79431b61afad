using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alerting.Core.Pipeline.Batches;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Alerting.Kafka;

/// <summary>
/// Writes bad records to the dead-letter topic: original key and bytes, the reason and the source
/// position in headers (<c>dlq.reason</c>, <c>dlq.source.topic</c>, <c>dlq.source.partition</c>,
/// <c>dlq.source.offset</c>; a record above <see cref="KafkaOptions.DeadLetterMaxBytes"/> goes as a
/// truncated copy with <c>dlq.truncated</c> and <c>dlq.original.bytes</c>). <see cref="Send"/> returns
/// when the broker acknowledged every record, or — with <c>Kafka:DeadLetterOnFailure=skip</c> — when
/// the records still refused after <see cref="KafkaOptions.DeadLetterRetrySeconds"/> were logged and
/// counted as skipped. Only then is the source offset stored.
/// </summary>
public sealed class DeadLetterProducer : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly int _maxBytes;
    private readonly bool _skipOnFailure;
    private readonly TimeSpan _retryFor;
    private readonly ILogger _logger;
    private long _skipped;
    private long _failingSince;
    /// <summary>The last batch's letters were skipped: the next batch tries once, then skips at once (no 30 s wait per batch).</summary>
    private volatile bool _knownFailing;

    public DeadLetterProducer(KafkaOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            ClientId = "alerting-dlq",
            // A delivery that cannot succeed is reported within the retry bound, not after librdkafka's default 5 minutes.
            MessageTimeoutMs = Math.Min(300_000, Math.Max(5_000, options.DeadLetterRetrySeconds * 1000 / 2)),
        };
        foreach (var (k, v) in options.Producer) config.Set(k, v);
        _producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, m) => KafkaLog.Librdkafka(logger, KafkaLog.LevelOf(m.Level), m.Facility, m.Message))
            .Build();
        _topic = options.DeadLetterTopic;
        _maxBytes = options.DeadLetterMaxBytes;
        _skipOnFailure = options.DeadLetterOnFailure == "skip";
        _retryFor = TimeSpan.FromSeconds(options.DeadLetterRetrySeconds);
        _logger = logger;
    }

    public long Sent { get; private set; }

    /// <summary>Dead letters given up on under <c>DeadLetterOnFailure=skip</c> (logged with their source position).</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Since when (<see cref="Stopwatch"/> timestamp) writes have been failing; null while they succeed.</summary>
    public TimeSpan? FailingFor
    {
        get
        {
            var since = Interlocked.Read(ref _failingSince);
            return since == 0 ? null : Stopwatch.GetElapsedTime(since);
        }
    }

    /// <summary>Delivers all records; retries failures until delivered, skipped by policy, or <paramref name="ct"/> is cancelled.</summary>
    public void Send(IReadOnlyList<RefusedRecord> letters, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(letters);
        var pending = letters.ToList();
        var attempt = 0;
        var started = Stopwatch.GetTimestamp();
        while (pending.Count > 0)
        {
            var failed = SendOnce(pending, ct);
            Sent += pending.Count - failed.Count;
            if (failed.Count == 0)
            {
                Interlocked.Exchange(ref _failingSince, 0);
                _knownFailing = false;
                return;
            }
            Interlocked.CompareExchange(ref _failingSince, started, 0);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (_skipOnFailure && (_knownFailing || elapsed >= _retryFor))
            {
                foreach (var letter in failed)
                {
                    Interlocked.Increment(ref _skipped);
                    KafkaLog.DeadLetterSkipped(_logger, _topic, elapsed.TotalSeconds, letter.Source, letter.Reason);
                }
                // Skipped, so nothing is waiting on the topic any more: readiness goes back to normal (the skipped
                // count stays as a warning); the next batch with bad records tries once and skips at once if it still fails.
                _knownFailing = true;
                Interlocked.Exchange(ref _failingSince, 0);
                return;
            }
            attempt++;
            KafkaLog.DeadLetterRetry(_logger, failed.Count, _topic, attempt);
            ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(attempt, 6)))));
            ct.ThrowIfCancellationRequested();
            pending = failed;
        }
    }

    /// <summary>One round of produce calls; returns the letters not acknowledged (refused at once or in their delivery report).</summary>
    private List<RefusedRecord> SendOnce(List<RefusedRecord> pending, CancellationToken ct)
    {
        var failed = new List<RefusedRecord>();
        var remaining = pending.Count;
        using var done = new ManualResetEventSlim(false);
        foreach (var letter in pending)
        {
            try
            {
                _producer.Produce(_topic, MessageFor(letter), report =>
                {
                    if (report.Error.IsError)
                    {
                        lock (failed) failed.Add(letter);
                    }
                    if (Interlocked.Decrement(ref remaining) == 0) done.Set();
                });
            }
            catch (Exception ex) when (ex is ProduceException<byte[]?, byte[]?> or KafkaException or ArgumentException)
            {
                // Refused before it was queued (size, unknown topic in strict configs, queue full): retried like a failed delivery.
                lock (failed) failed.Add(letter);
                if (Interlocked.Decrement(ref remaining) == 0) done.Set();
            }
        }
        while (!done.Wait(TimeSpan.FromMilliseconds(100), ct)) _producer.Poll(TimeSpan.Zero);
        return failed;
    }

    private Message<byte[]?, byte[]?> MessageFor(RefusedRecord letter)
    {
        var size = (letter.Key?.Length ?? 0) + (letter.Value?.Length ?? 0);
        var headers = new Headers
        {
            { "dlq.reason", Encoding.UTF8.GetBytes(letter.Reason) },
            { "dlq.source.topic", Encoding.UTF8.GetBytes(letter.Topic) },
            { "dlq.source.partition", Encoding.UTF8.GetBytes(letter.Partition.ToString(CultureInfo.InvariantCulture)) },
            { "dlq.source.offset", Encoding.UTF8.GetBytes(letter.Offset.ToString(CultureInfo.InvariantCulture)) },
        };
        if (size <= _maxBytes) return new Message<byte[]?, byte[]?> { Key = letter.Key, Value = letter.Value, Headers = headers };

        KafkaLog.DeadLetterTruncated(_logger, letter.Source, size);
        headers.Add("dlq.truncated", "true"u8.ToArray());
        headers.Add("dlq.original.bytes", Encoding.UTF8.GetBytes(size.ToString(CultureInfo.InvariantCulture)));
        // The key keeps the partitioning of the dead-letter topic stable; both are cut to fit, the value first.
        var key = letter.Key is { Length: > 1024 } k ? k[..1024] : letter.Key;
        var room = Math.Max(0, _maxBytes - (key?.Length ?? 0));
        var value = letter.Value is { } v && v.Length > room ? v[..room] : letter.Value;
        return new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers };
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
