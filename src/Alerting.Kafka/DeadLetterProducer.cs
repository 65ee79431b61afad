using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Alerting.Kafka;

/// <summary>A bad chat record on its way to the dead-letter topic.</summary>
public sealed record DeadLetter(byte[]? Key, byte[]? Value, string Reason, TopicPartitionOffset Source);

/// <summary>
/// Writes bad records to the dead-letter topic: original key and bytes, the reason and the source
/// position in headers (<c>dlq.reason</c>, <c>dlq.source.topic</c>, <c>dlq.source.partition</c>,
/// <c>dlq.source.offset</c>). <see cref="Send"/> returns only when the broker acknowledged every
/// record; failed deliveries are retried, never ignored, so the source offset is stored only after.
/// </summary>
public sealed class DeadLetterProducer : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly ILogger _logger;

    public DeadLetterProducer(KafkaOptions options, ILogger logger)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            ClientId = "alerting-dlq",
        };
        foreach (var (k, v) in options.Producer) config.Set(k, v);
        _producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        _topic = options.DeadLetterTopic;
        _logger = logger;
    }

    public long Sent { get; private set; }

    /// <summary>Delivers all records; retries failures until delivered or <paramref name="ct"/> is cancelled.</summary>
    public void Send(IReadOnlyList<DeadLetter> letters, CancellationToken ct)
    {
        var pending = letters.ToList();
        var attempt = 0;
        while (pending.Count > 0)
        {
            var failed = new List<DeadLetter>();
            var remaining = pending.Count;
            using var done = new ManualResetEventSlim(false);
            foreach (var letter in pending)
            {
                var message = new Message<byte[]?, byte[]?> { Key = letter.Key, Value = letter.Value, Headers = HeadersFor(letter) };
                _producer.Produce(_topic, message, report =>
                {
                    if (report.Error.IsError)
                    {
                        lock (failed) failed.Add(letter);
                    }
                    if (Interlocked.Decrement(ref remaining) == 0) done.Set();
                });
            }
            while (!done.Wait(TimeSpan.FromMilliseconds(100), ct)) _producer.Poll(TimeSpan.Zero);
            Sent += pending.Count - failed.Count;
            if (failed.Count == 0) return;
            attempt++;
            KafkaLog.DeadLetterRetry(_logger, failed.Count, _topic, attempt);
            ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(attempt, 6)))));
            ct.ThrowIfCancellationRequested();
            pending = failed;
        }
    }

    private static Headers HeadersFor(DeadLetter letter)
    {
        var headers = new Headers
        {
            { "dlq.reason", Encoding.UTF8.GetBytes(letter.Reason) },
            { "dlq.source.topic", Encoding.UTF8.GetBytes(letter.Source.Topic) },
            { "dlq.source.partition", Encoding.UTF8.GetBytes(letter.Source.Partition.Value.ToString(CultureInfo.InvariantCulture)) },
            { "dlq.source.offset", Encoding.UTF8.GetBytes(letter.Source.Offset.Value.ToString(CultureInfo.InvariantCulture)) },
        };
        return headers;
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
