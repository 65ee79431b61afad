using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.Core;
using Alerting.Core.Alerts;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Alerting.Redis.CrossConversation;

/// <summary>
/// <c>agent_response_rate_low</c> across partitions and instances: workers record <see cref="AgentActivity"/>
/// facts in Redis (one hash per store, agent and evaluation step, merged by fact id inside a Lua script, so
/// redelivery and arrival order do not matter), and any worker evaluates a store once the facts up to a
/// point are complete (<see cref="EvaluateAsync"/>). The alert is a function of the stored facts
/// (<see cref="AgentResponseRates.AlertFor"/>), so every evaluator publishes the same alert and the sink's
/// dedupe keeps one. Thread-safe.
/// </summary>
/// <remarks>
/// Keys (store hash tag, one slot per store): <c>alerts:agent:{&lt;shop&gt;}:&lt;agent&gt;:&lt;stepStartUnix&gt;</c>
/// (hash: fact id → <c>&lt;rank&gt;|&lt;json&gt;</c>) and <c>alerts:agents:{&lt;shop&gt;}:&lt;stepStartUnix&gt;</c>
/// (set of agents with facts in that step). The rank makes the merge of <see cref="AgentActivity.Merge"/> a
/// string minimum: answered (0) before unanswered (1), then the shorter wait, then fewer buyer messages.
/// </remarks>
public sealed class AgentActivityTracker
{
    /// <summary>
    /// KEYS: 1 facts hash, 2 agents set, 3 the store's evaluation cursor, 4 the store's "changed since" mark.
    /// ARGV: 1 ttl s, 2 agent id, 3 step start (Unix s), 4.. triples (fact id, rank, value). A fact replaces the
    /// stored one only when its rank is smaller (byte order), so the stored fact is the minimum of all versions
    /// seen: the same whatever the order. When anything changed, the mark moves back to this step (the
    /// evaluator judges again from there) and a store's first fact starts its cursor. A redelivered fact
    /// changes nothing and marks nothing. Returns the number of fields changed.
    /// </summary>
    internal const string RecordScript = """
        local changed = 0
        for i = 4, #ARGV, 3 do
          local old = redis.call('HGET', KEYS[1], ARGV[i])
          local rank = ARGV[i + 1]
          if (not old) or rank < string.sub(old, 1, #rank) then
            redis.call('HSET', KEYS[1], ARGV[i], rank .. '|' .. ARGV[i + 2])
            changed = changed + 1
          end
        end
        redis.call('SADD', KEYS[2], ARGV[2])
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        redis.call('EXPIRE', KEYS[2], ARGV[1])
        if changed > 0 then
          local step = tonumber(ARGV[3])
          if not redis.call('GET', KEYS[3]) then redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[1]) end
          local mark = tonumber(redis.call('GET', KEYS[4]) or '')
          if (not mark) or step < mark then redis.call('SET', KEYS[4], ARGV[3], 'EX', ARGV[1]) end
        end
        redis.call('EXPIRE', KEYS[3], ARGV[1])
        return changed
        """;

    /// <summary>
    /// KEYS: 1 cursor, 2 mark. Starts a judgement: returns where to judge from — the cursor, or the mark if a
    /// fact changed before it — and clears the mark (facts changing from now on mark it again). Nil without a cursor.
    /// </summary>
    internal const string BeginScript = """
        local cursor = tonumber(redis.call('GET', KEYS[1]) or '')
        local mark = tonumber(redis.call('GET', KEYS[2]) or '')
        redis.call('DEL', KEYS[2])
        if not cursor then return mark end
        if mark and mark < cursor then return mark end
        return cursor
        """;

    /// <summary>
    /// KEYS: 1 cursor, 2 mark. ARGV: 1 judged up to (Unix s), 2 ttl s. Ends a judgement: the cursor moves to
    /// ARGV[1], or only to the mark if a fact of an earlier step changed during the judgement. Returns the new cursor.
    /// </summary>
    internal const string AdvanceCursorScript = """
        local target = tonumber(ARGV[1])
        local mark = tonumber(redis.call('GET', KEYS[2]) or '')
        if mark and mark < target then target = mark end
        redis.call('SET', KEYS[1], target, 'EX', ARGV[2])
        return target
        """;

