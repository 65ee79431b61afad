using Alerting.Core.Alerts;
using Alerting.Core.Tests.Pipeline;
using static Alerting.Core.Rules.SlowResponse.SlowResponseRule;

namespace Alerting.Core.Tests.SlowResponse;

public class SlowResponseRuleTests
{
    [Fact]
    public void Reply_WithinThreshold_RaisesNothing()
    {
        var s = new ChatScript().Buyer(0, "b1").Agent(30, "a1");
        Assert.Empty(s.Of(RuleName));
    }

    [Fact]
    public void Reply_AfterThreshold_FiresWithFirstWaitingMessageAndReply()
    {
        var s = new ChatScript().Buyer(0, "b1").Buyer(10, "b2").Agent(45, "a1");
        var alert = Assert.Single(s.Of(RuleName));
        Assert.Equal(["b1", "a1"], alert.MessageIds);
        Assert.Equal(AlertIds.ForConversation(RuleName, "c1", "b1"), alert.AlertId);
        Assert.Equal(Severity.Medium, alert.Severity);
        Assert.Equal(ChatScript.Origin.AddSeconds(45), alert.EventTime);
        Assert.Equal(45.0, (double)alert.Evidence["delaySeconds"]!);
        Assert.Equal(2, (int)alert.Evidence["buyerMessages"]!);
        Assert.True((bool)alert.Evidence["firstResponse"]!);
        Assert.Equal("agent-1", alert.AgentId);
    }

    [Fact]
    public void Delay_OverHighTier_IsHighSeverity()
    {
        var s = new ChatScript().Buyer(0, "b1").Agent(121, "a1");
        Assert.Equal(Severity.High, Assert.Single(s.Of(RuleName)).Severity);
    }

    [Fact]
    public void BotReply_DoesNotEndWaiting_ByDefault()
    {
        var s = new ChatScript().Buyer(0, "b1").Bot(2).Agent(40, "a1");
        Assert.Equal(["b1", "a1"], Assert.Single(s.Of(RuleName)).MessageIds);
    }

    [Fact]
    public void BotReply_EndsWaiting_WhenStoreAcceptsBots()
    {
        var s = new ChatScript(("Rules:Stores:shop-a:Conversation:BotRepliesAnswer", "true")).Buyer(0, "b1").Bot(2).Agent(40, "a1");
        Assert.Empty(s.Of(RuleName));
    }

    [Fact]
    public void FirstAndLaterResponses_UseTheirOwnThresholds()
    {
        var s = new ChatScript(("Rules:SlowResponse:FirstResponseThresholdSeconds", "10"), ("Rules:SlowResponse:ThresholdSeconds", "60"))
            .Buyer(0, "b1").Agent(15, "a1")      // first response, 15 s > 10 s
            .Buyer(100, "b2").Agent(150, "a2");  // later response, 50 s <= 60 s
        var alert = Assert.Single(s.Of(RuleName));
        Assert.Equal(["b1", "a1"], alert.MessageIds);
    }

    [Fact]
    public void StoreOverride_AppliesOnlyToThatStore()
    {
        var s = new ChatScript(("Rules:Stores:shop-b:SlowResponse:ThresholdSeconds", "100"), ("Rules:Stores:shop-b:SlowResponse:FirstResponseThresholdSeconds", "100"));
        s.Send(ChatScript.Msg("b1", Alerting.Core.Messages.SenderKind.Buyer, 0, conversation: "c1", shop: "shop-b"));
        s.Send(ChatScript.Msg("a1", Alerting.Core.Messages.SenderKind.Agent, 60, conversation: "c1", shop: "shop-b"));
        s.Buyer(0, "b2", conversation: "c2").Agent(60, "a2", conversation: "c2");
        var alert = Assert.Single(s.Of(RuleName));
        Assert.Equal("c2", alert.ConversationId);
    }

    [Fact]
    public void ReplyArrivingBeforeItsBuyerMessage_CountsTheBuyerAsAnswered()
    {
        // Out of order within the allowance: the buyer's message (t=0) arrives after the reply (t=3).
        var s = new ChatScript().Agent(3, "a1").Buyer(0, "b1").ClockTo(1000);
        Assert.Empty(s.Alerts);
    }

    [Fact]
    public void BuyerMessageArrivingLate_MovesTheWaitStartEarlier()
    {
        var s = new ChatScript().Buyer(10, "b2").Buyer(2, "b1").Agent(35, "a1");
        var alert = Assert.Single(s.Of(RuleName));
        Assert.Equal(["b1", "a1"], alert.MessageIds);
        Assert.Equal(33.0, (double)alert.Evidence["delaySeconds"]!);
    }

    [Fact]
    public void SystemMessages_AreIgnored()
    {
        var s = new ChatScript().Buyer(0, "b1").Send(ChatScript.Msg("s1", Alerting.Core.Messages.SenderKind.System, 5, "系统提示：买家已下单")).Agent(40, "a1");
        Assert.Single(s.Of(RuleName));
    }

    [Fact]
    public void CourtesyClosing_DoesNotStartANewWait_WhenConfigured()
    {
        var s = new ChatScript(("Rules:Conversation:ClosingPhrases:0", "好的"), ("Rules:Conversation:ClosingPhrases:1", "谢谢"))
            .Buyer(0, "b1").Agent(5, "a1").Buyer(10, "b2", "谢谢！").ClockTo(1000);
        Assert.Empty(s.Alerts);
    }

    [Fact]
    public void CourtesyClosing_StartsAWait_ByDefault()
    {
        var s = new ChatScript().Buyer(0, "b1").Agent(5, "a1").Buyer(10, "b2", "谢谢！").ClockTo(1000);
        Assert.Single(s.Of(Alerting.Core.Rules.UnansweredBuyer.UnansweredBuyerRule.RuleName));
    }
}
