using Alerting.Core.Config;

namespace Alerting.Redis;

/// <summary>
/// Settings of the Redis adapter, bound from the config section <c>Redis</c> (<see cref="SectionName"/>).
/// Key and channel names default to the contract (CONTRACTS.md §2); change them only for tests or a
/// shared Redis where every consumer is told the new names.
/// </summary>
public sealed class RedisAlertingOptions
{
    /// <summary>Config section these options bind to.</summary>
    public const string SectionName = "Redis";

    /// <summary>StackExchange.Redis connection string. Default <c>127.0.0.1:6379</c>. <c>abortConnect=false</c> is always forced.</summary>
    public string ConnectionString { get; set; } = "127.0.0.1:6379";

    /// <summary>Prefix of the per-store alert streams; the key is <c>prefix + "{" + shop + "}"</c>. Default <c>alerts:stream:</c>.</summary>
    public string StreamKeyPrefix { get; set; } = "alerts:stream:";

    /// <summary>Prefix of the dedupe keys <c>prefix{shop}:alertId:status:revision</c>. Default <c>alerts:seen:</c>.</summary>
    public string SeenKeyPrefix { get; set; } = "alerts:seen:";

    /// <summary>Prefix of the per-minute counter hashes <c>prefix{shop}:yyyyMMddHHmm</c>. Default <c>alerts:count:</c>.</summary>
    public string CounterKeyPrefix { get; set; } = "alerts:count:";

    /// <summary>Prefix of the partition checkpoint hashes <c>prefix{group:topic:partition}</c>. Default <c>alerts:state:</c>.</summary>
    public string StateKeyPrefix { get; set; } = "alerts:state:";

    /// <summary>Base pub/sub channel; rule and store channels are <c>base:rule:&lt;rule&gt;</c> and <c>base:shop:&lt;shop&gt;</c>. Default <c>alerts</c>.</summary>
    public string ChannelPrefix { get; set; } = "alerts";

    /// <summary>Consumer group created (from id 0) together with each stream. Default <c>inspectors</c>.</summary>
    public string ConsumerGroup { get; set; } = "inspectors";

    /// <summary>
    /// How long a dedupe key lives. Default 8 days. Must be longer than <see cref="Retention"/>, so
    /// that a replay of anything still in the stream is recognised as a duplicate.
    /// </summary>
    public TimeSpan DedupeTtl { get; set; } = TimeSpan.FromDays(8);

