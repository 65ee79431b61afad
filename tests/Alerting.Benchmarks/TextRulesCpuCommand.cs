using System.Diagnostics;
using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Core.Rules;
using Alerting.Core.Text;

namespace Alerting.Benchmarks;

/// <summary>
/// Issue 16: CPU time (not wall time) per message of the rude matcher/rule and of the promotion rule on the
/// benchmark corpora, the minimum over rounds. On a shared 2-core machine whose load average is far above 2,
/// BenchmarkDotNet's wall-clock means are dominated by time spent waiting for a core; process CPU time counts
/// only the time this process actually ran, and the minimum over rounds discards rounds disturbed by cache
/// and hyper-thread contention. Run the same command on two commits to compare them.
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
        for (var w = 0; w < 3; w++) work(items); // warm-up and tiering
        // Process CPU time ticks in milliseconds on Linux: size each round to about 300 ms of work.
        var clock = Stopwatch.StartNew();
        work(items);
        var passes = (int)Math.Clamp(300.0 / Math.Max(clock.Elapsed.TotalMilliseconds, 0.01), 4, 10_000);
        var best = TimeSpan.MaxValue;
        var process = Process.GetCurrentProcess();
        for (var r = 0; r < rounds; r++)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            for (var k = 0; k < passes; k++) work(items);
            process.Refresh();
            var spent = process.TotalProcessorTime - before;
            if (spent < best) best = spent;
        }
        var nsPerItem = best.TotalMilliseconds * 1e6 / ((double)items.Length * passes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-48} {nsPerItem,9:F1} ns CPU/message  ({items.Length} messages, best of {rounds} rounds)"));
    }
}
