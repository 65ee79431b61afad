using Alerting.Core.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Alerting.Redis.Transcripts;

/// <summary>
/// Writes the transcripts of a consumed batch (<see cref="IMessageBatchWriter"/>): one Lua script call per hash
/// slot (up to <see cref="ConversationsPerCall"/> conversations) merges the batch's messages into each
/// conversation's list (appending without reading it when they are all newer, the usual case), keeps the newest
/// <see cref="TranscriptOptions.MaxMessages"/>, and sets the TTL. Idempotent: a message whose id is in the list
/// is skipped, and so is one not newer than the oldest entry of a full list (it would be trimmed at once — or it
/// was, before a redelivery brought it again), so a replayed batch never adds an entry twice. Retries transient
/// failures like the alert sink (by default until cancelled): the batch's offsets wait for it. Thread-safe.
/// </summary>
public sealed class TranscriptWriter : IMessageBatchWriter
{
    /// <summary>
    /// KEYS: the transcript lists of one hash slot. ARGV: 1 max entries, 2 TTL in ms, then per key: the number n of
    /// its new messages, then n triples (oldest first): id, sentAt as Unix ms, entry JSON. Entries stay ordered by
    /// sentAt (a late message is put in its place; ties keep arrival order). Returns the number of entries added.
    /// </summary>
    internal const string MergeScript = """
        local function ms(s)
          if type(s) ~= 'string' then return 0 end
          local y, mo, d, h, mi, se, f, sg, oh, om = string.match(s, '^(%d%d%d%d)-(%d%d)-(%d%d)T(%d%d):(%d%d):(%d%d)%.(%d%d%d)([+-])(%d%d):(%d%d)$')
          if not y then return 0 end
          y = tonumber(y); mo = tonumber(mo); d = tonumber(d)
          if mo <= 2 then y = y - 1 end
          local era = math.floor(y / 400)
          local yoe = y - era * 400
          local doy = math.floor((153 * ((mo + 9) % 12) + 2) / 5) + d - 1
          local days = era * 146097 + yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy - 719468
          local off = (tonumber(oh) * 60 + tonumber(om)) * 60000
          if sg == '-' then off = -off end
          return ((days * 24 + tonumber(h)) * 60 + tonumber(mi)) * 60000 + tonumber(se) * 1000 + tonumber(f) - off
        end
        local max, ttl = tonumber(ARGV[1]), ARGV[2]

        -- The usual batch: every new message (ARGV[from], 3 per message, up to ARGV[to]) is newer than the list's
        -- last entry and than the one before it, ids distinct. None can be in the list already (a redelivered
        -- message is not newer than the newest entry), so it is appended without reading the list; the result is
        -- the one merge gives. Returns nil when the batch is not like that.
        local function append(key, from, to)
          local last = -1
          local tail = redis.call('LINDEX', key, -1)
          if tail then
            local ok, o = pcall(cjson.decode, tail)
            last = (ok and type(o) == 'table') and ms(o.sentAt) or 0
            if last == 0 then return nil end
          end
          local prev, seen, appended = last, {}, {}
          for i = from, to, 3 do
            local id, t = ARGV[i], tonumber(ARGV[i + 1])
            if t == nil or t <= prev or seen[id] then return nil end
            seen[id] = true
            prev = t
            appended[#appended + 1] = ARGV[i + 2]
          end
          redis.call('RPUSH', key, unpack(appended, math.max(1, #appended - max + 1)))
          redis.call('LTRIM', key, -max, -1)
          redis.call('PEXPIRE', key, ttl)
          return #appended
        end

        -- Any batch: read the list, skip messages it has (by id) and ones not newer than the oldest entry of a full
        -- list, put the rest in place by sentAt, keep the newest max.
        local function merge(key, from, to)
          local items, ids = {}, {}
          for _, e in ipairs(redis.call('LRANGE', key, 0, -1)) do
            local ok, o = pcall(cjson.decode, e)
            local id, t = nil, 0
            if ok and type(o) == 'table' then
              if type(o.messageId) == 'string' then id = o.messageId end
              t = ms(o.sentAt)
            end
            items[#items + 1] = { t, e }
            if id then ids[id] = true end
          end
          local added = 0
          for i = from, to, 3 do
            local id, t, json = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
            if not ids[id] and not (#items >= max and t <= items[1][1]) then
              local pos = #items + 1
              while pos > 1 and items[pos - 1][1] > t do pos = pos - 1 end
              table.insert(items, pos, { t, json })
              ids[id] = true
              added = added + 1
              while #items > max do table.remove(items, 1) end
            end
          end
          if added > 0 then
            local values = {}
            for i, item in ipairs(items) do values[i] = item[2] end
            -- Append the new list, then trim the old entries off its head: the key never stops existing, which a
            -- slot being migrated requires (Redis refuses to create a key there: "non local key"), and a DEL + RPUSH would.
            redis.call('RPUSH', key, unpack(values))
            redis.call('LTRIM', key, -#values, -1)
          end
          if #items > 0 then redis.call('PEXPIRE', key, ttl) end
          return added
        end

        local total, a = 0, 3
        for k = 1, #KEYS do
          local n = tonumber(ARGV[a])
          local from, to = a + 1, a + 3 * n
          total = total + (append(KEYS[k], from, to) or merge(KEYS[k], from, to))
          a = to + 1
        end
        return total
        """;

