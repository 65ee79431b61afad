using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Simulation;
using Alerting.Worker.Verbs;
using StackExchange.Redis;

namespace Alerting.DevTools.Verbs;

/// <summary><c>evaluate</c>: precision and recall per rule of raised alerts (JSONL or the Redis streams) against a ground truth.</summary>
internal static class EvaluateVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = new VerbArguments(args, "ground-truth", "alerts", "redis", "until", "min-precision", "min-recall", "list");
        var truthPath = a.Get("ground-truth") ?? throw new UsageException("evaluate needs --ground-truth expected.jsonl (written by loadgen)");
        if (a.Get("alerts") is null == (a.Get("redis") is null)) throw new UsageException("evaluate needs exactly one of --alerts alerts.jsonl or --redis CONNECTION");
        DateTimeOffset? until = null;
        if (a.Get("until") is { } u)
        {
            if (!ChatMessageParser.TryParseSentAt(u, out var t)) throw new UsageException($"--until expects an ISO-8601 time with offset, got '{u}'");
            until = t;
        }

        List<ExpectedAlert> expected;
        try { expected = GroundTruthFile.Read(truthPath); }
        catch (Exception ex) when (ex is IOException or FormatException) { Console.Error.WriteLine($"error: {ex.Message}"); return 2; }

        List<Alert> alerts;
        if (a.Get("alerts") is { } file)
        {
            alerts = [];
            var lineNo = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNo++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                try { alerts.Add(AlertJson.Parse(line)); }
                catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
                {
                    Console.Error.WriteLine($"{file}:{lineNo}: not an alert: {ex.Message}");
                    return 2;
                }
            }
        }
        else
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(a.Get("redis")!);
            alerts = await ReadStreamsAsync(redis);
        }

        var scores = Evaluation.Compare(expected, alerts, until);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{expected.Count} expected alerts, {alerts.Count} alert events read"));
        foreach (var (rule, count) in Evaluation.Unscored(alerts))
            Console.WriteLine($"not in the ground truth (not scored): {rule} {count} alert(s)");
        Console.WriteLine(Evaluation.Format(scores, (int)a.GetDouble("list", 20)));
        return Verdict(scores, a.GetDouble("min-precision", 0.99), a.GetDouble("min-recall", 0.99));
    }

    /// <summary>Every alert event in every store stream (<c>alerts:stream:*</c>, all primaries).</summary>
    public static async Task<List<Alert>> ReadStreamsAsync(IConnectionMultiplexer redis)
        => (await ReadStreamEntriesAsync(redis)).Select(e => e.Alert).ToList();

    /// <summary>Every alert event with the time Redis appended it (the entry id's milliseconds).</summary>
    public static async Task<List<(Alert Alert, long EntryUnixMs)>> ReadStreamEntriesAsync(IConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase();
        var alerts = new List<(Alert, long)>();
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
            await foreach (var key in server.KeysAsync(pattern: "alerts:stream:*", pageSize: 500))
            {
                var last = "-";
                while (true)
                {
                    var entries = await db.StreamRangeAsync(key, last, "+", count: 1000);
                    var fresh = last == "-" ? entries : entries.Skip(1).ToArray();
                    if (fresh.Length == 0) break;
                    alerts.AddRange(fresh.Select(e => (AlertJson.Parse(e["alert"]!), long.Parse(((string)e.Id!).Split('-')[0], CultureInfo.InvariantCulture))));
                    last = entries[^1].Id!;
                }
            }
        return alerts;
    }

    /// <summary>0 when every rule meets the minimums, else 1 (and says which rule failed).</summary>
    public static int Verdict(IReadOnlyList<RuleScore> scores, double minPrecision, double minRecall)
    {
        var failed = scores.Where(s => s.Precision < minPrecision || s.Recall < minRecall).ToList();
        foreach (var s in failed)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FAIL {s.Rule}: precision {s.Precision:0.0000} (min {minPrecision}), recall {s.Recall:0.0000} (min {minRecall})"));
        if (failed.Count == 0) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PASS: every rule at precision >= {minPrecision} and recall >= {minRecall}"));
        return failed.Count == 0 ? 0 : 1;
    }
}
