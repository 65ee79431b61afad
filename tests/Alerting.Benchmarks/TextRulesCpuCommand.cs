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
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        var rude = RudeLanguageBenchmarks.RudeCorpus.Build();
        var promo = PromotionBenchmarks.PromoCorpus.Build();
        var context = new RuleContext();
        var alerts = new List<Alert>();

        Report("rude matcher, clean replies", rude.Clean.Select(m => m.Text).ToArray(), rounds, texts =>
        {
            var hits = 0;
            foreach (var t in texts) { List<PhraseMatch>? found = null; if (rude.Matcher.FindAll(t, ref found)) hits++; }
            return hits;
        });
        Report("rude matcher, mixed replies", rude.All.Select(m => m.Text).ToArray(), rounds, texts =>
        {
            var hits = 0;
            foreach (var t in texts) { List<PhraseMatch>? found = null; if (rude.Matcher.FindAll(t, ref found)) hits++; }
            return hits;
        });
        Report("rude rule, clean replies", rude.Clean, rounds, ms =>
        {
            foreach (var m in ms) { rude.Rule.Evaluate(m, context, alerts); alerts.Clear(); }
            return 0;
        });
        Report("rude rule, mixed replies", rude.All, rounds, ms =>
        {
            foreach (var m in ms) { rude.Rule.Evaluate(m, context, alerts); alerts.Clear(); }
            return 0;
        });
        foreach (var (name, items) in PromoSets(promo))
            Report(name, items, rounds, its =>
            {
                var set = Traffic.ConversationSetter;
                foreach (var i in its) { set(context, i.State); i.Rule.Evaluate(i.Message, context, alerts); alerts.Clear(); }
                return 0;
            });
        return 0;
    }

    private static IEnumerable<(string, PromotionBenchmarks.Item[])> PromoSets(PromotionBenchmarks.PromoCorpus c)
    {
        yield return ("promotion, no promotion named", c.NoMention);
        yield return ("promotion, buyer and agent mix", c.Mix);
        yield return ("promotion, promotion named", c.Mention);
        // POLICY-LINE
        yield return ("promotion, no promotion named, store policy", c.NoMentionWithPolicy);
    }

    private static void Report<T>(string name, T[] items, int rounds, Func<T[], int> work)
    {
        // Warm-up long enough for tiered compilation to reach its final code (tier 1 after ~30 calls and a
        // 100 ms delay, then OSR/PGO): about one second of work.
        var clock = Stopwatch.StartNew();
        do work(items); while (clock.Elapsed.TotalMilliseconds < 1000);
        clock.Restart();
        work(items);
        // Rounds of about 100 ms of this thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID) counts ns of
        // this thread only: JIT, GC and other processes' time do not count).
        var passes = (int)Math.Clamp(100.0 / Math.Max(clock.Elapsed.TotalMilliseconds, 0.01), 2, 10_000);
        var perItem = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var before = ThreadCpu.Nanoseconds();
            for (var k = 0; k < passes; k++) work(items);
            perItem[r] = (ThreadCpu.Nanoseconds() - before) / ((double)items.Length * passes);
        }
        Array.Sort(perItem);
        var median = perItem[rounds / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-48} median {median,9:F1}  min {perItem[0],9:F1} ns thread-CPU/message  ({items.Length} messages, {rounds} rounds)"));
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
