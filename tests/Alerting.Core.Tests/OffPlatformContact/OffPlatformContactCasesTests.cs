using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.OffPlatformContact;
using Xunit.Abstractions;
using static Alerting.Core.Tests.TestKit.TextRuleKit;

namespace Alerting.Core.Tests.OffPlatformContact;

/// <summary>Table-driven cases of <c>off_platform_contact</c>, written the way agents type (and dodge filters).</summary>
public sealed class OffPlatformContactCasesTests(ITestOutputHelper output)
{
    private static readonly OffPlatformContactRule Default = new(new OffPlatformContactOptions());

    /// <summary>Agent messages that move the buyer off the platform, with the category of the first reason.</summary>
    public static TheoryData<string, string> OffPlatform => new()
    {
        { "亲，加我微信吧，那边方便发图", "contact" },
        { "加我v信，给您便宜点", "contact" },
        { "加 薇 信 细聊哦😊", "contact" },
        { "加ＶＸ：ｋｅｆｕ８８８", "contact" },
        { "我的vx是abc_12345", "contact" },
        { "wx：kefu20261111 加一下呗", "contact" },
        { "微信号 xiaomei_shop 备注淘宝", "contact" },
        { "vx 13812345678", "contact" },
        { "微信：一三八一二三四五六七八", "contact" },
        { "加威信发您优惠券", "contact" },
        { "加个徽信呗亲", "contact" },
        { "您加下绿泡泡，我拉您进群", "contact" },
        { "加我扣扣123456789", "contact" },
        { "QQ号：987654321，有问题找我", "contact" },
        { "加q q聊", "contact" },
        { "企鹅号 55667788", "contact" },
        { "加我好友，下次直接找我买", "contact" },
        { "私聊我，给您内部价", "contact" },
        { "有问题打我电话13812345678", "contact" },
        { "直接打我手机哈", "contact" },
        { "我的电话：139-1234-5678，随时联系", "contact" },
        { "拨一三九一二三四五六七八找我就行", "phone" },
        { "联系我 ①③⑧①②③④⑤⑥⑦⑧ 就可以", "phone" },
        { "有事打 021-62345678 找我", "phone" },
        { "我的号码１３８１２３４５６７８", "contact" },
        { "私人微信发您了", "contact" },
        { "我的私人电话给您，随时打", "contact" },
        { "加我們的微信吧", "contact" },
        { "我的钉钉是xiaomei88", "contact" },
        { "咱们私下交易，便宜50", "payment" },
        { "不走平台可以再便宜点哦", "payment" },
        { "您直接转我支付宝就行", "payment" },
        { "支付宝转账给我，我马上发货", "payment" },
        { "微信转账也可以的亲", "payment" },
        { "扫我的码付款就行", "payment" },
        { "私 下 转 账更划算", "payment" },
        { "私*下*交*易，懂的", "payment" },
        { "线下付款可以打九折", "payment" },
        { "绕过平台直接发货给您", "payment" },
        { "差价您发红包给我就行", "payment" },
        { "尾款打到我卡上就可以", "payment" },
        { "这单不走淘宝，省手续费", "payment" },
        { "亲~加我微信哦，朋友圈天天有活动呢", "contact" },
    };

    /// <summary>Agent messages that stay on the platform (warnings, refusals, platform features, everyday words).</summary>
    public static TheoryData<string> OnPlatform => new()
    {
        "亲，请不要私下转账，谨防诈骗哦",
        "平台规定不能加微信的，有问题在这里问就行",
        "我们不加微信哦，旺旺随时找我",
        "请勿私下交易，所有付款都走平台",
        "千万别加陌生人微信，都是骗子",
        "淘宝不支持微信支付哦，可以用支付宝或花呗",
        "可以用支付宝付款，也可以用花呗分期",
        "加入会员可以领券哦",
        "加我们店铺会员享9折",
        "加购物车，双11当天付款就行",
        "您可以加入淘宝群，群里有抽奖",
        "参加我们的满300减50活动哦",
        "叠加优惠券更划算",
        "我帮您转给我们售后同事处理",
        "这边帮您转给我同事，稍等",
        "我的订单里看不到吗？在我的淘宝-订单里",
        "这款手机壳适配华为Mate70",
        "有问题随时旺旺找我哦",
        "官方客服热线400-820-8820，工作日9点到18点",
        "物流电话是快递公司的，单号SF1234567890123",
        "您的收货电话13812345678对吗",
        "收货人电话139 1234 5678已经核对",
        "qq音乐会员是另外的活动哦",
        "企鹅图案的那款卖完了",
        "微信小程序下单也是一样的价格",
        "付款后48小时内发货",
        "退款会原路退回到您的支付宝",
        "您可以在订单页面申请退款",
        "扫码领券，在商品详情页就有",
        "增加了赠品，满299送化妆包",
        "快递员会打电话联系您的",
        "亲，您好，有什么可以帮您的吗😊",
        "活动时间11月10日20:00到11月11日23:59",
        "库存还有30件，现在下单48小时发货",
        "我们是官方旗舰店，正品保证",
        "您填的电话是不是少了一位呀",
        "这个尺码偏大一码，建议拍小一码",
        "请您保持电话畅通，快递会联系您",
        "满300减50，可以和店铺券叠加",
        "订单号2345678901234567890已经加急",
        "电话是010-61039585，您存下。",
        "那你记一下13910105454。",
        "他家电话是010-60595281",
        "亲，我是小橙，同事把您转给我了，您的问题我来跟进😊",
        "直接转我这边处理就好",
        "您可以打电话问下顺丰，电话是95338",
        "您可以拨打品牌售后010-62910099咨询",
        "是私人电话吗？",
    };

    [Theory]
    [MemberData(nameof(OffPlatform))]
    public void Evaluate_AgentMovesBuyerOffPlatform_AlertsHigh(string text, string category)
    {
        var alert = Assert.Single(Evaluate(Default, Message(text)));
        output.WriteLine(alert.Summary + " " + alert.Evidence.ToJsonString());
        Assert.Equal(OffPlatformContactRule.RuleName, alert.Rule);
        Assert.Equal(Severity.High, alert.Severity);
        var matches = alert.Evidence["matches"]!.AsArray();
        Assert.Contains(matches, m => (string)m!["category"]! == category);
        foreach (var m in matches)
        {
            var start = (int)m!["start"]!;
            var length = (int)m["length"]!;
            Assert.InRange(start + length, 1, text.Length);
        }
        // Numbers in the evidence are masked (no run of 8 digits is written).
        Assert.DoesNotMatch(@"\d{8,}", alert.Evidence.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(OnPlatform))]
    public void Evaluate_AgentStaysOnPlatform_StaysSilent(string text)
    {
        var alerts = Evaluate(Default, Message(text));
        foreach (var a in alerts) output.WriteLine(a.Summary + " " + a.Evidence.ToJsonString());
        Assert.Empty(alerts);
    }

    [Fact]
    public void Tables_HaveAtLeastFortyCasesEach()
    {
        Assert.True(OffPlatform.Count >= 40, $"{OffPlatform.Count} positive cases");
        Assert.True(OnPlatform.Count >= 40, $"{OnPlatform.Count} negative cases");
    }

    [Theory]
    [InlineData(SenderKind.Buyer)]
    [InlineData(SenderKind.Bot)]
    public void Evaluate_NotAnAgent_StaysSilent(SenderKind sender) => Assert.Empty(Evaluate(Default, Message("加我微信吧", sender)));
}
