namespace Alerting.InspectorConsole.Review;

/// <summary>
/// The Lua scripts behind every review change. Each runs atomically on one store's slot with the keys
/// <c>[stream, current, claims, verdicts, silenced, log, newest, coverage-first, coverage-rule, coverage-unreviewed,
/// coverage, coverage-rules]</c> and the arguments
/// <c>[group, reviewChannel, alertId, user, nowMs, …]</c>, so two inspectors racing for the same alert
/// see one winner, and the consumer group's pending list always agrees with the claims hash:
/// an unreviewed alert's current entry is pending under the <c>pool</c> consumer or under the
/// claiming user's consumer <c>u:&lt;name&gt;</c>; reviewed, superseded and silenced entries are acknowledged.
/// Every script that gives an alert state records in <c>newest</c> the newest stream entry of the alert it has
/// seen (<c>ZADD GT</c>: a score only grows), which is what <see cref="TrimGone"/> bounds the state by.
/// </summary>
internal static class ReviewScripts
{
    private const string Prelude = """
        local stream, current, claims, verdicts, silenced, logkey, newest = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
        local cfirst, crule, cunrev, ccounts, crules = KEYS[8], KEYS[9], KEYS[10], KEYS[11], KEYS[12]
        local group, channel, a, user, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
        local function split(v)
          local i = string.find(v, '|', 1, true)
          return string.sub(v, 1, i - 1), string.sub(v, i + 1)
        end
        local function log(kind)
          redis.call('XADD', logkey, 'MAXLEN', '~', '100000', '*', 'alertId', a, 'kind', kind, 'by', user)
          redis.call('PUBLISH', channel, a)
        end
        local function older(x, y)
          local xm, xs = string.match(x, '^(%d+)-(%d+)$')
          local ym, ys = string.match(y, '^(%d+)-(%d+)$')
          xm, xs, ym, ys = tonumber(xm), tonumber(xs), tonumber(ym), tonumber(ys)
          return xm < ym or (xm == ym and xs < ys)
        end
        local function seen(id)
          redis.call('ZADD', newest, 'GT', string.match(id, '^(%d+)-'), a)
        end
        -- Coverage counters: an alert is counted once, in the UTC hour of its earliest entry seen, under that entry's
        -- rule, in its current review state. snap() reads where an alert is counted, settle() moves it after a change.
        local function code(x)
          if redis.call('HEXISTS', verdicts, x) == 1 then return 'r' end
          if redis.call('HEXISTS', silenced, x) == 1 then return 's' end
          if redis.call('HEXISTS', claims, x) == 1 then return 'c' end
          return 'o'
        end
        local function snap(x)
          local ms = redis.call('ZSCORE', cfirst, x)
          if not ms then return nil end
          local hour = string.format('%d', math.floor(tonumber(ms) / 3600000))
          return { ms = ms, field = hour .. '|' .. code(x) .. '|' .. (redis.call('HGET', crule, x) or '') }
        end
        local function settle(x, before)
          local after = snap(x)
          local bf, af = before and before.field, after and after.field
          if bf ~= af then
            if bf and redis.call('HINCRBY', ccounts, bf, -1) <= 0 then redis.call('HDEL', ccounts, bf) end
            if af then redis.call('HINCRBY', ccounts, af, 1) end
          end
          local c = after and string.match(after.field, '|(%a)|')
          if c == 'o' or c == 'c' then redis.call('ZADD', cunrev, after.ms, x) else redis.call('ZREM', cunrev, x) end
        end
        -- An entry of alert x appended at millisecond ms under rule: the alert counts at its earliest entry (LT).
        local function firstseen(x, ms, rule)
          if redis.call('ZADD', cfirst, 'LT', 'CH', ms, x) == 1 then
            redis.call('HSET', crule, x, rule)
            redis.call('SADD', crules, rule)
          end
        end

        """;

    // Every review script runs its body between a snapshot of where the alert is counted and settle(), so the
    // coverage counters follow the review state exactly: a script that changes nothing (a retry, a second
    // acknowledgement, a re-placed entry) moves no counter, and an alert is counted once however many entries it has.
    private const string Begin = """
        local function body()

        """;

    private const string End = """

        end
        local before = snap(a)
        local result = body()
        settle(a, before)
        return result
        """;

