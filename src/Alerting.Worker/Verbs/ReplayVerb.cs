using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Replay;

namespace Alerting.Worker.Verbs;

/// <summary><c>replay</c> (CONTRACTS.md §3): the same rules over a JSONL file, on pure event time.</summary>
internal static class ReplayVerb
{
    public static int Run(string[] args)
    {
        var a = new VerbArguments(args, "input", "config", "output", "until", "lanes");
        var input = a.Get("input") ?? throw new UsageException("replay needs --input chats.jsonl");
        if (a.Positional.Count > 0) throw new UsageException($"replay takes no positional arguments (got '{a.Positional[0]}'); replay reads only --config");
        if (!File.Exists(input)) { Console.Error.WriteLine($"error: input file not found: {input}"); return 2; }
        DateTimeOffset? until = null;
        if (a.Get("until") is { } u)
        {
            if (!ChatMessageParser.TryParseSentAt(u, out var parsed)) throw new UsageException($"--until expects an ISO-8601 time with offset, e.g. 2026-11-11T02:00:00+08:00; got '{u}'");
            until = parsed;
        }

        var lanes = 0;
        if (a.Get("lanes") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out lanes) || lanes is < 1 or > 256))
            throw new UsageException($"--lanes expects a whole number from 1 to 256 (parallel lanes; the output does not depend on it); got '{l}'");

        // Replay reads only --config: no environment or command-line overrides (CONTRACTS.md §3).
        var configPath = a.Get("config");
        RulesSnapshot snapshot;
        if (configPath is null)
        {
            snapshot = RulesSnapshot.BuiltInDefaults();
        }
        else
        {
            var (loaded, problems, _) = ConfigFiles.LoadRules(configPath);
            if (loaded is null)
            {
                Console.Error.WriteLine($"error: config refused ({problems.Count} problem(s)):");
                foreach (var p in problems) Console.Error.WriteLine($"  {p}");
                return 1;
            }
            snapshot = loaded;
        }
        Console.Error.WriteLine($"replay: config version {snapshot.Version} ({configPath ?? "built-in defaults"})");

        var output = a.Get("output");
        using var writer = output is null
            ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false }
            : new StreamWriter(output, false, new UTF8Encoding(false), 1 << 16);
        // The bytes as read, like a Kafka value: the parser sees no re-encoded text.
        using var reader = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var clock = Stopwatch.StartNew();
        var summary = ReplayRunner.Run(reader, snapshot,
            alert => writer.WriteLine(AlertJson.ToJson(alert)),
            (line, reason) => Console.Error.WriteLine($"{input}:{line}: skipped bad line: {reason}"),
            until, lanes: lanes);
        writer.Flush();
        clock.Stop();

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay: {summary.Messages} messages, {summary.BadLines} bad line(s), {summary.Alerts} alert event(s) in {clock.Elapsed.TotalSeconds:0.00}s; final clock {AlertJson.FormatTime(summary.FinalClock)}; late records {summary.LateRecords}"));
        foreach (var (rule, count) in summary.AlertsByRule) Console.Error.WriteLine($"  {rule,-22} {count}");
        return 0;
    }
}
