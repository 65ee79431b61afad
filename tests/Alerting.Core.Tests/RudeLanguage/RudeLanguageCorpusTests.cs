using System.Globalization;
using Xunit.Abstractions;
using static Alerting.Core.Tests.RudeLanguage.RudeLanguageTestKit;

namespace Alerting.Core.Tests.RudeLanguage;

/// <summary>
/// The labelled corpora <c>Corpus/rude-cases.txt</c> (agent replies that must alert) and
/// <c>Corpus/trap-cases.txt</c> (innocent replies sharing words or shapes with rude ones) against the
/// default lexicon. Prints recall per class and false alarms per trap class, lists every miss and false
/// alarm, and asserts floors.
/// </summary>
public sealed class RudeLanguageCorpusTests(ITestOutputHelper output)
{
    internal static List<(int Line, string Class, string Text)> Load(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "RudeLanguage", "Corpus", file);
        var cases = new List<(int, string, string)>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line[0] == '#') continue;
            var bar = line.IndexOf(" | ", StringComparison.Ordinal);
            if (bar < 0) throw new FormatException($"{file} line {i + 1}: expected 'class | text'");
            cases.Add((i + 1, line[..bar].Trim(), line[(bar + 3)..]));
        }
        return cases;
    }

    [Fact]
    public void Corpora_RecallPerClassAndFalseAlarmsPerTrapClass_MeetFloors()
        => Measure("rude-cases.txt", "trap-cases.txt", minCases: 300, minRecall: 0.90, maxFalseRate: 0.02, minClassRecall: 0.8);

    /// <summary>
    /// Held-out corpora: written after the lexicon was tuned on the main corpora and never used to tune it, so
    /// these figures are the honest estimate for phrasing nobody wrote a test for. Floors are regression guards
    /// set below the first measurement.
    /// </summary>
    [Fact]
    public void HeldOutCorpora_RecallAndFalseAlarms_MeetFloors()
        => Measure("rude-heldout.txt", "trap-heldout.txt", minCases: 50, minRecall: HeldOutMinRecall, maxFalseRate: HeldOutMaxFalseRate, minClassRecall: 0);

    /// <summary>Second held-out batch, written after the generalisation that followed the first held-out run.</summary>
    [Fact]
    public void SecondHeldOutCorpora_RecallAndFalseAlarms_MeetFloors()
        => Measure("rude-heldout2.txt", "trap-heldout2.txt", minCases: 40, minRecall: HeldOut2MinRecall, maxFalseRate: HeldOut2MaxFalseRate, minClassRecall: 0);

    /// <summary>
    /// Third held-out batch (blaming questions, dismissal, impatience, sarcasm, threats to stop answering,
    /// condescension, and polite look-alikes), written and measured before the pattern layer was widened by class.
    /// </summary>
    [Fact]
    public void ThirdHeldOutCorpora_RecallAndFalseAlarms_MeetFloors()
        => Measure("rude-heldout3.txt", "trap-heldout3.txt", minCases: 80, minRecall: HeldOut3MinRecall, maxFalseRate: HeldOut3MaxFalseRate, minClassRecall: 0);

    /// <summary>Fourth held-out batch (the same classes), written after the pattern classes were added and never used to tune them.</summary>
    [Fact]
    public void FourthHeldOutCorpora_RecallAndFalseAlarms_MeetFloors()
        => Measure("rude-heldout4.txt", "trap-heldout4.txt", minCases: 30, minRecall: HeldOut4MinRecall, maxFalseRate: HeldOut4MaxFalseRate, minClassRecall: 0);

    /// <summary>
    /// Fifth held-out batch (the six attitude classes plus English spellings, and their polite look-alikes), written
    /// from how agents snap at buyers and measured once before the templates were generalised by class.
    /// </summary>
    [Fact]
    public void FifthHeldOutCorpora_RecallAndFalseAlarms_MeetFloors()
        => Measure("rude-heldout5.txt", "trap-heldout5.txt", minCases: 60, minRecall: HeldOut5MinRecall, maxFalseRate: HeldOut5MaxFalseRate, minClassRecall: 0);

    // Fifth held-out, first run before any change: 39.5 % recall (34/86; Chinese attitude classes 22/74 = 29.7 %,
    // English 12/12), 2.3 % false alarms (2/86: 我很忙的时候也会…, 想好了再来找我也可以哦).
    // After the class templates: 100 % / 0 % (it was used to shape them, so no longer held out).
    private const double HeldOut5MinRecall = 0.97;
    private const double HeldOut5MaxFalseRate = 0.0;

    /// <summary>
    /// Sixth held-out batch (the six attitude classes and their look-alikes), written before the templates were
    /// generalised by class and first run after it: the honest figure for that change.
    /// </summary>
    [Fact]
    public void SixthHeldOutCorpora_RecallAndFalseAlarms_MeetFloors()
        => Measure("rude-heldout6.txt", "trap-heldout6.txt", minCases: 30, minRecall: HeldOut6MinRecall, maxFalseRate: HeldOut6MaxFalseRate, minClassRecall: 0);

    // Sixth held-out, first run (after the class templates): 80.6 % recall (29/36), 2.8 % false alarms (1/36:
    // 您问来问去都没关系, the older literal 问来问去). Its misses were then generalised (搞不定 in 这么…都…, 太会挑刺了,
    // 您什么都懂 after 是是是, 呵呵 + 真有意思, 我不会回的, 问之前能先看看), so after that it is no longer held out:
    // 97.2 % / 0 %; the one miss left, 讲了好几遍了, is deliberate (see the README).
    private const double HeldOut6MinRecall = 0.95;
    private const double HeldOut6MaxFalseRate = 0.0;

    // Third held-out: 21.9 % recall / 1.0 % false alarms when written (before the pattern classes), 99.0 % / 0 % after
    // (it was then used to shape them, so it is no longer held out). Fourth held-out, first run: 26.7 % / 0 %; after the class
    // templates 100 % / 0 % (its misses were among the shapes generalised, so no longer held out).
    private const double HeldOut3MinRecall = 0.95;
    private const double HeldOut3MaxFalseRate = 0.0;
    private const double HeldOut4MinRecall = 0.95;
    private const double HeldOut4MaxFalseRate = 0.0;

    // Measured at commit time: first held-out 96.5 % / 3.7 % (38.6 % / 5.6 % on its first, untuned run),
    // second held-out 36.2 % / 2.1 % (46.8 % / 2.1 % before the class templates, 91.5 % / 2.1 % after).
    // Regression guards just below.
    private const double HeldOut2MinRecall = 0.88;
    private const double HeldOut2MaxFalseRate = 0.05;
    private const double HeldOutMinRecall = 0.90;
    private const double HeldOutMaxFalseRate = 0.05;

    private void Measure(string rudeFile, string trapFile, int minCases, double minRecall, double maxFalseRate, double minClassRecall)
    {
        var rude = Load(rudeFile);
        var traps = Load(trapFile);

        var missed = rude.Where(c => EvaluateOne(DefaultRule, c.Text) is null).ToList();
        var alarms = traps.Select(c => (Case: c, Alert: EvaluateOne(DefaultRule, c.Text))).Where(x => x.Alert is not null).ToList();

        output.WriteLine($"{"class",-20} {"recall",12}");
        foreach (var g in rude.GroupBy(c => c.Class).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var caught = g.Count() - missed.Count(m => m.Class == g.Key);
            output.WriteLine($"{g.Key,-20} {caught,5}/{g.Count(),-4} {((double)caught / g.Count()).ToString("P0", CultureInfo.InvariantCulture)}");
        }
        output.WriteLine($"{"trap class",-20} {"false alarms",12}");
        foreach (var g in traps.GroupBy(c => c.Class).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var fa = alarms.Count(a => a.Case.Class == g.Key);
            output.WriteLine($"{g.Key,-20} {fa,5}/{g.Count(),-4} {((double)fa / g.Count()).ToString("P0", CultureInfo.InvariantCulture)}");
        }
        foreach (var m in missed) output.WriteLine($"MISS  line {m.Line} [{m.Class}] {m.Text}");
        foreach (var (c, a) in alarms) output.WriteLine($"FALSE line {c.Line} [{c.Class}] {c.Text}   {Describe(a)}");

        var recall = 1.0 - (double)missed.Count / rude.Count;
        var falseRate = (double)alarms.Count / traps.Count;
        output.WriteLine($"TOTAL recall {recall:P1} ({rude.Count - missed.Count}/{rude.Count}), false alarms {falseRate:P1} ({alarms.Count}/{traps.Count})");

        Assert.True(rude.Count >= minCases, $"at least {minCases} rude cases needed, have {rude.Count}");
        Assert.True(traps.Count >= minCases, $"at least {minCases} traps needed, have {traps.Count}");
        // Floors below what was measured when the corpora were written (see the rule's README).
        Assert.True(recall >= minRecall, $"recall {recall:P1} below {minRecall:P0}");
        Assert.True(falseRate <= maxFalseRate, $"false alarms {falseRate:P1} above {maxFalseRate:P0}");
        foreach (var g in rude.GroupBy(c => c.Class))
        {
            var caught = g.Count() - missed.Count(m => m.Class == g.Key);
            Assert.True(caught >= minClassRecall * g.Count(), $"class {g.Key}: recall {caught}/{g.Count()} below {minClassRecall:P0}");
        }
    }
}
