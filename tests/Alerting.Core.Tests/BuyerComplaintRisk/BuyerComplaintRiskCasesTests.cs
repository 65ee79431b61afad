using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.BuyerComplaintRisk;
using Xunit.Abstractions;
using static Alerting.Core.Tests.TestKit.TextRuleKit;

namespace Alerting.Core.Tests.BuyerComplaintRisk;

/// <summary>Table-driven cases of <c>buyer_complaint_risk</c>, written the way buyers type.</summary>
public sealed class BuyerComplaintRiskCasesTests(ITestOutputHelper output)
{
    private static readonly BuyerComplaintRiskRule Default = new(new BuyerComplaintRiskOptions());

    /// <summary>Buyer messages with a signal, and the severity of the alert.</summary>
    public static TheoryData<string, string> Risky => new()
    {
        { "再不处理我就投诉了", "critical" },
        { "我要投诉你们！", "critical" },
        { "打12315了，等着吧", "critical" },
        { "我已经打１２３１５了", "critical" },
        { "去工商局告你们", "critical" },
        { "找消协评理", "critical" },
        { "我要去消费者协会", "critical" },
        { "必须给差评", "critical" },
        { "差评！！！", "critical" },
        { "等着吃差评吧", "critical" },
        { "直接中差评伺候", "critical" },
        { "这种店就该曝光", "critical" },
        { "发微博曝光你们", "critical" },
        { "我要举报这家店", "critical" },
        { "找律师起诉你们", "critical" },
        { "我去法院告你们", "critical" },
        { "再这样我报警了", "critical" },
        { "315见吧", "critical" },
        { "黑猫上见", "critical" },
        { "我要维权", "critical" },
        { "找媒体说说这事", "critical" },
        { "投 诉", "critical" },
        { "差 评 警 告", "critical" },
        { "給差評", "critical" },
        { "亲，你们再这样我要投诉了哦", "critical" },
        { "给一星😡", "critical" },
        { "市场监管局见", "critical" },
        { "你们是骗子吧", "medium" },
        { "你们是不是骗子啊", "medium" },
        { "什么垃圾店", "medium" },
        { "黑店！", "medium" },
        { "这是第三次问了", "medium" },
        { "第 3 次问了还没人管", "medium" },
        { "我都问了好几遍了", "medium" },
        { "说了多少遍了", "medium" },
        { "到底有没有人？", "medium" },
        { "怎么还不发货？？？", "medium" },
        { "这都几天了!!!", "medium" },
        { "什么态度", "medium" },
        { "客服态度太差了", "medium" },
        { "太过分了吧", "medium" },
        { "坑人啊这是", "medium" },
        { "气死我了", "medium" },
        { "一直没人回，受够了", "medium" },
        { "退钱！", "medium" },
        { "到底什么时候发？！？", "medium" },
        { "敷衍我是吧", "medium" },
    };

    /// <summary>Buyer messages without a complaint or strong emotion (questions, thanks, mild impatience, negations).</summary>
    public static TheoryData<string> Calm => new()
    {
        "这款差评多吗？",
        "看到有差评说起球，是真的吗",
        "怎么这么多差评啊",
        "差评里说有色差，会吗",
        "放心，我不会给差评的",
        "不投诉，就是问问",
        "评价一下，挺好的",
        "好评已经给了哈",
        "用工商银行卡可以付款吗",
        "在吗？",
        "？？",
        "有人吗",
        "怎么不回消息",
        "客服？",
        "还在吗",
        "回一下呀",
        "快递3天了还没到",
        "退款怎么还没到",
        "我要退款",
        "不想要了能退吗",
        "干嘛一直不发货啊",
        "显示已签收但我没收到",
        "这是第一次买，怎么用呀",
        "第二件半价吗",
        "满300减50吗",
        "好的谢谢",
        "多媒体播放器支持吗",
        "价格3150元对吗",
        "麻烦快点",
        "急用",
        "能便宜点吗？",
        "颜色和图片不一样啊",
        "包装压坏了，能补发吗",
        "有点过敏，怎么办",
        "能开发票吗",
        "行，我再看看",
        "这个是正品吧？",
        "你们不是骗子吧哈哈",
        "那我等等",
        "啊？真的吗！",
        "好的！谢谢！",
        "12月还有活动吗",
    };

    [Theory]
    [MemberData(nameof(Risky))]
    public void Evaluate_BuyerSignal_AlertsAtItsTier(string text, string severity)
    {
        var alert = Assert.Single(Evaluate(Default, Message(text, SenderKind.Buyer)));
        output.WriteLine(alert.Summary);
        Assert.Equal(BuyerComplaintRiskRule.RuleName, alert.Rule);
        Assert.Equal(severity, Alert.SeverityName(alert.Severity));
        Assert.NotEmpty(alert.Evidence["signals"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(Calm))]
    public void Evaluate_CalmBuyer_StaysSilent(string text)
    {
        var alerts = Evaluate(Default, Message(text, SenderKind.Buyer));
        foreach (var a in alerts) output.WriteLine(a.Summary);
        Assert.Empty(alerts);
    }

    [Fact]
    public void Tables_HaveAtLeastFortyCasesEach()
    {
        Assert.True(Risky.Count >= 40, $"{Risky.Count} positive cases");
        Assert.True(Calm.Count >= 40, $"{Calm.Count} negative cases");
    }

    [Fact]
    public void Evaluate_AgentSaysTheWords_StaysSilent() => Assert.Empty(Evaluate(Default, Message("您别投诉，我马上处理", SenderKind.Agent)));
}