    /// <summary>KEYS: 1 stores sorted set. ARGV: 1 store, 2 the score read before. Removes the store only if no fact came meanwhile.</summary>
    internal const string ForgetStoreScript = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
        return 0
        """;

    /// <summary>KEYS: 1 lease. ARGV: 1 owner, 2 ttl ms. Takes the lease if free, extends it if ours. Returns 1 when held.</summary>
    internal const string LeaseScript = """
        local owner = redis.call('GET', KEYS[1])
        if owner == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
        if not owner then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
        return 0
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly Func<string, AgentResponseRateOptions> _optionsFor;
    private readonly Func<string, DateTimeOffset, bool> _storeOpen;
    private readonly CrossConversationOptions _options;
    private readonly TimeProvider _wallClock;

    /// <param name="optionsFor">The rule options in force for a store.</param>
    /// <param name="storeOpen">Whether a store is in business hours at an instant; null = always.</param>
    public AgentActivityTracker(IConnectionMultiplexer redis, RedisAlertingOptions redisOptions, Func<string, AgentResponseRateOptions> optionsFor,
        Func<string, DateTimeOffset, bool>? storeOpen = null, CrossConversationOptions? options = null, TimeProvider? wallClock = null, ILogger<AgentActivityTracker>? logger = null)
    {
        _redis = redis;
        _optionsFor = optionsFor;
        _storeOpen = storeOpen ?? ((_, _) => true);
        _options = options ?? new CrossConversationOptions();
        _wallClock = wallClock ?? TimeProvider.System;
        Resilience = new RedisResilience("agent-activity", redisOptions, (ILogger?)logger ?? NullLogger.Instance, _wallClock);
    }

    public RedisResilience Resilience { get; }

    /// <summary>Hash of one agent's facts in one evaluation step.</summary>
    public RedisKey FactsKey(string shopId, string agentId, DateTimeOffset stepStart)
        => string.Create(CultureInfo.InvariantCulture, $"{_options.AgentKeyPrefix}{RedisKeys.ShopTag(shopId)}:{RedisKeys.Encode(agentId)}:{stepStart.ToUnixTimeSeconds()}");

    /// <summary>Set of the agents of a store with facts in one evaluation step.</summary>
    public RedisKey AgentsKey(string shopId, DateTimeOffset stepStart)
        => string.Create(CultureInfo.InvariantCulture, $"{_options.AgentSetKeyPrefix}{RedisKeys.ShopTag(shopId)}:{stepStart.ToUnixTimeSeconds()}");

    /// <summary>A store's evaluation cursor: Unix seconds of the point judged up to (at first, the step of its first fact).</summary>
    public RedisKey CursorKey(string shopId) => _options.AgentEvaluationKeyPrefix + RedisKeys.ShopTag(shopId);

    /// <summary>A store's "changed since" mark: the earliest step start whose facts changed since the last judgement began.</summary>
    public RedisKey MarkKey(string shopId) => _options.AgentEvaluationKeyPrefix + RedisKeys.ShopTag(shopId) + ":changed";

    /// <summary>Sorted set of the stores with facts: member = store, score = latest step start with facts (Unix s).</summary>
    public RedisKey StoresKey => _options.AgentEvaluationKeyPrefix + "stores";

    /// <summary>Which worker evaluates (one at a time, so a notification is not sent once per instance).</summary>
    public RedisKey LeaseKey => _options.AgentEvaluationKeyPrefix + "lease";