    /// <summary>
    /// Places one entry the pool consumer has just read. ARGV[6] entryId, ARGV[7] revision, ARGV[8]
    /// silence id or empty. Acknowledges the entry when its alert is reviewed or it is superseded (a
    /// lower revision, or the same revision earlier in the stream); otherwise it becomes the alert's
    /// current entry (acknowledging the previous one), silenced, or handed to the alert's claimer.
    /// Idempotent: placing the current entry again changes nothing.
    /// </summary>
    public const string Place = Prelude + Begin + """
        local id, rev, silence = ARGV[6], tonumber(ARGV[7]), ARGV[8]
        seen(id)
        firstseen(a, string.match(id, '^(%d+)-'), ARGV[9])
        if redis.call('HEXISTS', verdicts, a) == 1 then
          redis.call('XACK', stream, group, id)
          return 'reviewed'
        end
        local cur = redis.call('HGET', current, a)
        if cur then
          local curId, curRev = split(cur)
          curRev = tonumber(curRev)
          if curId == id then return 'placed' end
          if rev < curRev or (rev == curRev and older(id, curId)) then
            redis.call('XACK', stream, group, id)
            return 'superseded'
          end
          redis.call('XACK', stream, group, curId)
        end
        if silence ~= '' then
          redis.call('XACK', stream, group, id)
          redis.call('HDEL', current, a)
          redis.call('HDEL', claims, a)
          if redis.call('HGET', silenced, a) ~= silence then
            redis.call('HSET', silenced, a, silence)
            log('silenced')
          end
          return 'silenced'
        end
        redis.call('HSET', current, a, id .. '|' .. ARGV[7])
        if redis.call('HDEL', silenced, a) == 1 then log('unsilenced') end
        local claim = redis.call('HGET', claims, a)
        if claim then
          local owner = split(claim)
          redis.call('XCLAIM', stream, group, 'u:' .. owner, 0, id, 'JUSTID')
          log('revised')
          return 'claimed'
        end
        return 'pooled'
        """ + End;

    /// <summary>
    /// Claims an alert for ARGV[4]. ARGV[6] staleBeforeMs: a claim made before it may be taken over.
    /// Returns {'ok', user} | {'taken', owner} | {'reviewed'} | {'silenced'} | {'unknown'}.
    /// Claiming one's own alert again refreshes the claim.
    /// </summary>
    public const string Claim = Prelude + Begin + """
        if redis.call('HEXISTS', verdicts, a) == 1 then return {'reviewed'} end
        local cur = redis.call('HGET', current, a)
        if not cur then
          if redis.call('HEXISTS', silenced, a) == 1 then return {'silenced'} end
          return {'unknown'}
        end
        local claim = redis.call('HGET', claims, a)
        if claim then
          local owner, at = split(claim)
          if owner ~= user and tonumber(at) > tonumber(ARGV[6]) then return {'taken', owner} end
        end
        local curId = split(cur)
        redis.call('HSET', claims, a, user .. '|' .. now)
        redis.call('XCLAIM', stream, group, 'u:' .. user, 0, curId, 'JUSTID')
        log('claimed')
        return {'ok', user}
        """ + End;

    /// <summary>
    /// Gives a claimed alert back to the pool. ARGV[6] staleBeforeMs, ARGV[7] mode: <c>user</c> (only the
    /// owner may) or <c>stale</c> (only a claim made before staleBeforeMs). Returns ok | none | taken | fresh.
    /// </summary>
    public const string Release = Prelude + Begin + """
        local claim = redis.call('HGET', claims, a)
        if not claim then return 'none' end
        local owner, at = split(claim)
        if ARGV[7] == 'stale' then
          if tonumber(at) > tonumber(ARGV[6]) then return 'fresh' end
        elseif owner ~= user then
          return 'taken'
        end
        redis.call('HDEL', claims, a)
        local cur = redis.call('HGET', current, a)
        if cur then
          local curId = split(cur)
          redis.call('XCLAIM', stream, group, 'pool', 0, curId, 'JUSTID')
        end
        if ARGV[7] == 'stale' then log('expired') else log('released') end
        return 'ok'
        """ + End;

    /// <summary>
    /// Records a verdict (ARGV[7], JSON; ARGV[8] the id of the entry it was given on) and acknowledges the alert's current entry. ARGV[6]
    /// staleBeforeMs: another user's claim older than it does not block. Returns {'ok', json} |
    /// {'reviewed', existingJson} | {'taken', owner}. A verdict is final: later revisions of a reviewed
    /// alert are acknowledged on arrival.
    /// </summary>
    public const string Acknowledge = Prelude + Begin + """
        local existing = redis.call('HGET', verdicts, a)
        if existing then return {'reviewed', existing} end
        local claim = redis.call('HGET', claims, a)
        if claim then
          local owner, at = split(claim)
          if owner ~= user and tonumber(at) > tonumber(ARGV[6]) then return {'taken', owner} end
        end
        local cur = redis.call('HGET', current, a)
        if cur then
          local curId = split(cur)
          redis.call('XACK', stream, group, curId)
          redis.call('HDEL', current, a)
        end
        seen(ARGV[8])
        redis.call('HSET', verdicts, a, ARGV[7])
        redis.call('HDEL', claims, a)
        log('reviewed')
        return {'ok', ARGV[7]}
        """ + End;

    /// <summary>Silences an alert already in the pool or claimed (ARGV[6] silence id). Returns ok | none.</summary>
    public const string Silence = Prelude + Begin + """
        local cur = redis.call('HGET', current, a)
        if not cur then return 'none' end
        local curId = split(cur)
        seen(curId)
        redis.call('XACK', stream, group, curId)
        redis.call('HDEL', current, a)
        redis.call('HDEL', claims, a)
        redis.call('HSET', silenced, a, ARGV[6])
        log('silenced')
        return 'ok'
        """ + End;

