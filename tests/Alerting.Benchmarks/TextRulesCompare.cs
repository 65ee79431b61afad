using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

namespace Alerting.Benchmarks;

/// <summary>
/// <c>text-rules-cpu compare ROUNDS DIR…</c>: loads the benchmarks build of each DIR (a <c>bin/Release/net10.0</c>
/// folder of this project, built from another commit) in its own <see cref="AssemblyLoadContext"/> and measures the
/// paths of <see cref="TextRulesCpuCommand.Prepare"/> of every build in one process, round by round, the builds in
/// rotating order. On a machine shared with other builds, every build then runs under the same load, on the same
/// core and thread; each round is this thread's CPU time for a fixed number of passes. Prints the median and the
/// minimum per build and path.
/// </summary>
public static class TextRulesCompare
{
    public static int Run(string[] args)
    {
        if (args.Length < 2) { Console.Error.WriteLine("usage: text-rules-cpu compare ROUNDS DIR [DIR…]"); return 2; }
        var rounds = int.Parse(args[0], CultureInfo.InvariantCulture);
        var dirs = args[1..].Select(Path.GetFullPath).ToArray();
        var builds = dirs.Select(Load).ToArray();
        var names = builds[0].Select(p => p.Name).ToList();
        foreach (var b in builds.Skip(1)) foreach (var p in b) if (!names.Contains(p.Name)) names.Add(p.Name);
        // TEXT_RULES_ONLY=promotion measures only the paths whose name contains it (more rounds in the same time).
        if (Environment.GetEnvironmentVariable("TEXT_RULES_ONLY") is { Length: > 0 } only)
            names = names.Where(n => n.Contains(only, StringComparison.Ordinal)).ToList();
        for (var d = 0; d < dirs.Length; d++) Console.WriteLine($"build {d}: {dirs[d]}");
        foreach (var name in names)
        {
            var present = builds.Select(b => b.FirstOrDefault(p => p.Name == name)).ToArray();
            var passes = 0;
            foreach (var p in present) if (p.Pass is not null) passes = Math.Max(passes, WarmUp(p.Pass));
            var samples = present.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < rounds; r++)
                for (var k = 0; k < present.Length; k++)
                {
                    var b = (k + r) % present.Length; // rotate who goes first
                    if (present[b].Pass is not { } pass) continue;
                    samples[b].Add(Round(pass, passes) / ((double)present[b].Items * passes));
                }
            var line = $"{name,-48}";
            for (var b = 0; b < present.Length; b++)
            {
                if (samples[b].Count == 0) { line += $" | build {b}: –"; continue; }
                samples[b].Sort();
                line += string.Create(CultureInfo.InvariantCulture, $" | build {b}: median {samples[b][samples[b].Count / 2],8:F1} min {samples[b][0],8:F1}");
            }
            Console.WriteLine(line + " ns thread-CPU/message");
        }
        return 0;
    }

    private static List<(string Name, int Items, Action Pass)> Load(string dir)
    {
        var context = new DirectoryLoadContext(dir);
        var assembly = context.LoadFromAssemblyPath(Path.Combine(dir, "Alerting.Benchmarks.dll"));
        var prepare = assembly.GetType("Alerting.Benchmarks.TextRulesCpuCommand", throwOnError: true)!
            .GetMethod(nameof(TextRulesCpuCommand.Prepare), BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{dir}: no TextRulesCpuCommand.Prepare");
        return (List<(string, int, Action)>)prepare.Invoke(null, null)!;
    }

    /// <summary>Runs <paramref name="pass"/> for about a second (tiered compilation reaches its final code) and returns passes per ~100 ms round.</summary>
    public static int WarmUp(Action pass)
    {
        var clock = Stopwatch.StartNew();
        do pass(); while (clock.Elapsed.TotalMilliseconds < 1000);
        var before = ThreadCpu.Nanoseconds();
        pass();
        var one = Math.Max(ThreadCpu.Nanoseconds() - before, 1000);
        return (int)Math.Clamp(100_000_000 / one, 2, 10_000);
    }

    /// <summary>This thread's CPU time, in nanoseconds, for <paramref name="passes"/> passes.</summary>
    public static double Round(Action pass, int passes)
    {
        var before = ThreadCpu.Nanoseconds();
        for (var k = 0; k < passes; k++) pass();
        return ThreadCpu.Nanoseconds() - before;
    }

    private sealed class DirectoryLoadContext(string dir) : AssemblyLoadContext(name: null)
    {
        // Only the project's own assemblies are isolated; libraries (Microsoft.Extensions.*, BenchmarkDotNet …) come
        // from the default context, so a build whose host references the ASP.NET Core shared framework does not
        // mix a package copy of Configuration.Abstractions with the framework's Configuration.Json.
        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is null || !name.Name.StartsWith("Alerting.", StringComparison.Ordinal)) return null;
            var path = Path.Combine(dir, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
