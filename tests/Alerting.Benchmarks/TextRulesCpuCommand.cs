using System.Diagnostics;
using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Core.Rules;
using Alerting.Core.Text;

namespace Alerting.Benchmarks;

/// <summary>
/// CPU time (not wall time) per message of the rude matcher/rule and of the promotion rule on the benchmark
/// corpora: the median and the minimum over rounds of the measuring thread's own CPU time. On a shared 2-core
/// machine whose load is far above 2, BenchmarkDotNet's wall-clock means are dominated by time spent waiting
/// for a core; thread CPU time counts only the time this thread actually ran (JIT and GC threads excluded).
/// Run the same command on two commits, alternately, to compare them.
/// </summary>
public static class TextRulesCpuCommand
{
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "compare") return TextRulesCompare.Run(args[1..]);
        if (args.Length > 0 && args[0] == "lines") return RudeLineCostCommand.Run(args[1..]);
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        foreach (var (name, items, pass) in Prepare())
            Report(name, items, rounds, pass);
        return 0;
    }

    /// <summary>
    /// The measured paths: name, messages per pass, one pass over the messages. Public and free of this assembly's
    /// types in its signature so that <see cref="TextRulesCompare"/> can call it on another build of the benchmarks
    /// loaded side by side.
    /// </summary>
    public static List<(string Name, int Items, Action Pass)> Prepare()
    {
        var rude = RudeLanguageBenchmarks.RudeCorpus.Build();
        var promo = PromotionBenchmarks.PromoCorpus.Build();
        var context = new RuleContext();
        var alerts = new List<Alert>();
        var paths = new List<(string, int, Action)>();
        var clean = rude.Clean.Select(m => m.Text).ToArray();
        var mixed = rude.All.Select(m => m.Text).ToArray();
        paths.Add(("rude matcher, clean replies", clean.Length, () =>
        {
            foreach (var t in clean) { List<PhraseMatch>? found = null; rude.Matcher.FindAll(t, ref found); }
        }));
        paths.Add(("rude matcher, mixed replies", mixed.Length, () =>
        {
            foreach (var t in mixed) { List<PhraseMatch>? found = null; rude.Matcher.FindAll(t, ref found); }
        }));
        paths.Add(("rude rule, clean replies", rude.Clean.Length, () =>
        {
            foreach (var m in rude.Clean) { rude.Rule.Evaluate(m, context, alerts); alerts.Clear(); }
        }));
        paths.Add(("rude rule, mixed replies", rude.All.Length, () =>
        {
            foreach (var m in rude.All) { rude.Rule.Evaluate(m, context, alerts); alerts.Clear(); }
        }));
        foreach (var (name, items) in PromoSets(promo))
            paths.Add((name, items.Length, () =>
            {
                var set = Traffic.ConversationSetter;
                foreach (var i in items) { set(context, i.State); i.Rule.Evaluate(i.Message, context, alerts); alerts.Clear(); }
            }));
        return paths;
    }

    private static IEnumerable<(string, PromotionBenchmarks.Item[])> PromoSets(PromotionBenchmarks.PromoCorpus c)
    {
        yield return ("promotion, no promotion named", c.NoMention);
        yield return ("promotion, buyer and agent mix", c.Mix);
        yield return ("promotion, promotion named", c.Mention);
        // POLICY-LINE
        yield return ("promotion, no promotion named, store policy", c.NoMentionWithPolicy);
    }

    private static void Report(string name, int items, int rounds, Action pass)
    {
        var passes = TextRulesCompare.WarmUp(pass);
        var perItem = new double[rounds];
        for (var r = 0; r < rounds; r++) perItem[r] = TextRulesCompare.Round(pass, passes) / ((double)items * passes);
        Array.Sort(perItem);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-48} median {perItem[rounds / 2],9:F1}  min {perItem[0],9:F1} ns thread-CPU/message  ({items} messages, {rounds} rounds)"));
    }
}

/// <summary>CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, nanoseconds).</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanos;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static long Nanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return t.Seconds * 1_000_000_000 + t.Nanos;
    }
}
