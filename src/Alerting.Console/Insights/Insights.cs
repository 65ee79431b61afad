using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Alerting.InspectorConsole.Review;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Insights;

/// <summary>A time window [From, To) and the zone it was chosen in.</summary>
public sealed record Window(DateTimeOffset From, DateTimeOffset To, string TimeZone);

/// <summary>Coverage figures of one rule (or of the whole store when <see cref="Rule"/> is <c>*</c>).</summary>
public sealed record CoverageLine(string Rule, int Raised, int Reviewed, int Silenced, int Claimed, int Open)
{
    /// <summary>Reviewed / (raised − silenced): silenced alerts are kept out of the pool on a lead's decision. 1 when nothing is due.</summary>
    public double Coverage => Raised - Silenced <= 0 ? 1 : Math.Round((double)Reviewed / (Raised - Silenced), 4);
}

/// <summary>The coverage meter of one store.</summary>
public sealed record Coverage(string Store, Window Window, CoverageLine Total, IReadOnlyList<CoverageLine> Rules, OldestUnreviewed? Oldest);

/// <summary>The oldest alert of the window nobody has reviewed yet.</summary>
public sealed record OldestUnreviewed(string AlertId, string Rule, DateTimeOffset RaisedAt, double AgeSeconds);

/// <summary>False-alarm figures of one group of verdicts (a rule, a term, a promotion or an agent).</summary>
public sealed record CalibrationLine(string Key, int Reviewed, int Confirmed, int FalseAlarms, IReadOnlyList<string> FalseAlarmIds, IReadOnlyList<string> ConfirmedIds)
{
    public double FalseAlarmRate => Reviewed == 0 ? 0 : Math.Round((double)FalseAlarms / Reviewed, 4);
}

/// <summary>Calibration (质检校准) of one store from its verdicts.</summary>
public sealed record Calibration(string Store, Window Window, IReadOnlyList<CalibrationLine> Rules, IReadOnlyList<CalibrationLine> Terms,
    IReadOnlyList<CalibrationLine> Promotions, IReadOnlyList<CalibrationLine> Agents);

/// <summary>Alerts per hour from the worker's dashboard counters.</summary>
public sealed record OverviewBucket(DateTimeOffset Hour, Dictionary<string, long> Counts);

/// <summary>Overview of one store: counter fields summed over the window and per hour.</summary>
public sealed record Overview(string Store, Window Window, Dictionary<string, long> Totals, IReadOnlyList<OverviewBucket> Hours);

/// <summary>
/// Read-only figures computed from Redis: coverage (from the coverage counters the review scripts keep),
/// calibration and CSV export (from the verdicts), the overview (from the worker's per-minute counters).
/// </summary>
public sealed class InsightService
{
    private readonly IDatabase _db;
    private readonly ConsoleKeys _keys;
    private readonly ReviewStore _reviews;
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CoverageGate> _coverageGates = new(StringComparer.Ordinal);

    public InsightService(IConnectionMultiplexer redis, ConsoleKeys keys, ReviewStore reviews, ConsoleOptions options, TimeProvider time)
    {
        _db = redis.GetDatabase();
        _keys = keys;
        _reviews = reviews;
        _options = options;
        _time = time;
    }

    /// <summary>The window asked for, or today (local midnight to the next) in the store's time zone.</summary>
    public Window WindowFor(string store, DateTimeOffset? from, DateTimeOffset? to)
    {
        var zone = _options.ZoneOf(store);
        var now = TimeZoneInfo.ConvertTime(_time.GetUtcNow(), zone);
        var midnight = new DateTimeOffset(now.Date, zone.GetUtcOffset(now.Date));
        return new Window(from ?? midnight, to ?? midnight.AddDays(1), zone.Id);
    }

