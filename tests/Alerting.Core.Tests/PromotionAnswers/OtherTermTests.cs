using Alerting.Core.Rules.PromotionAnswers;
using static Alerting.Core.Tests.PromotionAnswers.PromoTestKit;

namespace Alerting.Core.Tests.PromotionAnswers;

public class PercentDiscountTests
{
    private static readonly WrongPromoAnswerRule Zhe85 = Rule(Promo(configure: p => p.PercentDiscount = new() { Zhe = 8.5m }));
    private static readonly WrongPromoAnswerRule TwoItems = Rule(Promo(configure: p => p.PercentDiscount = new() { Zhe = 8, MinItems = 2 }));

    [Theory]
    [InlineData("双11全场8.5折")]
    [InlineData("双11全场85折")]
    [InlineData("双11全场八五折")]
    [InlineData("双11全场打8.5折")]
    [InlineData("双11全场八点五折")]
    [InlineData("双11全场８.５折")]
    [InlineData("双11 全场 8.5 折")]
    [InlineData("双11折扣是8.5折哦")]
    public void CorrectPercent_StaysSilent(string text) => Assert.Empty(Run(Zhe85, Agent(text)));

    [Theory]
    [InlineData("双11全场8折", "8折")]
    [InlineData("双11全场八折", "8折")]
    [InlineData("双11全场打9折", "9折")]
    [InlineData("双11全场半价", "5折")]
    [InlineData("双11全场88折", "8.8折")]
    [InlineData("双11全场７折", "7折")]
    [InlineData("双11全场九五折", "9.5折")]
    [InlineData("双11全场七五折", "7.5折")]
    public void WrongPercent_Alerts(string text, string stated)
    {
        var alert = Single(Zhe85, Agent(text));
        Assert.Equal("percent_discount", Kind(alert));
        Assert.Equal("8.5折", Expected(alert));
        Assert.Equal(stated, Stated(alert));
    }

    [Theory]
    [InlineData("双11满2件8折", false)]
    [InlineData("双11两件8折", false)]
    [InlineData("双11两件打八折", false)]
    [InlineData("双11全场8折", false)]
    [InlineData("双11满3件8折", true)]
    [InlineData("双11两件7折", true)]
    public void ItemCount_IsCompared_WhenStated(string text, bool alerts)
        => Assert.Equal(alerts, Run(TwoItems, Agent(text)).Count == 1);

    [Theory]
    [InlineData("双11雨伞是三折叠的")]
    [InlineData("双11第2件半价是另一个活动")]
    [InlineData("双11不打折的")]
    public void NonDiscountUsesOfZhe_StaySilent(string text) => Assert.Empty(Run(Zhe85, Agent(text)));
}

public class CouponTests
{
    private static readonly WrongPromoAnswerRule Coupon = Rule(Promo(configure: p => p.Coupon = new() { FaceValue = 50, Threshold = 300 }));

    [Theory]
    [InlineData("双11满300可用50元券")]
    [InlineData("双11有50元优惠券")]
    [InlineData("双11领券满300减50")]
    [InlineData("双11满300减50的券")]
    [InlineData("双11券是50元的")]
    [InlineData("双11五十元券，满三百能用")]
    [InlineData("双11有50块的优惠券")]
    [InlineData("双11优惠券面额50元")]
    [InlineData("双11有￥50代金券")]
    [InlineData("双11满300元使用50元红包")]
    public void CorrectCoupon_StaysSilent(string text) => Assert.Empty(Run(Coupon, Agent(text)));

    [Theory]
    [InlineData("双11满200可用50元券", "满200可用券")]
    [InlineData("双11有30元优惠券", "30元券")]
    [InlineData("双11有50元无门槛券", "50元券（无门槛）")]
    [InlineData("双11领券满300减30", "满300可用30元券")]
    [InlineData("双11满200减50的券", "满200可用50元券")]
    [InlineData("双11券是100元", "100元券")]
    [InlineData("双11优惠券无门槛", "券（无门槛）")]
    public void WrongCoupon_Alerts(string text, string stated)
    {
        var alert = Single(Coupon, Agent(text));
        Assert.Equal("coupon", Kind(alert));
        Assert.Equal("满300可用50元券", Expected(alert));
        Assert.Equal(stated, Stated(alert));
    }
}

public class PresaleTests
{
    private static readonly WrongPromoAnswerRule Presale = Rule(Promo(configure: p => p.Presale = new()
    {
        Deposit = 50, Offset = 100, FinalPaymentStart = "2026-11-11T00:00:00+08:00", FinalPaymentEnd = "2026-11-12T00:00:00+08:00",
    }));

