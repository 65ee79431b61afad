using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Alerting.Redis.Transcripts;

/// <summary>Reads one conversation's transcript (for the console). Needs only read access to the transcript keys. Thread-safe.</summary>
public sealed class TranscriptReader
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;

    public TranscriptReader(IConnectionMultiplexer redis, RedisAlertingOptions options)
    {
        _redis = redis;
        _keys = new RedisKeys(options);
    }

    /// <summary>
    /// The entries of the conversation's transcript, oldest first; null when there is none (transcripts off,
    /// expired, or never written). An entry that is not a JSON object (not written by the worker) is left out.
    /// </summary>
    public async Task<JsonArray?> ReadAsync(string shopId, string conversationId)
    {
        var raw = await _redis.GetDatabase().ListRangeAsync(_keys.Transcript(shopId, conversationId)).ConfigureAwait(false);
        if (raw.Length == 0) return null;
        var entries = new JsonArray();
        foreach (var value in raw)
        {
            try
            {
                if (JsonNode.Parse(value.ToString()) is JsonObject o) entries.Add(o);
            }
            catch (JsonException)
            {
                // Not ours: skipped, the rest is still shown.
            }
        }
        return entries;
    }
}