    /// <summary>
    /// Reviewed / raised for the alerts first raised in the window — whose earliest stream entry was appended in it —
    /// counted by distinct alertId (an alert with several revisions, or a resolution, counts once, in the window of its
    /// first entry, under that entry's rule), per rule and in total, and the oldest of them still unreviewed.
    /// Served from the coverage counters (<see cref="CoverageFromCountersAsync"/>) once the store's counters are
    /// complete; until then (the first moments after an upgrade) by reading the stream (<see cref="CoverageFromStreamAsync"/>),
    /// which gives the same figures.
    /// </summary>
    /// <remarks>
    /// Every open page asks again after each alert or review event, so requests are coalesced per store: computations of
    /// one store run one at a time in this process, and a request that waited reuses the last result for the same window
    /// if that computation started after the request arrived (so it never sees state older than the request); otherwise
    /// it computes afresh.
    /// </remarks>
    public async Task<Coverage> CoverageAsync(string store, Window window)
    {
        // The live meter (today) and asked-for windows queue separately: a long window asked by one lead never
        // holds up the meter every open page refreshes.
        var live = window == WindowFor(store, null, null);
        var gate = _coverageGates.GetOrAdd(live ? store : store + "\0window", _ => new CoverageGate());
        var ticket = Interlocked.Increment(ref gate.Requests);
        await gate.Lock.WaitAsync();
        try
        {
            if (gate.Last is { } last && last.Window == window && last.StartedAfter >= ticket) return last.Result;
            // Every request numbered up to here arrived before this computation starts reading.
            var startedAfter = Interlocked.Read(ref gate.Requests);
            var result = await _reviews.CoverageCountersReadyAsync(store)
                ? await CoverageFromCountersAsync(store, window)
                : await CoverageFromStreamAsync(store, window);
            gate.Last = new CoverageRun(window, startedAfter, result);
            return result;
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private sealed class CoverageGate
    {
        public readonly SemaphoreSlim Lock = new(1, 1);
        public long Requests;
        public CoverageRun? Last;
    }

    private sealed record CoverageRun(Window Window, long StartedAfter, Coverage Result);

    private const long HourMs = 3_600_000;
    private static readonly string[] StateCodes = ["r", "s", "c", "o"];

    /// <summary>
    /// Coverage from the counters the review scripts keep (<see cref="ConsoleKeys.CoverageCounts"/>): the whole UTC hours
    /// of the window are summed from the counters (one HMGET of hours × 4 states × rules fields, whatever the number of
    /// alerts), the partial hours at its edges come from the alerts' coverage times (<see cref="ConsoleKeys.CoverageFirst"/>,
    /// at most two hours of alert ids), and the oldest unreviewed alert is the lowest score of
    /// <see cref="ConsoleKeys.CoverageUnreviewed"/> in the window. New stream entries are swept into the pool first, so an
    /// alert written a moment ago counts as it did when coverage read the stream.
    /// </summary>
    public async Task<Coverage> CoverageFromCountersAsync(string store, Window window)
    {
        await _reviews.SweepAsync(store);
        var fromMs = window.From.ToUnixTimeMilliseconds();
        var toMs = window.To.ToUnixTimeMilliseconds();
        var firstHour = (fromMs + HourMs - 1) / HourMs; // first whole hour inside the window
        var endHour = toMs / HourMs;                    // whole hours end here
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal);
        int[] Of(string rule) => counts.TryGetValue(rule, out var c) ? c : counts[rule] = new int[4];

        var edges = new List<(long From, long To)>();
        if (firstHour < endHour)
        {
            var rules = (await _db.SetMembersAsync(_keys.CoverageRules(store))).Select(r => r.ToString()).ToList();
            var fields = new List<(string Rule, int State, RedisValue Field)>();
            for (var h = firstHour; h < endHour; h++)
            {
                var hour = h.ToString(CultureInfo.InvariantCulture);
                foreach (var rule in rules)
                {
                    for (var st = 0; st < 4; st++) fields.Add((rule, st, hour + "|" + StateCodes[st] + "|" + rule));
                }
            }
            foreach (var chunk in fields.Chunk(5000))
            {
                var values = await _db.HashGetAsync(_keys.CoverageCounts(store), chunk.Select(f => f.Field).ToArray());
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (values[i].TryParse(out long n) && n > 0) Of(chunk[i].Rule)[chunk[i].State] += (int)n;
                }
            }
            edges.Add((fromMs, firstHour * HourMs));
            edges.Add((endHour * HourMs, toMs));
        }
        else
        {
            edges.Add((fromMs, toMs));
        }
        foreach (var (from, to) in edges.Where(e => e.From < e.To))
        {
            var ids = (await _db.SortedSetRangeByScoreAsync(_keys.CoverageFirst(store), from, to, Exclude.Stop)).Select(v => v.ToString()).ToList();
            if (ids.Count == 0) continue;
            var states = await _reviews.StateNamesAsync(store, ids);
            var ruleOf = await _db.HashGetAsync(_keys.CoverageRule(store), ids.Select(i => (RedisValue)i).ToArray());
            for (var i = 0; i < ids.Count; i++)
            {
                var st = states[ids[i]] switch { "reviewed" => 0, "silenced" => 1, "claimed" => 2, _ => 3 };
                Of(ruleOf[i].IsNull ? "" : ruleOf[i].ToString())[st]++;
            }
        }

        static CoverageLine Line(string rule, int[] c) => new(rule, c.Sum(), c[0], c[1], c[2], c[3]);
        var lines = counts.Where(c => c.Value.Sum() > 0).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => Line(c.Key, c.Value)).ToList();
        var total = new int[4];
        foreach (var c in counts.Values) for (var i = 0; i < 4; i++) total[i] += c[i];

