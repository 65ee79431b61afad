using System.Globalization;
using Alerting.Core.Rules.RudeLanguage;
using Alerting.Core.Text;

namespace Alerting.Benchmarks;

/// <summary>
/// <c>text-rules-cpu lines ROUNDS</c>: what each template line of the built-in lexicon costs the matcher on clean replies.
/// For every lexicon line that holds a template, builds the matcher without that line and measures both it and the
/// full matcher round by round (thread CPU time, same process and core); prints the lines whose removal saves most.
/// </summary>
public static class RudeLineCostCommand
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var clean = RudeLanguageBenchmarks.RudeCorpus.Build().Clean.Select(m => m.Text).ToArray();
        var terms = DefaultLexicon.Terms();
        var whitelist = DefaultLexicon.Whitelist();
        PhraseMatcher Without(int skip) => new([.. terms.Where((_, i) => i != skip).SelectMany(t => t.Variants.Prepend(t.Term))], whitelist, NormalizationSettings.All);
        var full = Without(-1);
        Action Pass(PhraseMatcher m) => () => { foreach (var t in clean) { List<PhraseMatch>? found = null; m.FindAll(t, ref found); } };
        var fullPass = Pass(full);
        var passes = TextRulesCompare.WarmUp(fullPass) / 4 + 1;
        var results = new List<(double Saving, string Term)>();
        for (var i = 0; i < terms.Count; i++)
        {
            if (!terms[i].Variants.Prepend(terms[i].Term).Any(PhraseTemplate.IsTemplate)) continue;
            var without = Pass(Without(i));
            TextRulesCompare.WarmUp(without);
            double bestFull = double.MaxValue, bestWithout = double.MaxValue;
            for (var r = 0; r < rounds; r++)
            {
                bestFull = Math.Min(bestFull, TextRulesCompare.Round(fullPass, passes));
                bestWithout = Math.Min(bestWithout, TextRulesCompare.Round(without, passes));
            }
            results.Add(((bestFull - bestWithout) / ((double)clean.Length * passes), terms[i].Term));
        }
        foreach (var (saving, term) in results.OrderByDescending(r => r.Saving))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{saving,8:F1} ns/message  {term}"));
        return 0;
    }
}
