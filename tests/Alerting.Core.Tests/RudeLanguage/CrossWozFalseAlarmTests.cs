using Xunit.Abstractions;
using static Alerting.Core.Tests.RudeLanguage.RudeLanguageTestKit;

namespace Alerting.Core.Tests.RudeLanguage;

/// <summary>
/// False-alarm rate on clean text: the CrossWOZ validation utterances (thu-coai/CrossWOZ, Apache 2.0;
/// see tests/Alerting.Core.Tests/Data/README.md) replayed as agent replies. They contain no abuse, so every hit is a
/// false alarm; each one is printed so a lexicon change that adds one is easy to review.
/// </summary>
public sealed class CrossWozFalseAlarmTests(ITestOutputHelper output)
{
    [Fact]
    public void Evaluate_OnCrossWozUtterancesAsAgentReplies_FalseAlarmsPer10kBelowOne()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "crosswoz-val-utterances.tsv");
        Assert.True(File.Exists(path), $"CrossWOZ data not found at {path}");

        var lines = File.ReadAllLines(path);
        int messages = 0, hits = 0;
        for (var i = 1; i < lines.Length; i++) // line 0 is the header "role<TAB>text"
        {
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) continue;
            var text = lines[i][(tab + 1)..];
            messages++;
            var alerts = Evaluate(DefaultRule, Agent(text, messageId: $"crosswoz-{i}"));
            if (alerts.Count == 0) continue;
            hits++;
            output.WriteLine($"line {i + 1}: {Describe(alerts[0])}");
        }
        var per10k = hits * 10_000.0 / messages;
        output.WriteLine($"{hits} false alarms in {messages} utterances = {per10k:F2} per 10,000");
        Assert.True(messages > 8000, $"expected the full file, read {messages} utterances");
        Assert.True(per10k < 1.0, $"{hits} false alarms in {messages} utterances = {per10k:F2} per 10,000 (limit < 1)");
    }
}
