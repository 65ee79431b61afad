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
    /// per utterance, from the shared data folder next to the checkout (as the rude-language test reads it).
    /// </summary>
    public static IEnumerable<(int Line, string Role, string Text)> CrossWozUtterances()
    {
        var path = Path.Combine(SolutionDirectory(), "..", "shared", "data", "crosswoz-val-utterances.tsv");
        Assert.True(File.Exists(path), $"CrossWOZ data not found at {path}");
        var lines = File.ReadAllLines(path);
        for (var i = 1; i < lines.Length; i++)
        {
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) continue;
            yield return (i + 1, lines[i][..tab], lines[i][(tab + 1)..]);
        }
    }

    private static string SolutionDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Alerting.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Alerting.sln above {AppContext.BaseDirectory}");
    }
}
