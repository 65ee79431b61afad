using Alerting.Core.Rules.PromotionAnswers;
using static Alerting.Core.Tests.PromotionAnswers.PromoTestKit;

namespace Alerting.Core.Tests.PromotionAnswers;

public class ThresholdDiscountTests
{
    private static readonly WrongPromoAnswerRule Simple = Rule(Promo(configure: p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 }));

    [Theory]
    [InlineData("双11满300减50")]
    [InlineData("双11满300-50")]
    [InlineData("双11满300－50")]
    [InlineData("双11满300—50哦")]
    [InlineData("双11满300元减50元")]
    [InlineData("双11满三百减五十")]
    [InlineData("双11满3百减50")]
    [InlineData("双11满300立减50")]
    [InlineData("双11 满 300 减 50")]
    [InlineData("双11满３００减５０")]
    [InlineData("双11是300减50的")]
    [InlineData("双11满300块减50块")]
    [InlineData("双11满¥300减¥50")]
    [InlineData("双11满￥300减￥50")]
    [InlineData("双11满300rmb减50rmb")]
    [InlineData("双11满300RMB减50")]
    [InlineData("双11满300可以减50")]
    [InlineData("双11满300就减50")]
    [InlineData("双11满三百元立减五十元")]
    [InlineData("双11满300元，立减50元")]
    [InlineData("双11满300的话减50")]
    [InlineData("双11满300以上减50")]
    [InlineData("双11满300减去50")]
    [InlineData("双11满300省50")]
    [InlineData("双11满300优惠50")]
    [InlineData("双11满叁佰减伍拾")]
    [InlineData("双11满300.00减50.00")]
    [InlineData("双11满 三 百 减 五 十")]
    [InlineData("双11满300元钱减50块钱")]
    [InlineData("双十一大促满300减50")]
    [InlineData("双11主会场：满300减50，可叠加店铺券")]
    [InlineData("亲，双11活动是满300减50的哦，您凑一下单就可以")]
    [InlineData("双11满300减50，您现在买280还差20")]
    [InlineData("双11满300直接减50")]
    [InlineData("双11全场满300马上减50")]
    public void CorrectThresholdPhrasings_StaySilent(string text)
        => Assert.Empty(Run(Simple, Agent(text)));

    [Theory]
    [InlineData("双11满200减50", "满减门槛说错", "满200减50")]
    [InlineData("双11满200-50", "满减门槛说错", "满200减50")]
    [InlineData("双11满两百减五十", "满减门槛说错", "满200减50")]
    [InlineData("双11满二百五十减50", "满减门槛说错", "满250减50")]
    [InlineData("双11满两百五减50", "满减门槛说错", "满250减50")]
    [InlineData("双11满2百减50", "满减门槛说错", "满200减50")]
    [InlineData("双11满２００减５０", "满减门槛说错", "满200减50")]
    [InlineData("双11 满 200 元 减 50 元", "满减门槛说错", "满200减50")]
    [InlineData("双11满200立减50", "满减门槛说错", "满200减50")]
    [InlineData("双11满¥200减¥50", "满减门槛说错", "满200减50")]
    [InlineData("双11满400减50", "满减门槛说错", "满400减50")]
    [InlineData("双11是200减50", "满减门槛说错", "满200减50")]
    [InlineData("双11满300减30", "满减金额说错", "满300减30")]
    [InlineData("双11满300减三十", "满减金额说错", "满300减30")]
    [InlineData("双11满300立减60元", "满减金额说错", "满300减60")]
    [InlineData("双11满300-80", "满减金额说错", "满300减80")]
    [InlineData("双11满三百减一百", "满减金额说错", "满300减100")]
    [InlineData("双11满200减30", "满减说错", "满200减30")]
    [InlineData("双11满1.5万减2000", "满减说错", "满15000减2000")]
    [InlineData("双11满一万五减两千", "满减说错", "满15000减2000")]
    [InlineData("双11每满300减50", "满减规则说错", "每满300减50")]
    [InlineData("双十一大促满200减50", "满减门槛说错", "满200减50")]
    [InlineData("亲，双11活动是满200减50的哦", "满减门槛说错", "满200减50")]
    public void WrongThresholds_AlertWithExpectedAndStated(string text, string headline, string stated)
    {
        var alert = Single(Simple, Agent(text));
        Assert.Equal("threshold_discount", Kind(alert));
        Assert.Equal("满300减50", Expected(alert));
        Assert.Equal(stated, Stated(alert));
        Assert.StartsWith(headline + "：活动为满300减50，客服回复" + stated, alert.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Alert_HasContractShapeAndSpanIntoOriginalText()
    {
        var text = "亲 双11 满２００减５０哦";
        var alert = Single(Simple, Agent(text));
        Assert.Equal(WrongPromoAnswerRule.RuleName, alert.Rule);
        Assert.Equal(Alerting.Core.Alerts.AlertIds.ForConversation("wrong_promo_answer", "c1", "m-2"), alert.AlertId);
        Assert.Equal(Alerting.Core.Alerts.Severity.High, alert.Severity);
        Assert.Equal("shop-a", alert.ShopId);
        Assert.Equal("agent-07", alert.AgentId);
        Assert.Equal(["m-2"], alert.MessageIds);
        Assert.Equal(During, alert.EventTime);
        Assert.Equal(default, alert.DetectedAt);
        Assert.Equal("满减门槛说错：活动为满300减50，客服回复满200减50", alert.Summary);
        Assert.Equal("d11", (string)alert.Evidence["promotion"]!);
        var start = (int)alert.Evidence["start"]!;
        var length = (int)alert.Evidence["length"]!;
        Assert.Equal("满２００减５０", text.Substring(start, length));
        Assert.Equal("满２００减５０", (string)alert.Evidence["statedText"]!);
    }

    [Fact]
    public void SpanOfChineseNumerals_CoversTheWholeNumeral()
    {
        var text = "双11满两百五减五十";
        var alert = Single(Simple, Agent(text));
        Assert.Equal("满两百五减五十", text.Substring((int)alert.Evidence["start"]!, (int)alert.Evidence["length"]!));
    }

    [Fact]
    public void Severity_ComesFromThePromotion()
    {
        var rule = Rule(Promo(configure: p => { p.Severity = "critical"; p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 }; }));
        Assert.Equal(Alerting.Core.Alerts.Severity.Critical, Single(rule, Agent("双11满200减50")).Severity);
    }

    private static readonly WrongPromoAnswerRule Ladder = Rule(Promo(configure: p => p.ThresholdDiscount = new()
    {
        Threshold = 300,
        Amount = 50,
        Tiers = [new() { Threshold = 600, Amount = 120 }, new() { Threshold = 1000, Amount = 220 }],
    }));

    [Theory]
    [InlineData("双11满300减50")]
    [InlineData("双11满600减120")]
    [InlineData("双11满1000减220")]
    [InlineData("双11满300减50，满600减120，满1000减220")]
    [InlineData("双11满六百减一百二")]
    [InlineData("双11满一千减二百二十")]
    public void LadderRungs_EachMatch(string text) => Assert.Empty(Run(Ladder, Agent(text)));

    [Theory]
    [InlineData("双11满600减100", "满600减120", "满减金额说错")]
    [InlineData("双11满500减120", "满600减120", "满减门槛说错")]
    [InlineData("双11满1000减200", "满1000减220", "满减金额说错")]
    [InlineData("双11满800减150", "满300减50", "满减说错")]
    public void Ladder_ReportsTheNearestRung(string text, string expected, string headline)
    {
        var alert = Single(Ladder, Agent(text));
        Assert.Equal(expected, Expected(alert));
        Assert.StartsWith(headline, alert.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void OneWrongRungAmongRightOnes_AlertsOnceWithFindings()
    {
        var alert = Single(Ladder, Agent("双11满300减50，满600减100，满1000减200"));
        Assert.Equal("满600减100", Stated(alert));
        Assert.Equal(2, alert.Evidence["findings"]!.AsArray().Count);
        Assert.EndsWith("（另有1处）", alert.Summary, StringComparison.Ordinal);
    }

    private static readonly WrongPromoAnswerRule PerEvery = Rule(Promo(configure: p => p.ThresholdDiscount = new()
    {
        Threshold = 300, Amount = 50, PerEvery = true, Cap = 300,
    }));

    [Theory]
    [InlineData("双11每满300减50")]
    [InlineData("双11满300减50")]
    [InlineData("双11每满300减50，满600减100")]
    [InlineData("双11每满三百减五十，满九百减一百五")]
    [InlineData("双11每满300减50，最多减300")]
    [InlineData("双11每满300减50，最高可减300元")]
    [InlineData("双11每满300减50，300封顶")]
    [InlineData("双11每300减50")]
    public void PerEveryStatementsAndWorkedExamples_StaySilent(string text) => Assert.Empty(Run(PerEvery, Agent(text)));

    [Theory]
    [InlineData("双11每满300减50，上不封顶", "上不封顶")]
    [InlineData("双11每满300减50，最多减200", "最多减200")]
    [InlineData("双11每满300减50，封顶500", "最多减500")]
    [InlineData("双11满2100减350", "满2100减350")]
    [InlineData("双11满600减120", "满600减120")]
    public void PerEveryWrongCapOrMultiple_Alerts(string text, string stated)
    {
        var alert = Single(PerEvery, Agent(text));
        Assert.Equal(stated, Stated(alert));
        Assert.Equal("每满300减50，最多减300", Expected(alert));
    }

    [Theory]
    [InlineData("双11有满减，具体看页面")]
    [InlineData("双11快递可能晚2天到")]
    [InlineData("双11的货11月15日前都能到")]
    [InlineData("双11这款卖了300多件")]
    [InlineData("满200减50")]
    [InlineData("店铺满99包邮，满200减50是另一个活动")]
    [InlineData("双11满2件减50")]
    [InlineData("双11库存还剩300，减50件就没了")]
    public void MessagesAboutSomethingElse_StaySilent(string text) => Assert.Empty(Run(Simple, Agent(text)));
}
