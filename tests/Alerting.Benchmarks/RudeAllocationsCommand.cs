using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Core.Rules;

namespace Alerting.Benchmarks;

/// <summary>
/// Evidence for the rude-language allocation target: which clean agent replies (the rule raises nothing) still allocate in
/// <c>RudeLanguageRule.Evaluate</c>, with the bytes each one costs (per-call
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>, after a warm-up pass).
/// </summary>
public static class RudeAllocationsCommand
{
    public static int Run()
    {
        var corpus = RudeLanguageBenchmarks.RudeCorpus.Build();
        var context = new RuleContext();
        var alerts = new List<Alert>();
        foreach (var m in corpus.Clean) { corpus.Rule.Evaluate(m, context, alerts); alerts.Clear(); }
        var allocating = new List<(string Text, long Bytes)>();
        foreach (var m in corpus.Clean)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            corpus.Rule.Evaluate(m, context, alerts);
            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            alerts.Clear();
            if (bytes > 0) allocating.Add((m.Text, bytes));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rude-allocations: {allocating.Count} of {corpus.Clean.Length} clean agent replies allocate ({allocating.Sum(a => a.Bytes):N0} B in all); distinct texts:"));
        foreach (var g in allocating.GroupBy(a => a.Text).OrderByDescending(g => g.Count()).Take(15))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {g.Count(),4} x {g.First().Bytes,5} B  {g.Key}"));
        return 0;
    }
}
