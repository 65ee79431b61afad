using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Rules.PromotionAnswers;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace Alerting.Core.Tests.PromotionAnswers;

/// <summary>
/// The labelled corpus <c>Corpus/promotion-cases.txt</c> (agent answers, right and wrong, per issue-16 class
/// and term kind) run against the store configs of <c>Corpus/stores.json</c>, bound and validated through
/// <see cref="RulesSnapshotBuilder"/> as the worker does. Prints recall and false alarms per class and per
/// kind, lists every miss and false alarm, and asserts floors.
/// </summary>
public sealed class PromotionCorpusTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    internal sealed record Case(int Line, string Class, string Kind, string Store, DateTimeOffset At, string? Buyer, string Agent, bool Alert);

    internal static List<Case> LoadCases(string file = "promotion-cases.txt")
    {
        var path = Path.Combine(AppContext.BaseDirectory, "PromotionAnswers", "Corpus", file);
        var cases = new List<Case>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split('|').Select(x => x.Trim()).ToArray();
            if (f.Length != 7) throw new FormatException($"promotion-cases.txt line {i + 1}: expected 7 fields, got {f.Length}");
            var at = DateTime.ParseExact("2026-" + f[3], "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            var expect = f[6] switch { "alert" => true, "ok" => false, _ => throw new FormatException($"line {i + 1}: expect must be ok or alert, got '{f[6]}'") };
            cases.Add(new Case(i + 1, f[0], f[1], f[2], new DateTimeOffset(at, Beijing), f[4] == "-" ? null : f[4], f[5], expect));
        }
        return cases;
    }

    internal static RulesSnapshot LoadStores(string file = "stores.json")
    {
        var config = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "PromotionAnswers", "Corpus", file), optional: false)
            .Build();
        var built = RulesSnapshotBuilder.Build(config);
        Assert.True(built.Snapshot is not null, file + " invalid: " + string.Join("; ", built.Problems.Select(p => p.ToString())));
        return built.Snapshot!;
    }

    /// <summary>The alert kinds of one case: buyer message a minute before the agent's, in one conversation.</summary>
    internal static List<string> Run(RulesSnapshot snapshot, Case c)
    {
        var rule = snapshot.ForShop(c.Store).Rules.OfType<WrongPromoAnswerRule>().Single();
        var context = new RuleContext { Conversation = new ConversationState { ConversationId = "c-" + c.Line, ShopId = c.Store } };
        var alerts = new List<Alert>();
        if (c.Buyer is not null)
            rule.Evaluate(Message(c, SenderKind.Buyer, c.Buyer, c.At.AddMinutes(-1), "m-1"), context, alerts);
        rule.Evaluate(Message(c, SenderKind.Agent, c.Agent, c.At, "m-2"), context, alerts);
        var kinds = new List<string>();
        foreach (var a in alerts)
        {
            kinds.Add((string)a.Evidence["kind"]!);
            if (a.Evidence["findings"] is System.Text.Json.Nodes.JsonArray all)
                kinds.AddRange(all.Select(n => (string)n!["kind"]!));
        }
        return kinds;
    }

    private static ChatMessage Message(Case c, SenderKind sender, string text, DateTimeOffset at, string id) => new()
    {
        MessageId = id,
        ConversationId = "c-" + c.Line,
        ShopId = c.Store,
        Sender = sender,
        SenderId = sender == SenderKind.Agent ? "agent-1" : "buyer-1",
        AgentId = "agent-1",
        Text = text,
        SentAt = at,
    };

    [Fact]
    public void Corpus_RecallAndFalseAlarmsPerClass_MeetFloors()
        => Measure("promotion-cases.txt", minCases: 300, minRecall: 0.90, maxFalseRate: 0.03, minClassRecall: 0.85);

    /// <summary>
    /// Held-out answers: written after the rule was tuned on the main corpus and never used to tune it, so
    /// these figures estimate phrasing nobody wrote a test for. Floors are regression guards below the first run.
    /// </summary>
    [Fact]
    public void HeldOutCorpus_RecallAndFalseAlarms_MeetFloors()
        => Measure("promotion-heldout.txt", minCases: 40, minRecall: HeldOutMinRecall, maxFalseRate: HeldOutMaxFalseRate, minClassRecall: 0);

    /// <summary>Second held-out batch, written last and never used for tuning.</summary>
    [Fact]
    public void SecondHeldOutCorpus_RecallAndFalseAlarms_MeetFloors()
        => Measure("promotion-heldout2.txt", minCases: 25, minRecall: HeldOut2MinRecall, maxFalseRate: HeldOut2MaxFalseRate, minClassRecall: 0);

    /// <summary>
    /// Third held-out batch on fresh store configs (<c>stores-heldout3.json</c>), written before the extraction was
    /// changed for it; the README gives its first figures and those after the fixes of the failure classes it showed.
    /// </summary>
    [Fact]
    public void ThirdHeldOutCorpus_RecallAndFalseAlarms_MeetFloors()
        => Measure("promotion-heldout3.txt", minCases: 60, minRecall: HeldOut3MinRecall, maxFalseRate: HeldOut3MaxFalseRate, minClassRecall: 0, stores: "stores-heldout3.json");

    // Third held-out set, first run (before any change for it): 88.6 % recall, 0 % false alarms. After the fixes of
    // the failure classes the held-out sets showed, every set measures 100 % / 0 %; the floors are regression guards
    // below that (sets 1 and 2 are no longer unseen: their misses were fixed as classes).
    private const double HeldOut3MinRecall = 0.95;
    private const double HeldOut3MaxFalseRate = 0.02;
    private const double HeldOut2MinRecall = 0.90;
    private const double HeldOut2MaxFalseRate = 0.07;
    private const double HeldOutMinRecall = 0.90;
    private const double HeldOutMaxFalseRate = 0.02;

    private void Measure(string file, int minCases, double minRecall, double maxFalseRate, double minClassRecall, string stores = "stores.json")
    {
        var cases = LoadCases(file);
        var snapshot = LoadStores(stores);
        var results = cases.Select(c => (Case: c, Kinds: Run(snapshot, c))).ToList();
        var misses = results.Where(r => r.Case.Alert && !r.Kinds.Contains(r.Case.Kind)).ToList();
        var falseAlarms = results.Where(r => !r.Case.Alert && r.Kinds.Count > 0).ToList();

        Report("class", results, r => r.Case.Class);
        Report("kind", results, r => r.Case.Kind);
        foreach (var (c, kinds) in misses) output.WriteLine($"MISS  line {c.Line} [{c.Class}/{c.Kind}] {c.Store} {c.Buyer} → {c.Agent}   got [{string.Join(",", kinds)}]");
        foreach (var (c, kinds) in falseAlarms) output.WriteLine($"FALSE line {c.Line} [{c.Class}/{c.Kind}] {c.Store} {c.Buyer} → {c.Agent}   got [{string.Join(",", kinds)}]");

        var alertCases = results.Count(r => r.Case.Alert);
        var okCases = results.Count - alertCases;
        var recall = 1.0 - (double)misses.Count / alertCases;
        var falseRate = (double)falseAlarms.Count / okCases;
        output.WriteLine($"TOTAL recall {recall:P1} ({alertCases - misses.Count}/{alertCases}), false alarms {falseRate:P1} ({falseAlarms.Count}/{okCases})");

        // Floors, set below what the rule measured when the corpus was written (see the README), so a
        // regression fails the build while new, harder cases can be added.
        Assert.True(cases.Count >= minCases, $"the corpus must hold at least {minCases} cases, has {cases.Count}");
        Assert.True(recall >= minRecall, $"overall recall {recall:P1} below {minRecall:P0}");
        Assert.True(falseRate <= maxFalseRate, $"overall false alarms {falseRate:P1} above {maxFalseRate:P0}");
        foreach (var group in results.GroupBy(r => r.Case.Class))
        {
            var a = group.Count(r => r.Case.Alert);
            var caught = group.Count(r => r.Case.Alert && r.Kinds.Contains(r.Case.Kind));
            Assert.True(a == 0 || caught >= minClassRecall * a, $"class {group.Key}: recall {caught}/{a} below {minClassRecall:P0}");
        }
    }

    private void Report(string by, List<(Case Case, List<string> Kinds)> results, Func<(Case Case, List<string> Kinds), string> key)
    {
        output.WriteLine($"{by,-20} {"recall",14} {"false alarms",14}");
        foreach (var g in results.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var a = g.Count(r => r.Case.Alert);
            var caught = g.Count(r => r.Case.Alert && r.Kinds.Contains(r.Case.Kind));
            var ok = g.Count(r => !r.Case.Alert);
            var fa = g.Count(r => !r.Case.Alert && r.Kinds.Count > 0);
            output.WriteLine($"{g.Key,-20} {caught,6}/{a,-4} {(a == 0 ? "-" : ((double)caught / a).ToString("P0", CultureInfo.InvariantCulture)),5}   {fa,4}/{ok,-4} {(ok == 0 ? "-" : ((double)fa / ok).ToString("P0", CultureInfo.InvariantCulture)),5}");
        }
    }
}