    /// <summary>
    /// Stores facts (idempotent, order-free). Call with a batch's facts before its offsets are stored, like
    /// alerts. Facts of stores where the rule is off, or without an agent, are dropped.
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<AgentActivity> facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var groups = new Dictionary<(string Shop, string Agent, DateTimeOffset Step), List<AgentActivity>>();
        foreach (var f in facts)
        {
            var o = _optionsFor(f.ShopId);
            if (!o.Enabled || string.IsNullOrEmpty(f.AgentId)) continue;
            var key = (f.ShopId, f.AgentId, WrongAnswerBatch.WindowStart(f.At, o.Step));
            if (!groups.TryGetValue(key, out var list)) groups.Add(key, list = []);
            list.Add(f);
        }
        if (groups.Count == 0) return;

        var calls = groups.Select(g => (Keys: new[] { FactsKey(g.Key.Shop, g.Key.Agent, g.Key.Step), AgentsKey(g.Key.Shop, g.Key.Step), CursorKey(g.Key.Shop), MarkKey(g.Key.Shop) },
            Args: Args(g.Key.Agent, g.Key.Step, g.Value))).ToArray();
        var done = new bool[calls.Length];
        await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var (redis, calls, done) = state;
                var db = redis.GetDatabase();
                var pending = new List<Task>(calls.Length);
                for (var i = 0; i < calls.Length; i++)
                {
                    if (Volatile.Read(ref done[i])) continue;
                    var index = i;
                    pending.Add(db.ScriptEvaluateAsync(RecordScript, calls[i].Keys, calls[i].Args).ContinueWith(
                        t => { if (t.IsCompletedSuccessfully) Volatile.Write(ref done[index], true); return t; },
                        CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap());
                }
                var all = Task.WhenAll(pending);
                _ = all.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                await all.WaitAsync(token).ConfigureAwait(false);
            },
            (_redis, calls, done),
            cancellationToken).ConfigureAwait(false);

        // Registered after its facts: an evaluator that finds the store finds them too.
        var stores = groups.Keys.GroupBy(k => k.Shop, StringComparer.Ordinal)
            .Select(g => new SortedSetEntry(g.Key, g.Max(k => k.Step).ToUnixTimeSeconds())).ToArray();
        await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) => await state._redis.GetDatabase().SortedSetAddAsync(state.key, state.stores, SortedSetWhen.GreaterThan).WaitAsync(token).ConfigureAwait(false),
            (_redis, key: StoresKey, stores),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stores with facts and the latest step start with facts of each.</summary>
    public async Task<IReadOnlyList<(string ShopId, DateTimeOffset LatestStep)>> StoresAsync(CancellationToken cancellationToken)
    {
        var entries = await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) => await state._redis.GetDatabase().SortedSetRangeByRankWithScoresAsync(state.key).WaitAsync(token).ConfigureAwait(false),
            (_redis, key: StoresKey),
            cancellationToken).ConfigureAwait(false);
        return entries.Select(e => ((string)e.Element!, DateTimeOffset.FromUnixTimeSeconds((long)e.Score))).ToList();
    }

    /// <summary>
    /// Starts judging a store: the point to judge from (its cursor, or earlier if facts of an earlier step
    /// changed since the last judgement began), or null when the store has no facts (any more).
    /// </summary>
    public async Task<DateTimeOffset?> BeginJudgementAsync(string shopId, CancellationToken cancellationToken)
    {
        var from = await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) => await state._redis.GetDatabase().ScriptEvaluateAsync(BeginScript, state.keys).WaitAsync(token).ConfigureAwait(false),
            (_redis, keys: new[] { CursorKey(shopId), MarkKey(shopId) }),
            cancellationToken).ConfigureAwait(false);
        return from.IsNull ? null : DateTimeOffset.FromUnixTimeSeconds((long)from);
    }

    /// <summary>
    /// Ends judging a store up to <paramref name="upTo"/>: the cursor moves there, or only back to the earliest
    /// step whose facts changed during the judgement (judged again next time). Returns the new cursor.
    /// </summary>
    public async Task<DateTimeOffset> AdvanceCursorAsync(string shopId, DateTimeOffset upTo, CancellationToken cancellationToken)
    {
        RedisValue[] args = [upTo.ToUnixTimeSeconds(), (long)Math.Ceiling(_options.StateTtl.TotalSeconds)];
        var cursor = await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) => await state._redis.GetDatabase().ScriptEvaluateAsync(AdvanceCursorScript, state.keys, state.args).WaitAsync(token).ConfigureAwait(false),
            (_redis, keys: new[] { CursorKey(shopId), MarkKey(shopId) }, args),
            cancellationToken).ConfigureAwait(false);
        return DateTimeOffset.FromUnixTimeSeconds((long)cursor);
    }

    /// <summary>Drops a store from the evaluation list if its latest step is still <paramref name="latestStep"/> (no newer fact meanwhile).</summary>
    public async Task ForgetStoreAsync(string shopId, DateTimeOffset latestStep, CancellationToken cancellationToken)
    {
        RedisValue[] args = [shopId, latestStep.ToUnixTimeSeconds()];
        await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) => await state._redis.GetDatabase().ScriptEvaluateAsync(ForgetStoreScript, [state.key], state.args).WaitAsync(token).ConfigureAwait(false),
            (_redis, key: StoresKey, args),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>KEYS: 1 lease. ARGV: 1 owner. Gives the lease up if ours.</summary>
    internal const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>Gives the evaluator lease up (on shutdown), so another worker takes over at once.</summary>
    public async Task ReleaseLeaseAsync(string owner, CancellationToken cancellationToken)
        => await _redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [LeaseKey], [owner]).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Takes or extends the evaluator lease for <paramref name="owner"/>; false while another worker holds it.</summary>
    public async Task<bool> HoldLeaseAsync(string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        RedisValue[] args = [owner, (long)ttl.TotalMilliseconds];
        var held = await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) => await state._redis.GetDatabase().ScriptEvaluateAsync(LeaseScript, [state.key], state.args).WaitAsync(token).ConfigureAwait(false),
            (_redis, key: LeaseKey, args),
            cancellationToken).ConfigureAwait(false);
        return (int)held == 1;
    }

    private RedisValue[] Args(string agentId, DateTimeOffset stepStart, List<AgentActivity> facts)
    {
        var args = new RedisValue[3 + (facts.Count * 3)];
        args[0] = (long)Math.Ceiling(_options.StateTtl.TotalSeconds);
        args[1] = agentId;
        args[2] = stepStart.ToUnixTimeSeconds();
        var a = 3;
        foreach (var f in facts)
        {
            args[a++] = f.FactId;
            args[a++] = Rank(f);
            args[a++] = Encode(f);
        }
        return args;
    }

    /// <summary>Fixed-width rank: kind (0 answered or message, 1 unanswered), wait ms (13 digits), buyer messages (9 digits).</summary>
    internal static string Rank(AgentActivity f)
        => string.Create(CultureInfo.InvariantCulture,
            $"{(f.Kind == AgentActivityKind.WaitUnanswered ? 1 : 0)}{Math.Clamp((long)f.Wait.TotalMilliseconds, 0, 9_999_999_999_999):D13}{Math.Clamp(f.BuyerMessages, 0, 999_999_999):D9}");

    /// <summary>The stored JSON of a fact (shop and agent are in the key): <c>{"k":1,"c":"c-42","m":"m-1","t":"…","b":2,"w":8000,"a":"…"}</c> (<c>a</c>: reply time of an answered wait).</summary>
    public static string Encode(AgentActivity f)
    {
        using var buffer = new MemoryStream(128);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = AlertJsonEncoder.Instance }))
        {
            w.WriteStartObject();
            w.WriteNumber("k", (int)f.Kind);
            w.WriteString("c", f.ConversationId);
            w.WriteString("m", f.MessageId);
            w.WriteString("t", AlertJson.FormatTime(f.At));
            w.WriteNumber("b", f.BuyerMessages);
            w.WriteNumber("w", (long)f.Wait.TotalMilliseconds);
            if (f.AnsweredAt is { } answeredAt) w.WriteString("a", AlertJson.FormatTime(answeredAt));
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a stored hash value (<c>&lt;rank&gt;|&lt;json&gt;</c>) back into a fact.</summary>
    public static AgentActivity Decode(string shopId, string agentId, string stored)
    {
        var json = stored[(stored.IndexOf('|', StringComparison.Ordinal) + 1)..];
        var o = JsonNode.Parse(json)!.AsObject();
        return new AgentActivity(shopId, agentId, (string?)o["c"] ?? "", (AgentActivityKind)((int?)o["k"] ?? 0), (string?)o["m"] ?? "",
            DateTimeOffset.Parse((string?)o["t"] ?? "", CultureInfo.InvariantCulture), (int?)o["b"] ?? 0, TimeSpan.FromMilliseconds((long?)o["w"] ?? 0),
            o["a"] is { } a ? DateTimeOffset.Parse((string)a!, CultureInfo.InvariantCulture) : null);
    }

    /// <summary>
    /// Evaluates one store up to <paramref name="completeUpTo"/> — the instant up to which every partition's
    /// facts are recorded (the lowest partition watermark less <c>SettleSeconds</c>): for every agent with
    /// facts, the alert of the fixed window holding <paramref name="completeUpTo"/> (the earliest low
    /// evaluation point in it), or nothing. Idempotent: evaluating again, by this or another worker, returns
    /// the same alerts (the sink dedupes them). Call it at least once per <c>StepMinutes</c> of
    /// <paramref name="completeUpTo"/> progress, or evaluation points are skipped.
    /// </summary>
    public async Task<IReadOnlyList<Alert>> EvaluateAsync(string shopId, DateTimeOffset completeUpTo, CancellationToken cancellationToken)
    {
        var o = _optionsFor(shopId);
        if (!o.Enabled) return [];
        // The fixed window holding completeUpTo; in the first step after a window's end, that window too,
        // so its last evaluation point (on the boundary) is judged even if no call landed exactly on it.
        var fixedStart = AgentResponseRates.FixedWindowOf(completeUpTo, o);
        var targets = new List<DateTimeOffset> { completeUpTo };
        var sinceWindowStart = completeUpTo - fixedStart;
        if (sinceWindowStart > TimeSpan.Zero && sinceWindowStart < o.Step) targets.Insert(0, fixedStart);
        var steps = new List<DateTimeOffset>();
        for (var s = AgentResponseRates.FixedWindowOf(targets[0], o) + o.Step - o.Window; s < completeUpTo; s += o.Step) steps.Add(s);
        if (steps.Count == 0) return [];

        var facts = await Resilience.Pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var (tracker, shopId, steps) = state;
                var db = tracker._redis.GetDatabase();
                var agents = await db.SetCombineAsync(SetOperation.Union, steps.Select(s => tracker.AgentsKey(shopId, s)).ToArray()).WaitAsync(token).ConfigureAwait(false);
                var reads = new List<(string Agent, Task<HashEntry[]> Read)>();
                foreach (var agent in agents.Select(a => (string)a!).Order(StringComparer.Ordinal))
                    foreach (var s in steps) reads.Add((agent, db.HashGetAllAsync(tracker.FactsKey(shopId, agent, s))));
                await Task.WhenAll(reads.Select(r => r.Read)).WaitAsync(token).ConfigureAwait(false);
                return reads.GroupBy(r => r.Agent, StringComparer.Ordinal)
                    .Select(g => (Agent: g.Key, Facts: g.SelectMany(r => r.Read.Result).Select(e => Decode(shopId, g.Key, (string)e.Value!)).ToList()))
                    .ToList();
            },
            (this, shopId, steps),
            cancellationToken).ConfigureAwait(false);

        var now = _wallClock.GetUtcNow();
        var alerts = new List<Alert>();
        foreach (var (agent, agentFacts) in facts)
        {
            foreach (var upTo in targets)
                if (AgentResponseRates.AlertFor(shopId, agent, agentFacts, upTo, o, t => _storeOpen(shopId, t), now) is { } alert)
                    alerts.Add(alert);
        }
        return alerts;
    }
}
