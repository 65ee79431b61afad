using Alerting.Core.Alerts;
using Alerting.Core.Tests.Pipeline;
using static Alerting.Core.Rules.UnansweredBuyer.UnansweredBuyerRule;

namespace Alerting.Core.Tests.UnansweredBuyer;

public class UnansweredBuyerRuleTests
{
    private const string Slow = Alerting.Core.Rules.SlowResponse.SlowResponseRule.RuleName;

    [Fact]
    public void Deadline_FiresWhenWatermarkPassesIt_EvenWithNoFurtherMessages()
    {
        var s = new ChatScript().Buyer(0, "b1").Buyer(20, "b2");
        s.ClockTo(179.9);
        Assert.Empty(s.Alerts);
        s.ClockTo(180);
        var alert = Assert.Single(s.Of(RuleName));
        Assert.Equal(["b1"], alert.MessageIds);
        Assert.Equal(AlertIds.ForConversation(RuleName, "c1", "b1"), alert.AlertId);
        Assert.Equal(ChatScript.Origin.AddSeconds(180), alert.EventTime);
        Assert.Equal(2, (int)alert.Evidence["buyerMessages"]!);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal(Severity.High, alert.Severity);
    }

    [Fact]
    public void Deadline_WaitsForTheWatermark_NotTheLatestSentAt()
    {
        // Another conversation's message at t=183 moves the watermark only to 178 (5 s allowed disorder).
        var s = new ChatScript().Buyer(0, "b1").Buyer(183, "x1", conversation: "c2");
        Assert.Empty(s.Of(RuleName));
        s.Buyer(185.5, "x2", conversation: "c2");
        Assert.Single(s.Of(RuleName));
    }

    [Fact]
    public void WaitingBuyer_FiresOncePerWaitingPeriod()
    {
        var s = new ChatScript().Buyer(0, "b1").ClockTo(200).Buyer(210, "b2").ClockTo(1000);
        Assert.Single(s.Of(RuleName));
    }

    [Fact]
    public void HumanReplyInTime_CancelsTheDeadline()
    {
        var s = new ChatScript().Buyer(0, "b1").Agent(20, "a1").ClockTo(10_000);
        Assert.Empty(s.Alerts);
        Assert.Equal(0, s.Pipeline.PendingDeadlines);
    }

    [Fact]
    public void BotReply_DoesNotCancelTheDeadline()
    {
        var s = new ChatScript().Buyer(0, "b1").Bot(1).ClockTo(181);
        Assert.Single(s.Of(RuleName));
    }

    [Fact]
    public void ReplyAfterTheAlert_ResolvesItAndIsAlsoSlow()
    {
        var s = new ChatScript().Buyer(0, "b1").ClockTo(181).Agent(200, "a1", agent: "agent-9");
        var events = s.Of(RuleName).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(AlertStatus.Firing, events[0].Status);
        Assert.Equal(AlertStatus.Resolved, events[1].Status);
        Assert.Equal(events[0].AlertId, events[1].AlertId);
        Assert.Equal("agent-9", (string?)events[1].Evidence["answeredBy"]);
        var slow = Assert.Single(s.Of(Slow));
        Assert.Equal(Severity.High, slow.Severity);
    }

    [Fact]
    public void ReplyPastDeadline_BeforeWatermarkReachedIt_StillFiresThenResolves()
    {
        // Reply at 182 arrives while the watermark is at 177: the buyer did wait past 180 s.
        var s = new ChatScript().Buyer(0, "b1").Agent(182, "a1");
        var events = s.Of(RuleName).ToList();
        Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], events.Select(e => e.Status));
        Assert.Equal(ChatScript.Origin.AddSeconds(180), events[0].EventTime);
    }

    [Fact]
    public void Close_WhileWaiting_FiresAtClose()
    {
        var s = new ChatScript().Buyer(0, "b1").Close(60);
        var alert = Assert.Single(s.Of(RuleName));
        Assert.Equal(ChatScript.Origin.AddSeconds(60), alert.EventTime);
        Assert.Equal("close", (string?)alert.Evidence["firedBy"]);
        s.ClockTo(10_000);
        Assert.Single(s.Alerts);
        Assert.Equal(0, s.Pipeline.OpenConversations);
    }

    [Fact]
    public void Close_AfterTheAlertFired_DoesNotFireAgain()
    {
        var s = new ChatScript().Buyer(0, "b1").ClockTo(200).Close(300);
        Assert.Single(s.Of(RuleName));
    }

    [Fact]
    public void Close_WithNobodyWaiting_IsSilent()
    {
        var s = new ChatScript().Buyer(0, "b1").Agent(5, "a1").Close(60);
        Assert.Empty(s.Alerts);
    }

    [Fact]
    public void Transfer_KeepsTheClockRunning_AndTheAlertNamesTheNewOwner()
    {
        var s = new ChatScript().Buyer(0, "b1").Agent(5, "a1", agent: "agent-1").Buyer(10, "b2").Transfer(60, "agent-2").ClockTo(190);
        var alert = Assert.Single(s.Of(RuleName));
        Assert.Equal(["b2"], alert.MessageIds);
        Assert.Equal("agent-2", alert.AgentId);
        Assert.Equal(ChatScript.Origin.AddSeconds(190), alert.EventTime);
    }

    [Fact]
    public void Threshold_IsConfigurablePerStore()
    {
        var s = new ChatScript(("Rules:Stores:shop-a:UnansweredBuyer:ThresholdSeconds", "60")).Buyer(0, "b1").ClockTo(60);
        Assert.Single(s.Of(RuleName));
    }

    [Fact]
    public void Backlog_WhereEveryBuyerWasAnswered_RaisesNoTimingAlerts()
    {
        // Ten minutes of traffic applied at once (a backlog): every buyer answered within 20 s. The script's
        // agent sends one reply over and over, which repeated_reply rightly flags: it is off here.
        var s = new ChatScript(("Rules:RepeatedReply:Enabled", "false"));
        for (var i = 0; i < 600; i += 3)
        {
            var c = $"c{i % 17}";
            s.Buyer(i, $"b{i}", conversation: c).Agent(i + 1 + (i % 19), $"a{i}", conversation: c);
        }
        s.ClockTo(600 + 1000);
        Assert.Empty(s.Alerts);
    }

    [Fact]
    public void ManyConversations_DeadlinesFireInEventTimeOrder()
    {
        var s = new ChatScript();
        for (var i = 0; i < 1000; i++) s.Buyer(i, $"b{i}", conversation: $"c{i}");
        s.ClockTo(10_000);
        var fired = s.Of(RuleName).ToList();
        Assert.Equal(1000, fired.Count);
        Assert.Equal(fired.OrderBy(a => a.EventTime).Select(a => a.AlertId), fired.Select(a => a.AlertId));
        Assert.Equal(0, s.Pipeline.PendingDeadlines);
    }

    [Fact]
    public void IdleConversations_AreEvicted()
    {
        var s = new ChatScript(("Rules:EventTime:EvictIdleAfterMinutes", "10")).Buyer(0, "b1").Agent(5, "a1");
        Assert.Equal(1, s.Pipeline.OpenConversations);
        s.ClockTo(11 * 60 + 5);
        Assert.Equal(0, s.Pipeline.OpenConversations);
    }
}