    /// <summary>Age after which acknowledged stream entries are trimmed. Default 7 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Hard limit on the age of an entry in a store stream, even one a consumer group still holds
    /// (unacknowledged, or never read because no console reads that store). Past it the entry is moved —
    /// same id, same fields — to the store's overflow stream (<see cref="OverflowKeyPrefix"/>), acknowledged
    /// in every group, and trimmed, so memory stays bounded however long a sale runs and whoever reads.
    /// The overflow stream keeps entries for <see cref="Retention"/> more, then trims them by age.
    /// Default 14 days; must be at least <see cref="Retention"/>; zero turns it off (entries held by a group then stay forever).
    /// </summary>
    public TimeSpan RetentionHardMaxAge { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Prefix of the per-store overflow streams, <c>&lt;prefix&gt;{&lt;shopId&gt;}</c> (same hash slot as the store stream). Default <c>alerts:overflow:</c>.</summary>
    public string OverflowKeyPrefix { get; set; } = "alerts:overflow:";

    /// <summary>
    /// Prefix of the conversation transcripts <c>prefix{shop}:&lt;conversationId percent-encoded&gt;</c> (Redis lists, see
    /// <see cref="Transcripts.TranscriptOptions"/>). Default <c>alerts:transcript:</c>.
    /// </summary>
    public string TranscriptKeyPrefix { get; set; } = "alerts:transcript:";

    /// <summary>How often the hosted retention service trims the streams. Default 5 minutes.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Expiry of the per-minute counter hashes, refreshed on every increment. Default 8 days.</summary>
    public TimeSpan CounterTtl { get; set; } = TimeSpan.FromDays(8);

    /// <summary>Most alert scripts sent in one pipelined round of <c>WriteAsync</c>; bigger batches are split. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Most checkpoint entries (changed + removed) sent in one script call. Default 1000.</summary>
    public int CheckpointChunkSize { get; set; } = 1000;

    /// <summary>Expiry of the staging hash of a multi-chunk checkpoint save that never committed. Default 1 hour.</summary>
    public TimeSpan CheckpointStagingTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Timeout of one attempt (one pipelined batch or one checkpoint call). Default 5 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Retries after a transient failure. Default <see cref="int.MaxValue"/>, i.e. retry until the
    /// caller cancels: an outage slows the worker down (it stops consuming) instead of dropping alerts.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = int.MaxValue;

    /// <summary>First retry delay; grows exponentially with jitter. Default 100 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Cap of the retry delay. Default 10 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Failure ratio in <see cref="BreakerSamplingDuration"/> that opens the circuit. Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the sampling window before the circuit may open. Default 10.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Window in which the failure ratio is measured. Default 30 s.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open before one probe is let through. Default 5 s.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Replicas that must hold every write of an alert batch before <c>WriteAsync</c> reports it written (and the
    /// worker stores its offsets): after the batch's scripts the sink sends <c>WAIT n</c> to each primary it wrote
    /// to. 0 (default) = off: a primary that dies right after acknowledging can take alerts with it whose offsets
    /// were already committed (asynchronous replication). With 1, a batch no replica confirmed is written again
    /// (dedupe keys make that harmless) until one does.
    /// </summary>
    public int WaitForReplicas { get; set; }

    /// <summary>How long one <c>WAIT</c> waits for <see cref="WaitForReplicas"/> replicas. Default 1 s.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>SCAN page size used by retention to discover streams. Default 500.</summary>
    public int ScanPageSize { get; set; } = 500;

    /// <summary>Keys and cadence of the alerts that span conversations (section <c>Redis:CrossConversation</c>).</summary>
    public CrossConversation.CrossConversationOptions CrossConversation { get; set; } = new();

    /// <summary>Checks every setting; each problem names its config path (e.g. <c>Redis:DedupeTtl</c>) and what was expected.</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        void Add(string name, string reason) => problems.Add(new ConfigProblem($"{SectionName}:{name}", reason));

        if (string.IsNullOrWhiteSpace(ConnectionString)) Add(nameof(ConnectionString), "must not be empty (e.g. \"127.0.0.1:6379\")");
        foreach (var (name, value) in new[]
                 {
                     (nameof(StreamKeyPrefix), StreamKeyPrefix), (nameof(SeenKeyPrefix), SeenKeyPrefix),
                     (nameof(CounterKeyPrefix), CounterKeyPrefix), (nameof(StateKeyPrefix), StateKeyPrefix),
                     (nameof(ChannelPrefix), ChannelPrefix), (nameof(ConsumerGroup), ConsumerGroup),
                     (nameof(OverflowKeyPrefix), OverflowKeyPrefix), (nameof(TranscriptKeyPrefix), TranscriptKeyPrefix),
                 })
        {
            if (string.IsNullOrEmpty(value)) Add(name, "must not be empty");
            else if (value.Contains('{') || value.Contains('}')) Add(name, "must not contain '{' or '}' (they are Redis Cluster hash tags)");
            else if (value.Any(char.IsWhiteSpace)) Add(name, "must not contain whitespace");
        }
        if (Retention <= TimeSpan.Zero) Add(nameof(Retention), "must be positive (e.g. \"7.00:00:00\")");
        if (RetentionHardMaxAge < TimeSpan.Zero || (RetentionHardMaxAge > TimeSpan.Zero && RetentionHardMaxAge < Retention))
            Add(nameof(RetentionHardMaxAge), $"must be zero (off) or at least Redis:Retention ({Retention}), was {RetentionHardMaxAge}");
        if (string.IsNullOrWhiteSpace(OverflowKeyPrefix) || OverflowKeyPrefix == StreamKeyPrefix)
            Add(nameof(OverflowKeyPrefix), "required, and different from StreamKeyPrefix");
        if (RetentionInterval < TimeSpan.FromSeconds(1)) Add(nameof(RetentionInterval), "must be at least 1 second");
        if (DedupeTtl <= Retention) Add(nameof(DedupeTtl), $"must be longer than Redis:Retention ({Retention}), otherwise a replay of entries still in the stream would publish them again");
        if (CounterTtl < TimeSpan.FromSeconds(1)) Add(nameof(CounterTtl), "must be at least 1 second");
        if (BatchSize < 1) Add(nameof(BatchSize), "must be at least 1");
        if (CheckpointChunkSize < 1) Add(nameof(CheckpointChunkSize), "must be at least 1");
        if (CheckpointStagingTtl < TimeSpan.FromSeconds(1)) Add(nameof(CheckpointStagingTtl), "must be at least 1 second");
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromDays(1)) Add(nameof(AttemptTimeout), "must be between 10 ms and 1 day");
        if (MaxRetryAttempts < 1) Add(nameof(MaxRetryAttempts), "must be at least 1 (default: unbounded)");
        if (RetryBaseDelay <= TimeSpan.Zero) Add(nameof(RetryBaseDelay), "must be positive");
        if (RetryMaxDelay < RetryBaseDelay) Add(nameof(RetryMaxDelay), "must be at least Redis:RetryBaseDelay");
        if (BreakerFailureRatio is <= 0 or > 1) Add(nameof(BreakerFailureRatio), "must be in (0, 1]");
        if (BreakerMinimumThroughput < 2) Add(nameof(BreakerMinimumThroughput), "must be at least 2");
        if (BreakerSamplingDuration < TimeSpan.FromMilliseconds(500)) Add(nameof(BreakerSamplingDuration), "must be at least 500 ms");
        if (BreakerBreakDuration < TimeSpan.FromMilliseconds(500)) Add(nameof(BreakerBreakDuration), "must be at least 500 ms");
        if (ScanPageSize < 1) Add(nameof(ScanPageSize), "must be at least 1");
        if (WaitForReplicas is < 0 or > 16) Add(nameof(WaitForReplicas), $"must be 0 (off) to 16, was {WaitForReplicas}");
        if (WaitTimeout < TimeSpan.FromMilliseconds(1) || WaitTimeout > TimeSpan.FromMinutes(1)) Add(nameof(WaitTimeout), $"must be 1 ms to 1 minute, was {WaitTimeout}");
        problems.AddRange(CrossConversation.Validate());
        return problems;
    }
}
