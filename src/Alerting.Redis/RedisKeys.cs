using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Alerting.Redis;

/// <summary>
/// Key and channel names of CONTRACTS.md §2. Every per-store key carries the hash tag
/// <c>{&lt;shop&gt;}</c>, so all keys of one store live in one Redis Cluster slot and one script per
/// alert touches one slot. Thread-safe (immutable).
/// </summary>
public sealed class RedisKeys
{
    private readonly RedisAlertingOptions _options;

    public RedisKeys(RedisAlertingOptions options) => _options = options;

    /// <summary>
    /// Percent-encodes every UTF-8 byte of a character outside <c>[A-Za-z0-9_.-]</c> as <c>%XX</c>
    /// (upper-case hex). Injective (<c>%</c> itself is encoded) and keeps braces, colons, spaces and
    /// Chinese text out of key names: <c>店铺 A</c> → <c>%E5%BA%97%E9%93%BA%20A</c>.
    /// </summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var clean = true;
        foreach (var c in value)
        {
            if (!IsPlain(c)) { clean = false; break; }
        }
        if (clean) return value;

        var sb = new StringBuilder(value.Length * 3);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (IsPlain(c)) { sb.Append(c); continue; }
            int n;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                n = Encoding.UTF8.GetBytes(value.AsSpan(i, 2), utf8);
                i++;
            }
            else
            {
                n = Encoding.UTF8.GetBytes(new ReadOnlySpan<char>(in c), utf8);
            }
            for (var b = 0; b < n; b++) sb.Append('%').Append(utf8[b].ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static bool IsPlain(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-';

    /// <summary>
    /// The hash tag of a store, braces included: <c>{shop-a}</c>. An empty shop id is refused: Redis Cluster ignores
    /// an empty tag <c>{}</c> and hashes the whole key, which would scatter one store's keys over slots (the parser
    /// already refuses a message without <c>shopId</c>; this keeps any other caller from splitting a script's keys).
    /// </summary>
    public static string ShopTag(string shopId)
    {
        ArgumentException.ThrowIfNullOrEmpty(shopId);
        return "{" + Encode(shopId) + "}";
    }

    /// <summary>The store's durable alert stream: <c>alerts:stream:{&lt;shop&gt;}</c>.</summary>
    public RedisKey Stream(string shopId) => _options.StreamKeyPrefix + ShopTag(shopId);

    /// <summary>SCAN pattern matching every alert stream: <c>alerts:stream:*</c>.</summary>
    public string StreamPattern => GlobEscape(_options.StreamKeyPrefix) + "*";

    /// <summary>Dedupe key of one alert event: <c>alerts:seen:{&lt;shop&gt;}:&lt;alertId&gt;:&lt;status&gt;:&lt;revision&gt;</c>.</summary>
    public RedisKey Seen(string shopId, string alertId, string status, int revision)
        => string.Create(CultureInfo.InvariantCulture, $"{_options.SeenKeyPrefix}{ShopTag(shopId)}:{alertId}:{status}:{revision}");

    /// <summary>Dashboard counter hash of one store and one UTC minute of event time: <c>alerts:count:{&lt;shop&gt;}:yyyyMMddHHmm</c>.</summary>
    public RedisKey Counter(string shopId, DateTimeOffset eventTime)
        => _options.CounterKeyPrefix + ShopTag(shopId) + ":" + eventTime.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// <summary>Transcript list of one conversation: <c>alerts:transcript:{&lt;shop&gt;}:&lt;conversationId&gt;</c> (conversation percent-encoded).</summary>
    public RedisKey Transcript(string shopId, string conversationId)
        => _options.TranscriptKeyPrefix + ShopTag(shopId) + ":" + Encode(conversationId);

    /// <summary>Channel with every alert: <c>alerts</c>.</summary>
    public RedisChannel AllChannel => RedisChannel.Literal(_options.ChannelPrefix);

    /// <summary>Channel of one rule: <c>alerts:rule:&lt;rule&gt;</c> (rule names are snake_case and not encoded).</summary>
    public RedisChannel RuleChannel(string rule) => RedisChannel.Literal(_options.ChannelPrefix + ":rule:" + rule);

    /// <summary>Channel of one store: <c>alerts:shop:&lt;shop&gt;</c> (shop percent-encoded, no braces: channels are not keys).</summary>
    public RedisChannel ShopChannel(string shopId) => RedisChannel.Literal(_options.ChannelPrefix + ":shop:" + Encode(shopId));

    /// <summary>Checkpoint hash of one partition: <c>alerts:state:{&lt;group&gt;:&lt;topic&gt;:&lt;partition&gt;}</c> (group and topic percent-encoded).</summary>
    public RedisKey State(string consumerGroup, string topic, int partition)
        => string.Create(CultureInfo.InvariantCulture, $"{_options.StateKeyPrefix}{{{Encode(consumerGroup)}:{Encode(topic)}:{partition}}}");

    private static string GlobEscape(string s)
    {
        var sb = new StringBuilder(s.Length + 4);
        foreach (var c in s)
        {
            if (c is '*' or '?' or '[' or ']' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
