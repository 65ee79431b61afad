using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Alerting.Core.Replay;
using Alerting.Simulation;

namespace Alerting.Benchmarks;

/// <summary>
/// Whole process: writes a JSONL file of generated traffic (default <c>--messages</c>
/// 300,000, default fault mix), then times <c>ReplayRunner.Run</c> over the file's bytes (<c>--lanes</c>, default one per
/// processor; read lines,
/// parse, every rule, alerts counted) against a plain loop that only reads every line and parses it
/// with <see cref="JsonDocument"/>. Best of <c>--repeat</c> (default 3) runs each, after one warm-up.
/// </summary>
public static class ReplayComparisonCommand
{
    public static int Run(string[] args)
    {
        var messages = 300_000;
        var repeat = 3;
        var lanes = 0;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--messages" && i + 1 < args.Length) messages = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--repeat" && i + 1 < args.Length) repeat = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--lanes" && i + 1 < args.Length) lanes = int.Parse(args[++i], CultureInfo.InvariantCulture);
        }

        var path = Path.Combine(Path.GetTempPath(), $"alerting-bench-{Environment.ProcessId}.jsonl");
        try
        {
            var generator = new ChatTrafficGenerator(new SimulationOptions { Seed = Traffic.Seed, Conversations = null, MessageCount = messages });
            var written = ChatLogFile.Write(path, generator.Generate());
            var snapshot = Traffic.Snapshot(Traffic.RulesJson(generator.Promotions));
            var size = new FileInfo(path).Length;

            long alerts = 0;
            var cpu = new List<(TimeSpan Wall, TimeSpan Cpu)>();
            TimeSpan Replay()
            {
                alerts = 0;
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                var summary = ReplayRunner.Run(reader, snapshot, _ => alerts++, (line, error) => throw new InvalidOperationException($"{path}:{line}: {error}"), lanes: lanes);
                clock.Stop();
                // Every thread of the process (the lanes included): CPU spent, whatever share of the cores other processes took.
                cpu.Add((clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpuBefore));
                if (summary.Messages != written) throw new InvalidOperationException($"replayed {summary.Messages} of {written}");
                return clock.Elapsed;
            }

            TimeSpan JsonDocumentLoop()
            {
                var clock = Stopwatch.StartNew();
                using var reader = new StreamReader(path);
                long objects = 0;
                string? line;
                while ((line = reader.ReadLine()) is not null)
                {
                    using var document = JsonDocument.Parse(line);
                    if (document.RootElement.ValueKind == JsonValueKind.Object) objects++;
                }
                clock.Stop();
                if (objects != written) throw new InvalidOperationException($"parsed {objects} of {written}");
                return clock.Elapsed;
            }

            Replay();
            JsonDocumentLoop();
            var replay = Enumerable.Range(0, repeat).Select(_ => Replay()).Min();
            var replayCpu = cpu.Skip(1).First(c => c.Wall == replay).Cpu;
            var baseline = Enumerable.Range(0, repeat).Select(_ => JsonDocumentLoop()).Min();

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                replay-vs-jsondocument: {written:N0} messages, {size / 1e6:F1} MB JSONL ({size / (double)written:F0} B/line), best of {repeat}, {(lanes == 0 ? Environment.ProcessorCount : lanes)} lane(s) on {Environment.ProcessorCount} processor(s)
                  ReplayRunner.Run (parse + all rules + alerts)  {replay.TotalSeconds,7:F3} s  {written / replay.TotalSeconds,12:N0} msg/s  ({alerts:N0} alerts; {replayCpu.TotalSeconds:F3} s CPU, all threads)
                  ReadLine + JsonDocument.Parse only             {baseline.TotalSeconds,7:F3} s  {written / baseline.TotalSeconds,12:N0} msg/s
                  ratio replay / JsonDocument loop               {replay.TotalSeconds / baseline.TotalSeconds,7:F2}x
                """));
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
