namespace Alerting.Kafka;

/// <summary>
/// Receives the consume loop's measurements (the worker's metrics implement it). Calls come from the
/// consume thread and must return at once.
/// </summary>
public interface IConsumeObserver
{
    /// <summary>Records consumed from a partition (valid or dead-lettered).</summary>
    void RecordConsumed(int partition, int count);

    /// <summary>High watermark minus the next offset to consume, as last seen.</summary>
    void RecordConsumerLag(int partition, long lag);

    /// <summary>The partition was revoked or lost.</summary>
    void ForgetPartition(int partition);

    /// <summary>A batch became durable: records, dead letters, time since its first record.</summary>
    void RecordBatch(int records, int deadLettered, TimeSpan elapsed);
}
