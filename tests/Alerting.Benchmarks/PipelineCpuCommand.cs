using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;

namespace Alerting.Benchmarks;

/// <summary>
/// <c>pipeline-cpu [ROUNDS]</c> and <c>pipeline-cpu compare ROUNDS DIR…</c>: the whole per-partition path of
/// <see cref="PipelineBenchmarks"/> (UTF-8 bytes → parse → <see cref="PartitionPipeline.Process"/>, every rule on, 50,000
/// generated records into a fresh pipeline per pass) and one clean agent reply of
/// <see cref="CleanMessageAllocationBenchmarks"/>, measured as this thread's CPU time per message (median and minimum
/// over rounds) and bytes allocated per message (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, exact). On the shared
/// 2-core machine BenchmarkDotNet's wall-clock means are mostly time spent waiting for a core; thread CPU time counts
/// only the time the measuring thread ran. <c>compare</c> loads the benchmarks build of each DIR in its own load
/// context and runs the builds round by round in rotating order, so every build sees the same load.
/// </summary>
public static class PipelineCpuCommand
{
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "compare") return Compare(args[1..]);
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
    /// The measured paths: name, messages per pass, one pass. Public and free of this assembly's types in its signature,
    /// so that <see cref="Compare"/> can call it on another build of the benchmarks loaded side by side.
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

    private static int Compare(string[] args)
    {
        if (args.Length < 2) { Console.Error.WriteLine("usage: pipeline-cpu compare ROUNDS DIR [DIR…]"); return 2; }
        var rounds = int.Parse(args[0], CultureInfo.InvariantCulture);
        var dirs = args[1..].Select(Path.GetFullPath).ToArray();
        var builds = dirs.Select(Load).ToArray();
        for (var d = 0; d < dirs.Length; d++) Console.WriteLine($"build {d}: {dirs[d]}");
        foreach (var name in builds[0].Select(p => p.Name))
        {
            var present = builds.Select(b => b.First(p => p.Name == name)).ToArray();
            var passes = present.Max(p => TextRulesCompare.WarmUp(p.Pass));
            var samples = present.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < rounds; r++)
                for (var k = 0; k < present.Length; k++)
                {
                    var b = (k + r) % present.Length; // rotate who goes first
                    samples[b].Add(TextRulesCompare.Round(present[b].Pass, passes) / ((double)present[b].Items * passes));
                }
            Console.WriteLine(name);
            for (var b = 0; b < present.Length; b++) Console.WriteLine($"  build {b}: {Line(samples[b], BytesPerItem(present[b].Pass, present[b].Items))}");
        }
        return 0;
    }

    private static List<(string Name, int Items, Action Pass)> Load(string dir)
    {
        var context = new BuildLoadContext(dir);
        var assembly = context.LoadFromAssemblyPath(Path.Combine(dir, "Alerting.Benchmarks.dll"));
        var prepare = assembly.GetType("Alerting.Benchmarks.PipelineCpuCommand", throwOnError: true)!
            .GetMethod(nameof(Prepare), BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{dir}: no PipelineCpuCommand.Prepare");
        return (List<(string, int, Action)>)prepare.Invoke(null, null)!;
    }

    private sealed class BuildLoadContext(string dir) : AssemblyLoadContext(name: null)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(dir, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