    /// <summary>At most this many conversations per script call, so one call never holds Redis for long.</summary>
    internal const int ConversationsPerCall = 128;

    private readonly IConnectionMultiplexer _redis;
    private readonly TranscriptOptions _options;
    private readonly RedisKeys _keys;

    public TranscriptWriter(IConnectionMultiplexer redis, RedisAlertingOptions redisOptions, TranscriptOptions options, ILogger<TranscriptWriter>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redisOptions);
        _redis = redis;
        _options = options;
        _keys = new RedisKeys(redisOptions);
        Resilience = new RedisResilience("transcripts", redisOptions, (ILogger?)logger ?? NullLogger.Instance, timeProvider);
    }

    /// <summary>Retry/circuit state of the transcript writes.</summary>
    public RedisResilience Resilience { get; }

    /// <summary>
    /// Merges <paramref name="messages"/> into their conversations' transcripts (nothing when
    /// <see cref="TranscriptOptions.Enabled"/> is false). Returns the number of entries added (0 for a replayed batch).
    /// </summary>
    public async Task<int> MergeAsync(IReadOnlyList<ChatMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (!_options.Enabled || messages.Count == 0) return 0;
        var calls = Prepare(messages);
        var results = new long[calls.Count];
        Array.Fill(results, -1);
        await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var (redis, calls, results) = state;
                var db = redis.GetDatabase();
                var pending = new List<Task>(calls.Count);
                for (var i = 0; i < calls.Count; i++)
                {
                    // A retry sends again only what got no reply (a second run would add nothing anyway).
                    if (Interlocked.Read(ref results[i]) < 0) pending.Add(RunAsync(db, calls[i], results, i));
                }
                var all = Task.WhenAll(pending);
                _ = all.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                await all.WaitAsync(token).ConfigureAwait(false);
            },
            (_redis, calls, results),
            ct).ConfigureAwait(false);
        return (int)results.Sum();
    }

    /// <inheritdoc />
    public Task WriteAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken) => MergeAsync(messages, cancellationToken);

    private static async Task RunAsync(IDatabaseAsync db, (RedisKey[] Keys, RedisValue[] Args) call, long[] results, int index)
    {
        var reply = await db.ScriptEvaluateAsync(MergeScript, call.Keys, call.Args).ConfigureAwait(false);
        Interlocked.CompareExchange(ref results[index], (long)reply, -1);
    }

    private List<(RedisKey[] Keys, RedisValue[] Args)> Prepare(IReadOnlyList<ChatMessage> messages)
    {
        // Per conversation its messages in consumption order; conversations keep first-seen order.
        var byConversation = new Dictionary<(string Shop, string Conversation), List<ChatMessage>>();
        foreach (var m in messages)
        {
            if (!TranscriptEntry.IsKept(m) || string.IsNullOrEmpty(m.ShopId)) continue;
            var key = (m.ShopId, m.ConversationId);
            if (!byConversation.TryGetValue(key, out var list)) byConversation[key] = list = [];
            list.Add(m);
        }
        // One script call per hash slot (a cluster runs a script's keys on one node), at most ConversationsPerCall
        // conversations each. A store's transcripts share its hash tag, so a slot holds one or a few stores.
        var bySlot = new Dictionary<int, List<(RedisKey Key, List<ChatMessage> Messages)>>();
        foreach (var ((shop, conversation), list) in byConversation)
        {
            var key = _keys.Transcript(shop, conversation);
            var slot = _redis.HashSlot(key);
            if (!bySlot.TryGetValue(slot, out var group)) bySlot[slot] = group = [];
            group.Add((key, list));
        }
        var ttlMs = (long)Math.Ceiling(_options.Ttl.TotalMilliseconds);
        var calls = new List<(RedisKey[], RedisValue[])>();
        foreach (var group in bySlot.Values)
            foreach (var chunk in group.Chunk(ConversationsPerCall))
            {
                var args = new RedisValue[2 + chunk.Sum(c => 1 + 3 * c.Messages.Count)];
                args[0] = _options.MaxMessages;
                args[1] = ttlMs;
                var a = 2;
                foreach (var (_, list) in chunk)
                {
                    args[a++] = list.Count;
                    foreach (var m in list)
                    {
                        args[a++] = m.MessageId;
                        args[a++] = m.SentAt.ToUnixTimeMilliseconds();
                        args[a++] = TranscriptEntry.ToUtf8(m, _options.MaxTextChars);
                    }
                }
                calls.Add(([.. chunk.Select(c => c.Key)], args));
            }
        return calls;
    }
}
