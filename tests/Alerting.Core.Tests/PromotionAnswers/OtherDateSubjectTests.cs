using Alerting.Core.Tests.Pipeline;

namespace Alerting.Core.Tests.PromotionAnswers;

/// <summary>Dates about the final payment, shipping or refunds are not claims about the promotion's dates.</summary>
public class OtherDateSubjectTests
{
    private static ChatScript Store() => new(
        ("Rules:Stores:shop-a:Promotions:0:Id", "d11"),
        ("Rules:Stores:shop-a:Promotions:0:Name", "双11狂欢满减"),
        ("Rules:Stores:shop-a:Promotions:0:Start", "2026-11-09T20:00:00+08:00"),
        ("Rules:Stores:shop-a:Promotions:0:End", "2026-11-12T23:59:59+08:00"),
        ("Rules:Stores:shop-a:Promotions:0:ThresholdDiscount:Threshold", "599"),
        ("Rules:Stores:shop-a:Promotions:0:ThresholdDiscount:Amount", "100"));

    [Theory]
    [InlineData("尾款11月17日晚上8点开始支付，手机上会收到提醒！")]
    [InlineData("双11狂欢满减的订单11月15日开始发货")]
    [InlineData("退款11月14日开始陆续到账")]
    public void DateAboutSomethingElse_AfterABuyerAskedAboutThePromotion_IsSilent(string reply)
    {
        var s = Store().Buyer(0, "b1", "双11狂欢满减什么时候开始？").Agent(5, "a1", reply);
        Assert.DoesNotContain(s.Alerts, a => a.Rule == "wrong_promo_answer");
    }

    [Fact]
    public void WrongStartDate_OfThePromotion_StillFires()
    {
        var s = Store().Buyer(0, "b1", "双11狂欢满减什么时候开始？").Agent(5, "a1", "双11狂欢满减11月14日开始哦");
        Assert.Contains(s.Alerts, a => a.Rule == "wrong_promo_answer");
    }
}