    [Theory]
    [InlineData("双11预售定金50抵100")]
    [InlineData("双11定金50元抵100元")]
    [InlineData("双11付定金五十抵一百")]
    [InlineData("双11 50定金抵100")]
    [InlineData("双11定金50可抵100")]
    [InlineData("双11定金50膨胀为100")]
    [InlineData("双11定金只要50")]
    [InlineData("双11是50元定金")]
    [InlineData("双11预售50抵100")]
    [InlineData("双11定金50，可以抵扣100元")]
    [InlineData("双11定金５０抵１００")]
    [InlineData("双11定金50抵100，尾款11月11日开始")]
    [InlineData("双11定金50抵100，尾款11.11开始付")]
    public void CorrectPresale_StaysSilent(string text) => Assert.Empty(Run(Presale, Agent(text)));

    [Theory]
    [InlineData("双11定金50抵150", "定金50抵150")]
    [InlineData("双11定金30抵100", "定金30抵100")]
    [InlineData("双11定金100", "定金100")]
    [InlineData("双11是30元定金", "定金30")]
    [InlineData("双11预售50抵150", "定金50抵150")]
    [InlineData("双11定金五十膨胀到两百", "定金50抵200")]
    [InlineData("双11定金50抵100，尾款11月12日开始", "尾款11月12日开始")]
    public void WrongPresale_Alerts(string text, string stated)
    {
        var alert = Single(Presale, Agent(text));
        Assert.Equal("presale", Kind(alert));
        Assert.Equal(stated, Stated(alert));
    }
}

public class PriceTests
{
    private static readonly WrongPromoAnswerRule Price = Rule(Promo(configure: p => p.Prices = [new() { Product = "保湿面霜", Price = 199 }, new() { Product = "精华水", Price = 89.9m }]));

    [Theory]
    [InlineData("双11保湿面霜到手价199")]
    [InlineData("双11保湿面霜活动价199元")]
    [InlineData("双11保湿面霜199元")]
    [InlineData("双11保湿面霜只要一百九十九")]
    [InlineData("双11保湿面霜原价299")]
    [InlineData("双11保湿面霜原价299，活动价199")]
    [InlineData("双11保湿面霜日常价格299")]
    [InlineData("双11精华水到手价89.9元")]
    [InlineData("双11保湿面霜到手价¥199")]
    [InlineData("双11保湿面霜现在是199块")]
    public void CorrectPrice_StaysSilent(string text) => Assert.Empty(Run(Price, Agent(text)));

    [Theory]
    [InlineData("双11保湿面霜到手价189", "保湿面霜189元")]
    [InlineData("双11保湿面霜原价299活动价189", "保湿面霜189元")]
    [InlineData("双11保湿面霜179元", "保湿面霜179元")]
    [InlineData("双11保湿面霜只要一百五", "保湿面霜150元")]
    [InlineData("双11精华水到手价99元", "精华水99元")]
    public void WrongPrice_Alerts(string text, string stated)
    {
        var alert = Single(Price, Agent(text));
        Assert.Equal("price", Kind(alert));
        Assert.Equal(stated, Stated(alert));
    }
}

public class ShippingTests
{
    private static readonly WrongPromoAnswerRule Shipping = Rule(Promo(configure: p => p.Shipping = new() { WithinHours = 48, ShipBy = "2026-11-15T00:00:00+08:00" }));

    [Theory]
    [InlineData("双11期间48小时内发货")]
    [InlineData("双11 48h发货")]
    [InlineData("双11两天内发货")]
    [InlineData("双11四十八小时之内发出")]
    [InlineData("双11的订单11月15日前发货")]
    [InlineData("双11的订单11月14日之前发货")]
    public void CorrectShipping_StaysSilent(string text) => Assert.Empty(Run(Shipping, Agent(text)));

    [Theory]
    [InlineData("双11期间24小时内发货", "24小时内发货")]
    [InlineData("双11 72小时发货", "72小时内发货")]
    [InlineData("双11三天内发货", "72小时内发货")]
    [InlineData("双11的订单11月13日前发货", "11月13日前发货")]
    public void WrongShipping_Alerts(string text, string stated)
    {
        var alert = Single(Shipping, Agent(text));
        Assert.Equal("shipping", Kind(alert));
        Assert.Equal(stated, Stated(alert));
    }
}