        OldestUnreviewed? oldest = null;
        var first = await _db.SortedSetRangeByScoreWithScoresAsync(_keys.CoverageUnreviewed(store), fromMs, toMs, Exclude.Stop, take: 1);
        if (first.Length == 1)
        {
            var id = first[0].Element.ToString();
            var at = DateTimeOffset.FromUnixTimeMilliseconds((long)first[0].Score);
            var rule = (string?)await _db.HashGetAsync(_keys.CoverageRule(store), id) ?? "";
            oldest = new OldestUnreviewed(id, rule, at, Math.Max(0, (_time.GetUtcNow() - at).TotalSeconds));
        }
        return new Coverage(store, window, Line("*", total), lines, oldest);
    }

    /// <summary>
    /// Coverage by reading the stream (every entry up to the window's end, pages of 1000) and the review hashes: the
    /// same definition as <see cref="CoverageFromCountersAsync"/>, computed from the data itself. Used until a store's
    /// counters are complete, and by the tests as the reference the counters must agree with.
    /// </summary>
    public async Task<Coverage> CoverageFromStreamAsync(string store, Window window)
    {
        var alerts = new Dictionary<string, (string Rule, DateTimeOffset First)>(StringComparer.Ordinal);
        RedisValue from = "-";
        var to = (window.To.ToUnixTimeMilliseconds() - 1).ToString(CultureInfo.InvariantCulture) + "-" + ulong.MaxValue.ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            var page = await _db.StreamRangeAsync(_keys.Stream(store), from, to, 1000);
            foreach (var raw in page)
            {
                if (AlertEntry.From(store, raw) is { } e && !alerts.ContainsKey(e.AlertId)) alerts[e.AlertId] = (e.Rule, e.AppendedAt);
            }
            if (page.Length < 1000) break;
            from = "(" + page[^1].Id;
        }
        // An alert counts in the window of its first entry only.
        foreach (var early in alerts.Where(a => a.Value.First < window.From).Select(a => a.Key).ToList()) alerts.Remove(early);
        var states = await _reviews.StateNamesAsync(store, alerts.Keys);

        CoverageLine Line(string rule, IEnumerable<string> ids)
        {
            var list = ids.Select(id => states[id]).ToList();
            return new CoverageLine(rule, list.Count, list.Count(s => s == "reviewed"), list.Count(s => s == "silenced"),
                list.Count(s => s == "claimed"), list.Count(s => s == "open"));
        }
        var rules = alerts.GroupBy(a => a.Value.Rule).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Line(g.Key, g.Select(a => a.Key))).ToList();
        var oldest = alerts.Where(a => states[a.Key] is "open" or "claimed").OrderBy(a => a.Value.First).ThenBy(a => a.Key, StringComparer.Ordinal).Select(a =>
            new OldestUnreviewed(a.Key, a.Value.Rule, a.Value.First, Math.Max(0, (_time.GetUtcNow() - a.Value.First).TotalSeconds))).FirstOrDefault();
        return new Coverage(store, window, Line("*", alerts.Keys), rules, oldest);
    }

    /// <summary>Verdicts given in the window, newest first.</summary>
    public async Task<List<Verdict>> VerdictsAsync(string store, Window window)
        => (await _reviews.VerdictsAsync(store)).Where(v => v.At >= window.From && v.At < window.To).OrderByDescending(v => v.At).ToList();

    /// <summary>False-alarm rate per rule, matched term, promotion and agent, with the alerts behind each figure.</summary>
    public async Task<Calibration> CalibrationAsync(string store, Window window)
    {
        var verdicts = await VerdictsAsync(store, window);
        static List<CalibrationLine> By(IEnumerable<(string Key, Verdict V)> pairs) => pairs
            .GroupBy(p => p.Key)
            .Select(g => new CalibrationLine(g.Key, g.Count(),
                g.Count(p => p.V.Outcome == Verdict.Confirmed), g.Count(p => p.V.Outcome == Verdict.FalseAlarm),
                g.Where(p => p.V.Outcome == Verdict.FalseAlarm).Select(p => p.V.AlertId).ToList(),
                g.Where(p => p.V.Outcome == Verdict.Confirmed).Select(p => p.V.AlertId).ToList()))
            .OrderByDescending(l => l.FalseAlarmRate).ThenBy(l => l.Key, StringComparer.Ordinal).ToList();
        return new Calibration(store, window,
            By(verdicts.Select(v => (v.Rule, v))),
            By(verdicts.SelectMany(v => v.Terms.Select(t => (t, v)))),
            By(verdicts.SelectMany(v => v.Promotions.Select(p => (p, v)))),
            By(verdicts.Where(v => v.AgentId is not null).Select(v => (v.AgentId!, v))));
    }

    /// <summary>Verdicts as CSV (UTF-8 with BOM so spreadsheet programs read Chinese correctly).</summary>
    public static string ToCsv(IEnumerable<Verdict> verdicts)
    {
        var sb = new StringBuilder("\uFEFF");
        sb.AppendJoin(',', Header.Select(Cell)).Append("\r\n");
        foreach (var v in verdicts)
        {
            string[] cells =
            [
                v.AlertId, v.Store, v.Rule, v.Severity, v.AgentId ?? "", v.ConversationId, v.EventTime, v.Outcome, v.Note, v.By,
                v.At.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture), string.Join('|', v.Terms), string.Join('|', v.Promotions), v.Summary,
            ];
            sb.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        }
        return sb.ToString();
    }

    private static readonly string[] Header =
        ["alertId", "store", "rule", "severity", "agentId", "conversationId", "eventTime", "verdict", "note", "by", "at", "terms", "promotions", "summary"];

    /// <summary>
    /// One CSV cell, always quoted. A cell beginning with = + - @, a tab or a carriage return would be read
    /// as a formula by spreadsheet programs (CSV injection; a tab or CR before = is skipped by some of them),
    /// so it gets a leading apostrophe: the text shows as written and never runs.
    /// </summary>
    internal static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>The worker's dashboard counters (<c>alerts:count:{shop}:yyyyMMddHHmm</c>) summed per hour and over the window (at most 7 days).</summary>
    public async Task<Overview> OverviewAsync(string store, Window window)
    {
        var from = window.From.ToUniversalTime();
        from = new DateTimeOffset(from.Year, from.Month, from.Day, from.Hour, from.Minute, 0, TimeSpan.Zero);
        var to = window.To < window.From.AddDays(7) ? window.To : window.From.AddDays(7);
        var batch = _db.CreateBatch();
        var reads = new List<(DateTimeOffset Minute, Task<HashEntry[]> Read)>();
        for (var m = from; m < to; m = m.AddMinutes(1)) reads.Add((m, batch.HashGetAllAsync(_keys.Counter(store, m))));
        batch.Execute();
        await Task.WhenAll(reads.Select(r => r.Read));
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        var hours = new SortedDictionary<DateTimeOffset, Dictionary<string, long>>();
        foreach (var (minute, read) in reads)
        {
            if (read.Result.Length == 0) continue;
            var hour = minute.AddMinutes(-minute.Minute);
            if (!hours.TryGetValue(hour, out var bucket)) hours[hour] = bucket = new(StringComparer.Ordinal);
            foreach (var f in read.Result)
            {
                var n = (long)f.Value;
                totals[f.Name!] = totals.GetValueOrDefault(f.Name!) + n;
                bucket[f.Name!] = bucket.GetValueOrDefault(f.Name!) + n;
            }
        }
        return new Overview(store, window, totals, hours.Select(h => new OverviewBucket(h.Key, h.Value)).ToList());
    }
}
