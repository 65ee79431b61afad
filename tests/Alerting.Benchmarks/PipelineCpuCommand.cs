using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;

namespace Alerting.Benchmarks;

/// <summary>
/// <c>pipeline-cpu [ROUNDS]</c>: the whole per-partition path of
/// <see cref="PipelineBenchmarks"/> (UTF-8 bytes → parse → <see cref="PartitionPipeline.Process"/>, every rule on, 50,000
/// generated records into a fresh pipeline per pass) and one clean agent reply of
/// <see cref="CleanMessageAllocationBenchmarks"/>, measured as this thread's CPU time per message (median and minimum
/// over rounds) and bytes allocated per message (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, exact). On the shared
/// 2-core machine BenchmarkDotNet's wall-clock means are mostly time spent waiting for a core; thread CPU time counts
/// only the time the measuring thread ran. To compare two commits, build this project at each and run the two
/// builds alternately in one script (RESULTS.md, "Pipeline in parts: one-core figure").
/// </summary>
public static class PipelineCpuCommand
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 11;
        foreach (var (name, items, pass) in Prepare())
        {
            var passes = TextRulesCompare.WarmUp(pass);
            var samples = new List<double>();
            for (var r = 0; r < rounds; r++) samples.Add(TextRulesCompare.Round(pass, passes) / ((double)items * passes));
            Console.WriteLine($"{name,-44} {Line(samples, BytesPerItem(pass, items))}");
        }
        return 0;
    }

    /// <summary>
    /// The measured paths: name, messages per pass, one pass (a fresh pipeline per pass where the path builds state).
    /// </summary>
    public static List<(string Name, int Items, Action Pass)> Prepare()
    {
        var mixed = PipelineBenchmarks.PipelineCorpus.Build(clean: false);
        var clean = PipelineBenchmarks.PipelineCorpus.Build(clean: true);
        var alerts = new List<Alert>(16);
        var one = new CleanMessageAllocationBenchmarks();
        one.Setup();
        const int Repeat = 1000;
        return
        [
            ("parse + process, default mix", mixed.Utf8.Length, () => ParseAndProcess(mixed, alerts)),
            ("parse + process, clean traffic", clean.Utf8.Length, () => ParseAndProcess(clean, alerts)),
            ("parse only, default mix", mixed.Utf8.Length, () =>
            {
                foreach (var bytes in mixed.Utf8) ChatMessageParser.Parse(bytes);
            }),
            ("process only, default mix", mixed.Parsed.Length, () =>
            {
                var pipeline = new PartitionPipeline(mixed.Rules, TimeProvider.System);
                foreach (var message in mixed.Parsed) { pipeline.Process(message, alerts); alerts.Clear(); }
            }),
            ("one clean agent reply, process", Repeat, () =>
            {
                for (var i = 0; i < Repeat; i++) one.Process_AllRules();
            }),
            ("one clean agent reply, repeated_reply", Repeat, () =>
            {
                for (var i = 0; i < Repeat; i++) one.Rule_Evaluate("repeated_reply");
            }),
        ];
    }

    private static void ParseAndProcess(PipelineBenchmarks.PipelineCorpus corpus, List<Alert> alerts)
    {
        var pipeline = new PartitionPipeline(corpus.Rules, TimeProvider.System);
        foreach (var bytes in corpus.Utf8)
        {
            var parsed = ChatMessageParser.Parse(bytes);
            if (!parsed.IsValid) continue;
            pipeline.Process(parsed.Message!, alerts);
            alerts.Clear();
        }
    }

    private static double BytesPerItem(Action pass, int items)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        pass();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)items;
    }

    private static string Line(List<double> samples, double bytes)
    {
        samples.Sort();
        var median = samples[samples.Count / 2];
        return string.Create(CultureInfo.InvariantCulture,
            $"median {median,7:F0} ns ({1e9 / median,9:N0} msg/s)  min {samples[0],7:F0} ns ({1e9 / samples[0],9:N0} msg/s)  {bytes,6:F0} B/msg");
    }
}
