using Alerting.Redis;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Review;

/// <summary>
/// Names of the console's own Redis keys. Every key of a store carries the store's hash tag
/// <c>{&lt;shop&gt;}</c> (the same as the alert stream's), so one script touches one Cluster slot.
/// Thread-safe (immutable).
/// </summary>
public sealed class ConsoleKeys
{
    private readonly string _prefix;
    private readonly RedisKeys _alertKeys;

    public ConsoleKeys(ConsoleOptions console, RedisAlertingOptions redis)
    {
        _prefix = console.KeyPrefix;
        _alertKeys = new RedisKeys(redis);
        Group = redis.ConsumerGroup;
        ChannelPrefix = redis.ChannelPrefix;
    }

    /// <summary>The consumer group of the alert streams (<c>inspectors</c>).</summary>
    public string Group { get; }

    /// <summary>Base of the worker's pub/sub channels (<c>alerts</c>).</summary>
    public string ChannelPrefix { get; }

    /// <summary>
    /// The consumer that holds every delivered, unreviewed, unclaimed entry: the pool. Its name cannot
    /// clash with a user's consumer, which is always <c>u:&lt;name&gt;</c>.
    /// </summary>
    public const string PoolConsumer = "pool";

    /// <summary>The consumer name of one user.</summary>
    public static string UserConsumer(string user) => "u:" + user;

    /// <summary>The store's alert stream (written by the worker).</summary>
    public RedisKey Stream(string store) => _alertKeys.Stream(store);

    /// <summary>Hash alertId → <c>entryId|revision</c> of the current entry of each alert in the pool or claimed.</summary>
    public RedisKey Current(string store) => Key("current", store);

    /// <summary>Hash alertId → <c>user|claimedAtMs</c> of live claims.</summary>
    public RedisKey Claims(string store) => Key("claims", store);

    /// <summary>Hash alertId → verdict JSON.</summary>
    public RedisKey Verdicts(string store) => Key("verdicts", store);

    /// <summary>Hash alertId → id of the silence that kept it out of the pool.</summary>
    public RedisKey Silenced(string store) => Key("silenced", store);

    /// <summary>
    /// Sorted set alertId → millisecond part of the newest stream entry of the alert the console has seen (placed,
    /// claimed, acknowledged or silenced). It bounds the review state: once the stream's oldest entry is newer
    /// than an alert's score, every entry of that alert is gone and its fields in the hashes above are removed.
    /// </summary>
    public RedisKey Newest(string store) => Key("newest", store);

    /// <summary>
    /// String set once the fields written before <see cref="Newest"/> existed have been indexed in it (value: when,
    /// as Unix ms), so that one-time backfill is not repeated by every start.
    /// </summary>
    public RedisKey NewestBackfilled(string store) => Key("newest-backfilled", store);

    /// <summary>
    /// Sorted set alertId → millisecond of the earliest stream entry of the alert the console has seen: the alert's
    /// coverage time (the hour it counts in). Kept and removed with the rest of the alert's review state.
    /// </summary>
    public RedisKey CoverageFirst(string store) => Key("coverage-first", store);

    /// <summary>Hash alertId → rule of the alert's earliest entry (the rule it counts under).</summary>
    public RedisKey CoverageRule(string store) => Key("coverage-rule", store);

    /// <summary>Sorted set alertId → coverage time of every counted alert that is open or claimed (for "oldest unreviewed").</summary>
    public RedisKey CoverageUnreviewed(string store) => Key("coverage-unreviewed", store);

    /// <summary>
    /// Hash <c>&lt;hour&gt;|&lt;state&gt;|&lt;rule&gt;</c> → number of alerts whose coverage time falls in that UTC hour
    /// (hours since the Unix epoch), that are now in that state (<c>r</c>eviewed, <c>s</c>ilenced, <c>c</c>laimed,
    /// <c>o</c>pen) and count under that rule. A field is deleted when it reaches 0.
    /// </summary>
    public RedisKey CoverageCounts(string store) => Key("coverage", store);

    /// <summary>Set of the rules that appear in <see cref="CoverageCounts"/> (to name its fields without scanning it).</summary>
    public RedisKey CoverageRules(string store) => Key("coverage-rules", store);

    /// <summary>String set once the entries already in the stream when the counters were introduced are counted (Unix ms).</summary>
    public RedisKey CoverageBackfilled(string store) => Key("coverage-backfilled", store);

    /// <summary>Hash silenceId → silence JSON.</summary>
    public RedisKey Silences(string store) => Key("silences", store);

    /// <summary>Stream of review changes (claim, release, verdict, silence), read by live feeds to catch up.</summary>
    public RedisKey Log(string store) => Key("log", store);

    /// <summary>Channel rung after every review change of a store.</summary>
    public RedisChannel ReviewChannel(string store) => RedisChannel.Literal(_prefix + "events:" + RedisKeys.Encode(store));

    /// <summary>The worker's channel of one store, used as a doorbell for new stream entries.</summary>
    public RedisChannel AlertChannel(string store) => _alertKeys.ShopChannel(store);

    /// <summary>Dashboard counter hash of one store and UTC minute.</summary>
    public RedisKey Counter(string store, DateTimeOffset minute) => _alertKeys.Counter(store, minute);

    /// <summary>Hash of the store's suggested rule changes: suggestion id → JSON (<see cref="RuleSuggestion"/>).</summary>
    public RedisKey Suggestions(string store) => Key("suggestions", store);

    private RedisKey Key(string kind, string store) => _prefix + kind + ":" + RedisKeys.ShopTag(store);
}
