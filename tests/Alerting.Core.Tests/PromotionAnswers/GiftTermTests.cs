using Alerting.Core.Rules.PromotionAnswers;
using static Alerting.Core.Tests.PromotionAnswers.PromoTestKit;

namespace Alerting.Core.Tests.PromotionAnswers;

/// <summary>满赠: the stated gift threshold (and, conservatively, the item) against <see cref="GiftTerms"/>.</summary>
public class GiftTermTests
{
    private static readonly WrongPromoAnswerRule Gift199 = Rule(Promo(configure: p =>
    {
        p.Gift = new() { Item = "保温杯", Threshold = 199 };
        p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 };
    }));

    private static readonly WrongPromoAnswerRule GiftFree = Rule(Promo(configure: p => p.Gift = new() { Item = "旅行装小样", Threshold = 0 }));

    [Theory]
    [InlineData("双11满199送保温杯")]
    [InlineData("双11满199元赠送保温杯")]
    [InlineData("双11满一百九十九送保温杯")]
    [InlineData("双11满１９９送保温杯哦")]
    [InlineData("双11 满 199 元 送 保温杯")]
    [InlineData("双11满¥199就送保温杯")]
    [InlineData("双11满199块即赠保温杯一个")]
    [InlineData("双11满199可获赠保温杯")]
    [InlineData("双11满199送您一个保温杯")]
    [InlineData("双11满199送价值59元的保温杯")]
    [InlineData("双11满199就送哦")]
    [InlineData("双11满199有赠品")]
    [InlineData("双11满199送杯子")]
    [InlineData("双11满199送保温水杯")]
    [InlineData("双11满199送保温杯或雨伞，二选一")]
    [InlineData("双11满199元以上送保温杯")]
    [InlineData("双11满300减50还送保温杯")]
    [InlineData("双11满300减50，满199送保温杯")]
    [InlineData("双11满199送50元券")]
    [InlineData("双11满199送运费险")]
    [InlineData("双11满199送货上门")]
    [InlineData("双11保温杯送完即止")]
    [InlineData("双11买家秀晒图就送保温杯")]
    [InlineData("双11不是买就送，满199才送")]
    [InlineData("双11买2件送1件")]
    [InlineData("双11满2件送保温杯")]
    [InlineData("满299送保温杯")] // no promotion named or asked about
    [InlineData("双11满199送什么呀")]
    [InlineData("双11满199送您精美礼品一份")]
    [InlineData("双11满199送的是保温杯哦")]
    public void RightOrUnrelatedGiftStatements_StaySilent(string text) => Assert.Empty(Run(Gift199, Agent(text)));

    [Theory]
    [InlineData("双11满299送保温杯", "赠品门槛说错", "满299送保温杯")]
    [InlineData("双11满二百九十九送保温杯", "赠品门槛说错", "满299送保温杯")]
    [InlineData("双11满２９９元赠送保温杯", "赠品门槛说错", "满299送保温杯")]
    [InlineData("双11满¥99就送保温杯", "赠品门槛说错", "满99送保温杯")]
    [InlineData("双11满100块送", "赠品门槛说错", "满100送赠品")]
    [InlineData("双11满299有赠品", "赠品门槛说错", "满299送赠品")]
    [InlineData("双11买就送保温杯", "赠品门槛说错", "买就送保温杯")]
    [InlineData("双11下单就送保温杯", "赠品门槛说错", "买就送保温杯")]
    [InlineData("双11下单送保温杯，送完即止", "赠品门槛说错", "买就送保温杯")]
    [InlineData("双11无门槛送保温杯", "赠品门槛说错", "买就送保温杯")]
    [InlineData("双11买任意商品就送", "赠品门槛说错", "买就送赠品")]
    [InlineData("双11买保湿面霜就送保温杯", "赠品门槛说错", "买就送保温杯")]
    [InlineData("双11拍下即送保温杯", "赠品门槛说错", "买就送保温杯")]
    [InlineData("双11满199送雨伞", "赠品说错", "满199送雨伞")]
    [InlineData("双11满199赠送一把雨伞哦", "赠品说错", "满199送雨伞")]
    [InlineData("双11满300减50还送雨伞", "赠品说错", "送雨伞")]
    [InlineData("双11满299送雨伞", "赠品门槛说错", "满299送雨伞")]
    public void WrongGiftTerms_Alert(string text, string headline, string stated)
    {
        var alert = Single(Gift199, Agent(text));
        Assert.Equal("gift", Kind(alert));
        Assert.Equal("满199送保温杯", Expected(alert));
        Assert.Equal(stated, Stated(alert));
        Assert.StartsWith($"{headline}：活动为满199送保温杯，客服回复{stated}", alert.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("双11买就送旅行装小样")]
    [InlineData("双11下单就送小样")]
    [InlineData("双11下单送试用装")]
    [InlineData("双11无门槛送旅行装小样")]
    [InlineData("双11购买即送")]
    public void ZeroThresholdGiftStatedAsBuyAndGet_StaysSilent(string text) => Assert.Empty(Run(GiftFree, Agent(text)));

    [Theory]
    [InlineData("双11满199送旅行装小样", "满199送旅行装小样")]
    [InlineData("双11满五十送小样", "满50送小样")]
    public void ZeroThresholdGiftStatedWithAThreshold_Alerts(string text, string stated)
    {
        var alert = Single(GiftFree, Agent(text));
        Assert.Equal("买就送旅行装小样", Expected(alert));
        Assert.Equal(stated, Stated(alert));
    }

    [Fact]
    public void GiftAndDiscountInOneMessage_AreEachCompared()
    {
        // 满200减50 is a wrong 满减 and 满299送 a wrong gift: two findings, one alert.
        var alert = Single(Gift199, Agent("双11满200减50还满299送保温杯"));
        var findings = alert.Evidence["findings"]!.AsArray();
        Assert.Equal(["threshold_discount", "gift"], findings.Select(f => (string)f!["kind"]!));
    }

    [Fact]
    public void RightDiscountWithGift_StaysSilentAndWrongDiscountWithGiftAlertsAsDiscount()
    {
        Assert.Empty(Run(Gift199, Agent("双11满300减50还送保温杯")));
        var alert = Single(Gift199, Agent("双11满200减50还送保温杯"));
        Assert.Equal("threshold_discount", Kind(alert));
        Assert.Equal("满200减50", Stated(alert));
    }

    [Fact]
    public void Evidence_HasTheContractShapeWithASpanIntoTheOriginalText()
    {
        var text = "亲，双11满２９９元赠送保温杯哦";
        var alert = Single(Gift199, Agent(text));
        Assert.Equal("d11", (string)alert.Evidence["promotion"]!);
        Assert.Equal("gift", Kind(alert));
        Assert.Equal("满199送保温杯", Expected(alert));
        Assert.Equal("满299送保温杯", Stated(alert));
        var start = (int)alert.Evidence["start"]!;
        var length = (int)alert.Evidence["length"]!;
        Assert.Equal("满２９９元赠送保温杯", text.Substring(start, length));
        Assert.Equal("满２９９元赠送保温杯", (string)alert.Evidence["statedText"]!);
        Assert.Equal(["m-2"], alert.MessageIds);
    }

    [Fact]
    public void EvidenceSpanOfABuyAndGetClaim_CoversTheClaim()
    {
        var text = "双11下单就送保温杯";
        var alert = Single(Gift199, Agent(text));
        Assert.Equal("下单就送保温杯", (string)alert.Evidence["statedText"]!);
        Assert.Equal(text.IndexOf('下', StringComparison.Ordinal), (int)alert.Evidence["start"]!);
    }

    [Fact]
    public void Buyer_AskedAboutThePromotion_ThenAgentStatesAWrongGiftThreshold()
    {
        var alerts = Run(Gift199, Buyer("双11有赠品吗"), Agent("有的亲，满299送保温杯", During.AddMinutes(1)));
        Assert.Equal("满299送保温杯", Stated(Assert.Single(alerts)));
    }

    [Fact]
    public void GiftRightForAnotherPromotionOfTheStore_StaysSilent()
    {
        var rule = Rule(
            Promo("d11", p => p.Gift = new() { Item = "保温杯", Threshold = 199 }),
            Promo("cat", p => { p.Name = "家电专场"; p.Aliases = []; p.Gift = new() { Item = "雨伞", Threshold = 299 }; }));
        Assert.Empty(Run(rule, Agent("双11满299送雨伞")));
        Assert.Single(Run(rule, Agent("双11满399送雨伞")));
    }

    [Fact]
    public void PromotionWithoutAGift_DoesNotJudgeGiftStatements()
        => Assert.Empty(Run(Rule(Promo(configure: p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 })), Agent("双11满299送保温杯")));
}
