using Alerting.Core.Alerts;
using Alerting.Core.Messages;

namespace Alerting.Simulation.Tests;

public class GroundTruthTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromSeconds(180);

    [Fact]
    public void AlertIds_AreComputedFromRuleConversationAndFirstMessageId()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 21, Conversations = 3_000 });
        Assert.NotEmpty(run.Expected);
        Assert.All(run.Expected, a => Assert.Equal(AlertIds.ForConversation(a.Rule, a.ConversationId, a.MessageIds[0]), a.AlertId));
        Assert.Equal(run.Expected.Count, run.Expected.Select(a => a.AlertId).Distinct().Count());
    }

    [Fact]
    public void MessageIds_FollowContractsSection2()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 22, Conversations = 3_000, RudeReplyRate = 0.05, SlowReplyRate = 0.1, UnansweredRate = 0.1, WrongPromoRate = 0.2 });
        var byId = run.ById();
        foreach (var a in run.Expected)
        {
            var msgs = a.MessageIds.Select(id => byId[id].Message).ToList();
            Assert.All(msgs, m => Assert.Equal(a.ConversationId, m.ConversationId));
            Assert.All(msgs, m => Assert.Equal(a.ShopId, m.ShopId));
            switch (a.Rule)
            {
                case ExpectedAlert.RudeLanguage:
                    Assert.Single(msgs);
                    Assert.Equal(SenderKind.Agent, msgs[0].Sender);
                    Assert.Contains(a.Evidence["phrase"], msgs[0].Text, StringComparison.Ordinal);
                    Assert.Equal(msgs[0].SentAt, a.EventTime);
                    Assert.Null(a.DueAt);
                    break;
                case ExpectedAlert.WrongPromoAnswer:
                    Assert.Single(msgs);
                    Assert.Equal(SenderKind.Agent, msgs[0].Sender);
                    Assert.Contains(a.Evidence["stated"], msgs[0].Text, StringComparison.Ordinal);
                    Assert.DoesNotContain(a.Evidence["expected"], msgs[0].Text, StringComparison.Ordinal);
                    Assert.NotEqual(a.Evidence["expected"], a.Evidence["stated"]);
                    var promo = run.Generator.Promotions.Single(p => p.ShopId == a.ShopId && p.Id == a.Evidence["promotion"]);
                    Assert.Equal(promo.Terms, a.Evidence["expected"]);
                    Assert.True(promo.Aliases.Append(promo.Name).Any(n => msgs[0].Text.Contains(n, StringComparison.Ordinal)), msgs[0].Text);
                    break;
                case ExpectedAlert.SlowResponse:
                    Assert.Equal(2, msgs.Count);
                    Assert.Equal(SenderKind.Buyer, msgs[0].Sender);
                    Assert.Equal(SenderKind.Agent, msgs[1].Sender);
                    Assert.True(msgs[1].SentAt - msgs[0].SentAt > Slow);
                    Assert.True(msgs[1].SentAt - msgs[0].SentAt < Timeout, "generated slow replies stay below the unanswered timeout");
                    break;
                case ExpectedAlert.UnansweredBuyer:
                    Assert.Single(msgs);
                    Assert.Equal(SenderKind.Buyer, msgs[0].Sender);
                    if (a.DueAt is { } due)
                    {
                        Assert.Equal(msgs[0].SentAt + Timeout, due);
                        Assert.Equal(due, a.EventTime);
                    }
                    else
                    {
                        Assert.Equal("close", a.Evidence["firedBy"]);
                    }
                    break;
                default:
                    Assert.Fail($"unexpected rule {a.Rule}");
                    break;
            }
        }
        foreach (var rule in new[] { ExpectedAlert.RudeLanguage, ExpectedAlert.WrongPromoAnswer, ExpectedAlert.SlowResponse, ExpectedAlert.UnansweredBuyer })
            Assert.Contains(run.Expected, a => a.Rule == rule);
    }

    [Fact]
    public void EveryLabelledFault_HasItsExpectedAlert_AndCleanMessagesHaveNone()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 23, Conversations = 3_000, RudeReplyRate = 0.05, SlowReplyRate = 0.1, UnansweredRate = 0.1 });
        var first = run.Expected.ToLookup(a => (a.Rule, a.MessageIds[0]));
        var last = run.Expected.ToLookup(a => (a.Rule, a.MessageIds[^1]));
        foreach (var m in run.Messages)
        {
            var id = m.Message.MessageId;
            Assert.Equal(m.Fault.HasFlag(SimulatedFault.RudeLanguage), first[(ExpectedAlert.RudeLanguage, id)].Any());
            Assert.Equal(m.Fault.HasFlag(SimulatedFault.WrongPromoAnswer), first[(ExpectedAlert.WrongPromoAnswer, id)].Any());
            Assert.Equal(m.Fault.HasFlag(SimulatedFault.SlowReply), last[(ExpectedAlert.SlowResponse, id)].Any());
        }
        // Every unanswered alert points at a buyer message labelled as left waiting.
        var byId = run.ById();
        Assert.All(run.Expected.Where(a => a.Rule == ExpectedAlert.UnansweredBuyer), a => Assert.True(byId[a.MessageIds[0]].Fault.HasFlag(SimulatedFault.UnansweredBuyer)));
        Assert.Equal(
            run.Messages.Where(m => m.Fault.HasFlag(SimulatedFault.UnansweredBuyer)).Select(m => m.Message.ConversationId).Distinct().Order(StringComparer.Ordinal),
            run.Expected.Where(a => a.Rule == ExpectedAlert.UnansweredBuyer).Select(a => a.ConversationId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RudeAndSlowReply_IsLabelledWithBothAlerts()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 24, Conversations = 1_000, RudeReplyRate = 0.4, SlowReplyRate = 0.4 });
        var both = run.Messages.Where(m => m.Fault.HasFlag(SimulatedFault.RudeLanguage) && m.Fault.HasFlag(SimulatedFault.SlowReply)).ToList();
        Assert.NotEmpty(both);
        foreach (var m in both)
        {
            Assert.Contains(run.Expected, a => a.Rule == ExpectedAlert.RudeLanguage && a.MessageIds.SequenceEqual([m.Message.MessageId]));
            Assert.Contains(run.Expected, a => a.Rule == ExpectedAlert.SlowResponse && a.MessageIds[^1] == m.Message.MessageId);
        }
    }

    /// <summary>
    /// Re-derives the timing alerts from the emitted stream alone (what a consumer sees), with the
    /// contracts' semantics and the final clock = largest sentAt, and compares with the ground truth.
    /// </summary>
    [Theory]
    [InlineData(31, 0)]
    [InlineData(32, 4)]
    public void TimingGroundTruth_MatchesAnIndependentReplayOfTheStream(int seed, int disorderSeconds)
    {
        var run = CompletedRun.Of(new SimulationOptions
        {
            Seed = seed, Conversations = 4_000, SlowReplyRate = 0.08, UnansweredRate = 0.08, MaxDisorder = TimeSpan.FromSeconds(disorderSeconds),
        });
        var finalClock = run.Messages.Max(m => m.Message.SentAt);
        Assert.Equal(finalClock, run.Run.LastSentAt);

        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var conv in run.Messages.GroupBy(m => m.Message.ConversationId))
        {
            ChatMessage? first = null;
            var fired = false;
            foreach (var msg in conv.Select(m => m.Message))
            {
                if (first is not null && !fired && msg.SentAt >= first.SentAt + Timeout)
                {
                    expected.Add(AlertIds.ForConversation(ExpectedAlert.UnansweredBuyer, msg.ConversationId, first.MessageId));
                    fired = true;
                }
                if (msg.Event == ChatEventKind.Close)
                {
                    if (first is not null && !fired) expected.Add(AlertIds.ForConversation(ExpectedAlert.UnansweredBuyer, msg.ConversationId, first.MessageId));
                    first = null;
                }
                else if (msg.Event == ChatEventKind.Message && msg.Sender == SenderKind.Buyer)
                {
                    if (first is null) fired = false;
                    first ??= msg;
                }
                else if (msg.Event == ChatEventKind.Message && msg.Sender == SenderKind.Agent && first is not null)
                {
                    if (msg.SentAt - first.SentAt > Slow) expected.Add(AlertIds.ForConversation(ExpectedAlert.SlowResponse, msg.ConversationId, first.MessageId));
                    first = null;
                }
            }
            if (first is not null && !fired && finalClock >= first.SentAt + Timeout)
                expected.Add(AlertIds.ForConversation(ExpectedAlert.UnansweredBuyer, first.ConversationId, first.MessageId));
        }

        var actual = run.Run.ExpectedAlertsDueBy(finalClock)
            .Where(a => a.Rule is ExpectedAlert.SlowResponse or ExpectedAlert.UnansweredBuyer)
            .Select(a => a.AlertId)
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(actual);
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExpectedAlertsDueBy_FiltersTimerAlertsByTheFinalClock()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 33, Conversations = 2_000, UnansweredRate = 0.2, CloseRate = 0.3 });
        var timed = run.Expected.Where(a => a.DueAt is not null).ToList();
        Assert.NotEmpty(timed);
        var last = run.Run.LastSentAt!.Value;
        Assert.Equal(run.Expected.Count, run.Run.ExpectedAlertsDueBy(DateTimeOffset.MaxValue).Count());
        Assert.Equal(run.Expected.Count(a => a.DueAt is null || a.DueAt <= last), run.Run.ExpectedAlertsDueBy(last).Count());
        var earliest = timed.Min(a => a.DueAt!.Value);
        Assert.DoesNotContain(run.Run.ExpectedAlertsDueBy(earliest.AddMilliseconds(-1)), a => a.DueAt == earliest);
    }

    [Fact]
    public void MessageCount_CutsExactly_AndTruthCoversOnlyEmittedMessages()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 34, Conversations = null, MessageCount = 5_000, UnansweredRate = 0.05 });
        Assert.Equal(5_000, run.Messages.Count);
        var byId = run.ById();
        Assert.All(run.Expected, a => Assert.All(a.MessageIds, id => Assert.True(byId.ContainsKey(id), $"{a.Rule} points at unemitted {id}")));
        Assert.All(run.Expected, a => Assert.Equal(AlertIds.ForConversation(a.Rule, a.ConversationId, a.MessageIds[0]), a.AlertId));
        // Conversations still open at the cut whose buyer waits are due only past the deadline.
        Assert.Contains(run.Expected, a => a.DueAt > run.Run.LastSentAt);
    }

    [Fact]
    public void BothLimits_StopAtWhicheverComesFirst()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 35, Conversations = 10, MessageCount = 1_000_000 });
        Assert.Equal(10, run.Messages.Select(m => m.Message.ConversationId).Distinct().Count());
    }
}
