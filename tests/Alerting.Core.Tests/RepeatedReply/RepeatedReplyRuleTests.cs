using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.RepeatedReply;
using Alerting.Core.Tests.Pipeline;
using Xunit.Abstractions;
using static Alerting.Core.Tests.RepeatedReply.RepeatedReplyCasesTests;
using static Alerting.Core.Tests.TestKit.TextRuleKit;

namespace Alerting.Core.Tests.RepeatedReply;

/// <summary><c>repeated_reply</c>: false alarms on CrossWOZ, options, the checkpoint and the undo of a failed record.</summary>
public sealed class RepeatedReplyRuleTests(ITestOutputHelper output) : IDisposable
{
    private const string Rule = RepeatedReplyRule.RuleName;
    private readonly string _dir = Directory.CreateTempSubdirectory("alerting-rr-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Evaluate_OnCrossWozUtterancesAsAgentMessages_NoFalseAlarm()
    {
        var (_, hits) = CrossWozHits(new RepeatedReplyRule(new RepeatedReplyOptions()), SenderKind.Agent, output);
        Assert.Equal(0, hits);
    }

    [Fact]
    public void CrossWozDialogues_AsConversations_NoFalseAlarm()
    {
        // The utterances in file order, 20 to a conversation (usr = buyer, sys = agent), 15 s apart:
        // repeats can only be seen within a conversation, so the rule must see whole dialogues.
        var chat = new ChatScript();
        var n = 0;
        foreach (var (line, role, text) in CrossWozUtterances())
        {
            var conversation = $"cw{n / 20}";
            chat.Send(ChatScript.Msg($"cw-{line}", role == "usr" ? SenderKind.Buyer : SenderKind.Agent, (n % 20) * 15, text, conversation));
            n++;
        }
        var hits = chat.Of(Rule).ToList();
        foreach (var h in hits) output.WriteLine($"{h.ConversationId}: {h.Evidence!["excerpt"]} [{h.Summary}]");
        output.WriteLine($"{hits.Count} false alarms in {n} utterances ({n / 20 + 1} conversations)");
        Assert.True(n > 8000);
        Assert.Empty(hits);
    }

    [Fact]
    public void Options_StoreWindowLonger_FiresOnlyThere()
    {
        const string script = "A@0#c1:亲，已为您加急处理\nA@1200#c1:亲，已为您加急处理\nA@2400#c1:亲，已为您加急处理";
        Assert.Empty(Run(script).Chat.Of(Rule));
        Assert.Single(Run(script, ("Rules:Stores:shop-a:RepeatedReply:WindowSeconds", "3600")).Chat.Of(Rule));
        Assert.Empty(Run(script, ("Rules:Stores:shop-b:RepeatedReply:WindowSeconds", "3600")).Chat.Of(Rule));
    }

    [Fact]
    public void Options_AllowedClosingPhrase_NeverCounts_AndSeverityIsTheStores()
    {
        const string script = "A@0:感谢您的光临，欢迎下次再来\nA@10:感谢您的光临！欢迎下次再来～\nA@20:感谢您的光临，欢迎下次再来";
        Assert.Empty(Run(script, ("Rules:RepeatedReply:AddAllow:0", "感谢您的光临 欢迎下次再来")).Chat.Of(Rule));
        var alert = Assert.Single(Run(script, ("Rules:Stores:shop-a:RepeatedReply:Severity", "medium")).Chat.Of(Rule));
        Assert.Equal(Alerts.Severity.Medium, alert.Severity);
        Assert.Empty(Run(script, ("Rules:RepeatedReply:Enabled", "false")).Chat.Of(Rule));
    }

    [Fact]
    public void Options_CannedRunOff_LeavesOnlyTheRepeatCount()
    {
        const string script = "B@0:有现货吗？\nA@5:亲，以页面为准哦\nB@10:什么时候发？\nA@15:亲，以页面为准哦";
        Assert.Empty(Run(script).Chat.Of(Rule));
        Assert.Single(Run(script, ("Rules:Stores:shop-a:RepeatedReply:CannedAnswerRun", "2")).Chat.Of(Rule));
        Assert.Empty(Run(script, ("Rules:RepeatedReply:CannedAnswerRun", "0")).Chat.Of(Rule));
        Assert.Single(Run(script, ("Rules:RepeatedReply:MinRepeats", "2"), ("Rules:RepeatedReply:CannedAnswerRun", "0")).Chat.Of(Rule));
    }

    [Theory]
    [InlineData("""{ "Severity": "huge" }""", "Rules:RepeatedReply:Severity", "unknown severity 'huge'")]
    [InlineData("""{ "MinRepeats": 1 }""", "Rules:RepeatedReply:MinRepeats", "was 1")]
    [InlineData("""{ "MinRepeats": 11 }""", "Rules:RepeatedReply:MinRepeats", "was 11")]
    [InlineData("""{ "CannedAnswerRun": 1 }""", "Rules:RepeatedReply:CannedAnswerRun", "was 1")]
    [InlineData("""{ "WindowSeconds": 0 }""", "Rules:RepeatedReply:WindowSeconds", "was 0")]
    [InlineData("""{ "MinLength": 0 }""", "Rules:RepeatedReply:MinLength", "was 0")]
    [InlineData("""{ "AddAllow": [ "！！" ] }""", "Rules:RepeatedReply:AddAllow:0", "once folded")]
    [InlineData("""{ "Window": 60 }""", "Rules:RepeatedReply:Window", "did you mean 'WindowSeconds'")]
    public void Options_Invalid_AreRefusedWithPathAndReason(string section, string path, string reason)
    {
        var problems = RefusedProblems(_dir, "RepeatedReply", section);
        Assert.Contains(problems, p => p.Path == path && p.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Checkpoint_MidBurst_RestoredOwnerFiresOnTheThirdWithTheSameId()
    {
        var first = new ChatScript().Agent(0, "a1", "亲，已为您登记缺货").Agent(30, "a2", "亲，已为您登记缺货～");
        var (changed, _) = first.Pipeline.TakeChanges();
        var saved = changed.Select(ConversationStateCodec.Encode).ToList();
        Assert.Equal(3, saved[0][0]); // repeated-reply state without an open warning stays version 3

        var second = new ChatScript();
        second.Pipeline.Restore(saved.Select(ConversationStateCodec.Decode));
        second.Agent(60, "a3", "亲，已为您登记缺货！");
        var alert = Assert.Single(second.Of(Rule));
        Assert.Equal(["a1", "a2", "a3"], alert.MessageIds);
        Assert.Equal(Alerts.AlertIds.ForConversation(Rule, "c1", "a1"), alert.AlertId);

        // The same records without a restart give the same alert.
        var straight = new ChatScript().Agent(0, "a1", "亲，已为您登记缺货").Agent(30, "a2", "亲，已为您登记缺货～").Agent(60, "a3", "亲，已为您登记缺货！");
        Assert.Equal(alert.AlertId, Assert.Single(straight.Of(Rule)).AlertId);
    }

    [Fact]
    public void Codec_RoundTripsTheState_AndOlderVersionsStayReadable()
    {
        var chat = new ChatScript().Buyer(0, "b1", "差评警告，什么时候发货？").Agent(5, "a1", "亲，以页面为准哦").Buyer(10, "b2", "能便宜吗").Agent(15, "a2", "亲，已为您登记");
        var (changed, _) = chat.Pipeline.TakeChanges();
        var state = Assert.Single(changed);
        Assert.NotNull(state.RepeatedReplies);
        Assert.NotNull(state.BuyerSignals);
        var decoded = ConversationStateCodec.Decode(ConversationStateCodec.Encode(state));
        Assert.Equal(3, ConversationStateCodec.Encode(state)[0]);
        Assert.Equivalent(state.RepeatedReplies, decoded.RepeatedReplies, strict: true);
        Assert.Equivalent(state.BuyerSignals, decoded.BuyerSignals, strict: true);

        // A version-2 conversation (buyer signals only) and a version-1 one are still written and read as before.
        state.RepeatedReplies = null;
        var v2 = ConversationStateCodec.Encode(state);
        Assert.Equal(2, v2[0]);
        Assert.Null(ConversationStateCodec.Decode(v2).RepeatedReplies);
        Assert.Equivalent(state.BuyerSignals, ConversationStateCodec.Decode(v2).BuyerSignals, strict: true);
        state.BuyerSignals = null;
        Assert.Equal(1, ConversationStateCodec.Encode(state)[0]);
    }

    [Fact]
    public void Codec_CorruptCounts_AreRefusedNotMisread()
    {
        var s = new ConversationState { ConversationId = "c", ShopId = "s", RepeatedReplies = new RepeatedReplyState() };
        var bytes = ConversationStateCodec.Encode(s);
        bytes[^1] = 200; // the tracked-replies count
        Assert.Throws<InvalidDataException>(() => ConversationStateCodec.Decode(bytes));
    }

    [Fact]
    public void Memento_RestoreAfterTheRuleChangedTheState_PutsBackTheStateBeforeTheRecord()
    {
        var rule = new RepeatedReplyRule(new RepeatedReplyOptions());
        var state = new ConversationState { ConversationId = "c-42", ShopId = "shop-a" };
        Evaluate(rule, Message("亲，已为您登记缺货", messageId: "a1"), state);
        Evaluate(rule, Message("亲，已为您登记缺货", messageId: "a2"), state);
        var before = ConversationStateCodec.Encode(state);
        var saved = state.Save();
        // The third repeat fires; the record then fails in a later rule and is undone.
        Assert.Single(Evaluate(rule, Message("亲，已为您登记缺货", messageId: "a3"), state));
        state.Restore(saved);
        Assert.Equal(before, ConversationStateCodec.Encode(state));
        // Replayed after the undo, the record fires again with the same id (nothing was half-applied).
        var again = Assert.Single(Evaluate(rule, Message("亲，已为您登记缺货", messageId: "a3"), state));
        Assert.Equal(Alerts.AlertIds.ForConversation(Rule, "c-42", "a1"), again.AlertId);
    }

    [Fact]
    public void State_StaysBounded_OverAThousandDistinctReplies()
    {
        var rule = new RepeatedReplyRule(new RepeatedReplyOptions());
        var state = new ConversationState { ConversationId = "c-42", ShopId = "shop-a" };
        for (var i = 0; i < 1000; i++)
        {
            Evaluate(rule, Message($"亲，这是第{i}条不同的回复内容", messageId: $"a{i}"), state);
            Evaluate(rule, Message("亲，同一句话一直发哦哦", messageId: $"s{i}"), state);
        }
        var repeats = state.RepeatedReplies!;
        Assert.InRange(repeats.Replies.Count, 1, RepeatedReplyState.MaxTracked);
        Assert.All(repeats.Replies, r => Assert.InRange(r.Occurrences.Count, 0, RepeatedReplyState.MaxOccurrences));
        Assert.InRange(repeats.Run.Count, 0, RepeatedReplyState.MaxOccurrences);
        Assert.InRange(ConversationStateCodec.Encode(state).Length, 1, 2048);
    }

    [Fact]
    public void Evidence_Excerpt_IsBoundedAndNeverCarriesALongNumber()
    {
        const string text = "亲，您的手机号13812345678已登记，我们会尽快给您回电，请保持电话畅通哦";
        var rule = new RepeatedReplyRule(new RepeatedReplyOptions());
        var state = new ConversationState { ConversationId = "c-42", ShopId = "shop-a" };
        Evaluate(rule, Message(text, messageId: "a1"), state);
        Evaluate(rule, Message(text, messageId: "a2"), state);
        var alert = Assert.Single(Evaluate(rule, Message(text, messageId: "a3"), state));
        var excerpt = alert.Evidence!["excerpt"]!.GetValue<string>();
        Assert.DoesNotContain("13812345678", alert.Evidence.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("1381234", excerpt, StringComparison.Ordinal);
        Assert.Equal(RepeatedReplyRule.ExcerptLength + 1, excerpt.Length);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
        Assert.Equal("亲，您的手机号*********", RepeatedReplyRule.Excerpt("亲，您的手机号138123456"));
        Assert.Equal("😊😊", RepeatedReplyRule.Excerpt("😊😊"));
    }
}
