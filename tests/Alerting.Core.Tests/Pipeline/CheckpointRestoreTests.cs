using Alerting.Core.Pipeline;
using Alerting.Core.Rules.UnansweredBuyer;

namespace Alerting.Core.Tests.Pipeline;

public class CheckpointRestoreTests
{
    [Fact]
    public void Codec_RoundTripsEveryField()
    {
        var s = new ConversationState
        {
            ConversationId = "c-20261111-000123", ShopId = "shop-beauty-01", OwnerAgentId = "agent-01-02",
            FirstWaitingMessageId = "m-9", WaitingSince = ChatScript.Origin.AddSeconds(5), WaitingCount = 3,
            UnansweredFired = true, HasHumanReply = true, LastHumanReplyAt = ChatScript.Origin.AddSeconds(1),
            LastActivityAt = ChatScript.Origin.AddSeconds(9), Deadline = ChatScript.Origin.AddSeconds(185),
            AskedPromotion = new() { PromotionId = "d11", At = ChatScript.Origin.AddSeconds(2) },
        };
        var back = ConversationStateCodec.Decode(ConversationStateCodec.Encode(s));
        Assert.Equivalent(s, back);
        Assert.Equal(TimeSpan.FromHours(8), back.WaitingSince.Offset);
        var empty = ConversationStateCodec.Decode(ConversationStateCodec.Encode(new ConversationState { ConversationId = "c", ShopId = "s" }));
        Assert.Null(empty.FirstWaitingMessageId);
        Assert.Equal(default, empty.Deadline);
    }

    [Fact]
    public void Codec_RefusesAnUnknownVersion()
    {
        var bytes = ConversationStateCodec.Encode(new ConversationState { ConversationId = "c", ShopId = "s" });
        bytes[0] = 99;
        Assert.Throws<InvalidDataException>(() => ConversationStateCodec.Decode(bytes));
    }

    [Fact]
    public void RestoredPartition_FiresAWaitingBuyersDeadline_WithItsOriginalTime()
    {
        // First owner: a buyer starts waiting, then the owner goes away (only its checkpoint survives).
        var first = new ChatScript().Buyer(0, "b1").Buyer(10, "x1", conversation: "c2").Agent(12, "x2", conversation: "c2");
        var (changed, _) = first.Pipeline.TakeChanges();
        var checkpoint = changed.Select(ConversationStateCodec.Encode).ToList();

        // Next owner restores and continues with later records only.
        var next = new ChatScript();
        next.Pipeline.Restore(checkpoint.Select(ConversationStateCodec.Decode));
        Assert.Equal(2, next.Pipeline.OpenConversations);
        Assert.Equal(1, next.Pipeline.PendingDeadlines);
        next.Buyer(400, "y1", conversation: "c3");
        var alert = Assert.Single(next.Of(UnansweredBuyerRule.RuleName));
        Assert.Equal(["b1"], alert.MessageIds);
        Assert.Equal(ChatScript.Origin.AddSeconds(180), alert.EventTime);
    }

    [Fact]
    public void TakeChanges_ReportsChangedAndClosedConversationsOnce()
    {
        var s = new ChatScript().Buyer(0, "b1").Buyer(1, "x1", conversation: "c2").Close(2, conversation: "c2");
        var (changed, removed) = s.Pipeline.TakeChanges();
        Assert.Equal(["c1"], changed.Select(c => c.ConversationId));
        Assert.Equal([new ConversationKey("shop-a", "c2").CheckpointField], removed);
        var (again, removedAgain) = s.Pipeline.TakeChanges();
        Assert.Empty(again);
        Assert.Empty(removedAgain);
    }
}