    /// <summary>
    /// Removes the review state of alerts none of whose entries is left in the stream: every alert whose
    /// <c>newest</c> score is below the millisecond of the stream's oldest entry (or, when retention has emptied
    /// the stream, at or below its last generated id) loses its fields in <c>current</c>, <c>claims</c>,
    /// <c>verdicts</c> and <c>silenced</c>, and a current entry still pending is acknowledged (that only happens
    /// when the stream was trimmed by something other than retention, which keeps pending entries). ARGV[6]:
    /// at most this many alerts per call. Returns the number removed. Does nothing when the stream does not exist.
    /// Atomic, so a Place of a new entry for one of these alerts comes wholly before (raising its score) or after
    /// (seeing no verdict: the alert is reviewed anew).
    /// </summary>
    public const string TrimGone = Prelude + """
        local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
        local bound
        if #first > 0 then
          bound = '(' .. string.match(first[1][1], '^(%d+)-')
        else
          if redis.call('EXISTS', stream) == 0 then return 0 end
          local info = redis.call('XINFO', 'STREAM', stream)
          for i = 1, #info, 2 do
            if info[i] == 'last-generated-id' then bound = string.match(info[i + 1], '^(%d+)-') end
          end
          if not bound then return 0 end
        end
        local gone = redis.call('ZRANGEBYSCORE', newest, '-inf', bound, 'LIMIT', 0, tonumber(ARGV[6]))
        for _, id in ipairs(gone) do
          local before = snap(id)
          local cur = redis.call('HGET', current, id)
          if cur then redis.call('XACK', stream, group, (split(cur))) end
          redis.call('HDEL', current, id)
          redis.call('HDEL', claims, id)
          redis.call('HDEL', verdicts, id)
          redis.call('HDEL', silenced, id)
          redis.call('ZREM', newest, id)
          redis.call('ZREM', cfirst, id)
          redis.call('HDEL', crule, id)
          settle(id, before)
        end
        return #gone
        """;

    /// <summary>
    /// Counts entries already in the stream when the coverage counters were introduced (one page per call). ARGV[6..]:
    /// triples <c>alertId, entryMs, rule</c>. Each alert counts at its earliest entry (so the order of pages and a
    /// concurrent Place do not matter), in its current review state; idempotent. Also indexes the entry in <c>newest</c>,
    /// so the counted alert is removed with its state once its entries are trimmed. Returns the number of triples.
    /// </summary>
    public const string CountEntries = Prelude + """
        local n = 0
        for i = 6, #ARGV - 2, 3 do
          local x, ms, rule = ARGV[i], ARGV[i + 1], ARGV[i + 2]
          local before = snap(x)
          redis.call('ZADD', newest, 'GT', ms, x)
          firstseen(x, ms, rule)
          settle(x, before)
          n = n + 1
        end
        return n
        """;

    /// <summary>
    /// One step of the one-time backfill of <c>newest</c> for fields written before it existed. KEYS
    /// <c>[hash, newest, stream]</c>, ARGV <c>[cursor, count]</c>: indexes one HSCAN page of the hash with the
    /// millisecond of the stream's last generated id (0 without a stream) — no entry present at that moment is
    /// newer, so such a field is removed only once everything up to now has left the stream. <c>GT</c>: an alert
    /// the current code already indexed keeps the larger score. Returns the next cursor ("0" when done).
    /// </summary>
    public const string BackfillNewest = """
        local hash, newest, stream = KEYS[1], KEYS[2], KEYS[3]
        local score = '0'
        if redis.call('EXISTS', stream) == 1 then
          local info = redis.call('XINFO', 'STREAM', stream)
          for i = 1, #info, 2 do
            if info[i] == 'last-generated-id' then score = string.match(info[i + 1], '^(%d+)-') end
          end
        end
        local page = redis.call('HSCAN', hash, ARGV[1], 'COUNT', tonumber(ARGV[2]))
        local fields = page[2]
        for i = 1, #fields, 2 do
          redis.call('ZADD', newest, 'GT', score, fields[i])
        end
        return page[1]
        """;

    /// <summary>
    /// The review state of each alert id in ARGV as one character — <c>r</c>eviewed, <c>s</c>ilenced, <c>c</c>laimed or
    /// <c>o</c>pen, with the precedence of <see cref="ReviewStore.StatesAsync"/> — for counting without moving verdict JSON.
    /// KEYS <c>[verdicts, silenced, claims]</c>. Read-only.
    /// </summary>
    public const string StateCodes = """
        local out = {}
        for i, a in ipairs(ARGV) do
          if redis.call('HEXISTS', KEYS[1], a) == 1 then out[i] = 'r'
          elseif redis.call('HEXISTS', KEYS[2], a) == 1 then out[i] = 's'
          elseif redis.call('HEXISTS', KEYS[3], a) == 1 then out[i] = 'c'
          else out[i] = 'o' end
        end
        return table.concat(out)
        """;
}
