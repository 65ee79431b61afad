using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;

namespace Alerting.Core.Tests.TestKit;

/// <summary>Shared helpers of the text rules' tests: one message through one rule, and the CrossWOZ utterances.</summary>
internal static class TextRuleKit
{
    public static readonly DateTimeOffset SentAt = new(2026, 11, 11, 0, 0, 5, TimeSpan.FromHours(8));

    public static ChatMessage Message(string text, SenderKind sender = SenderKind.Agent, string messageId = "m-1", ChatEventKind kind = ChatEventKind.Message) => new()
    {
        MessageId = messageId,
        ConversationId = "c-42",
        ShopId = "shop-a",
        Sender = sender,
        SenderId = sender == SenderKind.Agent ? "agent-07" : "b-889",
        AgentId = "agent-07",
        Text = text,
        SentAt = SentAt,
        Event = kind,
    };

    public static List<Alert> Evaluate(IChatRule rule, ChatMessage message, ConversationState? state = null)
    {
        var alerts = new List<Alert>();
        rule.Evaluate(message, new RuleContext { Conversation = state ?? new ConversationState { ConversationId = message.ConversationId, ShopId = message.ShopId } }, alerts);
        return alerts;
    }

    /// <summary>
    /// The CrossWOZ validation utterances (thu-coai/CrossWOZ, Apache 2.0), one (line number, role, text)
    /// per utterance, from the repository's copy (tests/Alerting.Core.Tests/Data, with its licence), copied next to the tests.
    /// </summary>
    public static IEnumerable<(int Line, string Role, string Text)> CrossWozUtterances()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "crosswoz-val-utterances.tsv");
        Assert.True(File.Exists(path), $"CrossWOZ data not found at {path}");
        var lines = File.ReadAllLines(path);
        for (var i = 1; i < lines.Length; i++)
        {
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) continue;
            yield return (i + 1, lines[i][..tab], lines[i][(tab + 1)..]);
        }
    }

    /// <summary>
    /// Every CrossWOZ utterance as one message from <paramref name="sender"/> through <paramref name="rule"/>;
    /// returns (utterances, hits) and prints each hit. The corpus holds no abuse, contact, exposure or
    /// complaint, so every hit is a false alarm.
    /// </summary>
    public static (int Messages, int Hits) CrossWozHits(IChatRule rule, SenderKind sender, Xunit.Abstractions.ITestOutputHelper output)
    {
        int messages = 0, hits = 0;
        foreach (var (line, _, text) in CrossWozUtterances())
        {
            messages++;
            var alerts = Evaluate(rule, Message(text, sender, messageId: $"crosswoz-{line}"));
            if (alerts.Count == 0) continue;
            hits++;
            output.WriteLine($"line {line}: {text} → {alerts[0].Summary}");
        }
        output.WriteLine($"{hits} false alarms in {messages} utterances");
        Assert.True(messages > 8000, $"expected the full file, read {messages}");
        return (messages, hits);
    }

    /// <summary>Writes <c>{"Rules":{"section": sectionJson}}</c> to <paramref name="dir"/> and returns the problems of loading it (the snapshot must be refused).</summary>
    public static IReadOnlyList<Alerting.Core.Config.ConfigProblem> RefusedProblems(string dir, string section, string sectionJson)
    {
        File.WriteAllText(Path.Combine(dir, "rules.json"), $$"""{ "Rules": { "{{section}}": {{sectionJson}} } }""");
        var (snapshot, problems, _) = Alerting.Core.Config.ConfigFiles.LoadRules(dir);
        Assert.Null(snapshot);
        return problems;
    }
}
