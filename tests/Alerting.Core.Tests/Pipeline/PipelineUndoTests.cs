using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Rules.BuyerComplaintRisk;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Core.Tests.Pipeline;

/// <summary>
/// The undo of a failed record with the partition's reusable copies of the rules' state: a record whose later rule throws
/// leaves the conversation exactly as before it, whichever conversation the copies last held, so the partition goes on
/// exactly as one that never saw the record.
/// </summary>
public sealed class PipelineUndoTests
{
    private const string Trigger = "boom";

    [Fact]
    public void Process_FailedRecordsAmongRepeatsAndComplaints_LeaveThePartitionAsIfNeverSeen()
    {
        var script = Script();
        var (withFailures, refused) = Run(script, withFailures: true);
        var (without, _) = Run(script, withFailures: false);

        Assert.True(refused >= 6, $"only {refused} records failed");
        Assert.Equal(Ids(without.Alerts), Ids(withFailures.Alerts));
        Assert.Contains(without.Alerts, a => a.Rule == "repeated_reply");
        Assert.Contains(without.Alerts, a => a.Rule == "buyer_complaint_risk");
        Assert.Equal(Encoded(without.Pipeline), Encoded(withFailures.Pipeline));
        Assert.Equal(without.Pipeline.PendingDeadlines, withFailures.Pipeline.PendingDeadlines);
    }

    [Fact]
    public void BuyerSignalStateCopyTo_CopiesEveryProperty()
    {
        var from = new BuyerSignalState
        {
            RiskMessageId = "m-7", RiskSince = ChatScript.Origin, RiskLevel = Severity.High, RiskRevision = 3,
            EscalateAt = ChatScript.Origin.AddMinutes(5), LastBuyerNegative = true, Review = (ReviewContext)5, QueuedTicks = 42,
        };
        var into = new BuyerSignalState();
        from.CopyTo(into);
        var properties = typeof(BuyerSignalState).GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
        Assert.True(properties.Length >= 8, $"only {properties.Length} properties seen");
        foreach (var p in properties)
        {
            Assert.NotEqual(p.GetValue(new BuyerSignalState()), p.GetValue(from)); // the test sets every property
            Assert.Equal(p.GetValue(from), p.GetValue(into));
        }
    }

    /// <summary>Three conversations: canned replies repeated, a buyer complaining, failing records of both kinds between them.</summary>
    private static List<(ChatMessage Message, bool Fails)> Script()
    {
        var list = new List<(ChatMessage, bool)>();
        var at = 0.0;
        var n = 0;
        void Send(string conversation, SenderKind sender, string text, bool fails = false)
        {
            // A failing record is dated at the latest time sent, so it moves no clock (a refused record keeps its clock advance).
            if (!fails) at += 7;
            list.Add((ChatScript.Msg($"m{n++}", sender, at, fails ? $"{Trigger} {text}" : text, conversation), fails));
        }
        string[] replies = ["亲，已为您登记缺货，到货第一时间通知您哦", "亲亲，这款是包邮的呢😊", "您好，请提供一下订单号哦"];
        for (var round = 0; round < 4; round++)
        {
            foreach (var c in new[] { "c1", "c2", "c3" })
            {
                Send(c, SenderKind.Buyer, round % 2 == 0 ? "这个什么时候有货？" : "包邮吗？运费多少");
                Send(c, SenderKind.Agent, replies[(round + c[1]) % replies.Length], fails: c == "c2");
                Send(c, SenderKind.Agent, replies[(round + c[1]) % replies.Length]);
            }
            Send("c3", SenderKind.Buyer, "太差了，我要投诉，给差评", fails: round == 1);
            Send("c3", SenderKind.Buyer, "你们这什么破服务，我要投诉！");
            Send("c1", SenderKind.Agent, replies[round % replies.Length], fails: true);
        }
        return list;
    }

    private static ((PartitionPipeline Pipeline, List<Alert> Alerts), int Refused) Run(List<(ChatMessage Message, bool Fails)> script, bool withFailures)
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(WithThrowingRule(RulesSnapshot.BuiltInDefaults())), new FakeTimeProvider(ChatScript.Origin), trackChanges: true);
        var alerts = new List<Alert>();
        var refused = 0;
        foreach (var (message, fails) in script)
        {
            if (fails && !withFailures) continue;
            var before = alerts.Count;
            var reason = pipeline.Process(message, alerts);
            Assert.Equal(fails, reason is not null);
            if (reason is null) continue;
            refused++;
            Assert.Equal(before, alerts.Count);
        }
        pipeline.AdvanceWatermark(ChatScript.Origin.AddHours(1), alerts);
        return ((pipeline, alerts), refused);
    }

    private static List<string> Ids(List<Alert> alerts) => [.. alerts.Select(a => $"{a.AlertId}#{a.Revision}")];

    private static List<string> Encoded(PartitionPipeline pipeline)
        => [.. pipeline.Conversations.OrderBy(c => c.ConversationId, StringComparer.Ordinal).Select(c => Convert.ToHexString(ConversationStateCodec.Encode(c)))];

    private static RulesSnapshot WithThrowingRule(RulesSnapshot s)
    {
        var d = s.Defaults;
        var defaults = new StoreRules(null, d.Conversation, d.SlowResponse, d.UnansweredBuyer, [.. d.Rules, new ThrowingRule()], d.BatchWrongPromoAnswer, d.AgentResponseRate);
        return new RulesSnapshot(s.Version, s.EventTime, defaults, new Dictionary<string, StoreRules>());
    }

    /// <summary>Throws on a message holding the trigger, after every other rule has changed the conversation.</summary>
    private sealed class ThrowingRule : IChatRule
    {
        public string Name => "throwing";

        public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
        {
            if (message.Text.Contains(Trigger, StringComparison.Ordinal)) throw new InvalidOperationException("a rule bug");
        }
    }
}
