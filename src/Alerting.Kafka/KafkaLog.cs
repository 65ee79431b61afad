using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Alerting.Kafka;

/// <summary>
/// The Kafka adapter's log events, source-generated with stable event ids (3001–3099) so operators can
/// alert on them. No message text or buyer ids are logged at any level above Debug.
/// </summary>
internal static partial class KafkaLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Consuming {Topic} as group {Group} from {Brokers}")]
    public static partial void Consuming(ILogger logger, string topic, string group, string brokers);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Kafka: {Reason} ({Code})")]
    public static partial void ClientError(ILogger logger, string reason, ErrorCode code);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Critical, Message = "Kafka fatal error: {Reason} ({Code})")]
    public static partial void FatalClientError(ILogger logger, string reason, ErrorCode code);

    [LoggerMessage(EventId = 3004, Message = "librdkafka {Facility}: {Message}")]
    public static partial void Librdkafka(ILogger logger, LogLevel level, string facility, string message);

    /// <summary>
    /// librdkafka's syslog levels as Confluent's examples map them: Emergency…Error → Error, Warning and
    /// Notice → Warning (a broker problem shows at the default level), Info → Information, Debug → Debug.
    /// </summary>
    public static LogLevel LevelOf(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning or SyslogLevel.Notice => LogLevel.Warning,
        SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Consume error (continuing): {Reason}")]
    public static partial void ConsumeError(ILogger logger, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Final flush/commit incomplete ({Reason}); uncommitted records will be consumed again")]
    public static partial void FinalFlushIncomplete(ILogger logger, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Left consumer group {Group}")]
    public static partial void LeftGroup(ILogger logger, string group);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Bad chat record at {Topic}[{Partition}]@{Offset} goes to the dead-letter topic: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Debug, Message = "Offset for {Partition} not stored: {Reason}")]
    public static partial void OffsetNotStored(ILogger logger, TopicPartition partition, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Alert store is not acknowledging writes; consumption paused on {Count} partition(s) until it does")]
    public static partial void Paused(ILogger logger, int count);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Alert store acknowledged again after {Seconds:0.0}s; consumption resumed")]
    public static partial void Resumed(ILogger logger, double seconds);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Partition {Partition}: restored {Count} conversation(s), resuming at offset {Offset}")]
    public static partial void Restored(ILogger logger, int partition, int count, long offset);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Assigned {Partitions}")]
    public static partial void Assigned(ILogger logger, string partitions);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Flush on revoke incomplete ({Reason}); the new owner will replay")]
    public static partial void RevokeFlushIncomplete(ILogger logger, string reason);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "Revoked {Partitions}")]
    public static partial void Revoked(ILogger logger, string partitions);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "Lost {Partitions} without a clean handover; their uncommitted records will be replayed by the new owner")]
    public static partial void Lost(ILogger logger, string partitions);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Warning, Message = "{Count} dead-letter record(s) not delivered to {Topic} (attempt {Attempt}); retrying")]
    public static partial void DeadLetterRetry(ILogger logger, int count, string topic, int attempt);

    [LoggerMessage(EventId = 3019, Level = LogLevel.Error, Message = "Dead-letter topic {Topic} not writable for {Seconds:0}s: record {Source} skipped (policy Kafka:DeadLetterOnFailure=skip; reason was: {Reason}); it can still be read at that position while the source topic retains it")]
    public static partial void DeadLetterSkipped(ILogger logger, string topic, double seconds, string source, string reason);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Dead letter of {Source} is {Bytes} bytes, above Kafka:DeadLetterMaxBytes; a truncated copy goes to the dead-letter topic")]
    public static partial void DeadLetterTruncated(ILogger logger, string source, int bytes);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Warning, Message = "Partition count of {Topic} unknown ({Reason}); agent-level evaluation waits")]
    public static partial void PartitionCountUnknown(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Critical, Message = "Partition worker {Worker} failed; no further offsets are stored and the worker stops")]
    public static partial void WorkerFailed(ILogger logger, int worker, Exception error);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Information, Message = "{Workers} partition worker(s) apply the records (queue of {Capacity} each)")]
    public static partial void WorkersStarted(ILogger logger, int workers, int capacity);
}
