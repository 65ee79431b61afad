using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.PersonalDataExposure;
using Xunit.Abstractions;
using static Alerting.Core.Tests.TestKit.TextRuleKit;

namespace Alerting.Core.Tests.PersonalDataExposure;

/// <summary>Table-driven cases of <c>personal_data_exposure</c>, written the way agents type.</summary>
public sealed class PersonalDataExposureCasesTests(ITestOutputHelper output)
{
    private static readonly PersonalDataExposureRule Default = new(new PersonalDataExposureOptions());

    /// <summary>Agent messages that expose a buyer's number: text, kind, masked form.</summary>
    public static TheoryData<string, string, string> Exposing => new()
    {
        // Phones, with what makes them the buyer's.
        { "亲，您的手机号13812345678对吗？", "phone", "138****5678" },
        { "您预留的电话是13912345678哦", "phone", "139****5678" },
        { "收货人：张三 15012345678 北京市朝阳区建国路88号", "phone", "150****5678" },
        { "收件电话 186-1234-5678，地址没问题呢", "phone", "186****5678" },
        { "是13812345678这个号码吗亲", "phone", "138****5678" },
        { "您登记的手机：138 1234 5678", "phone", "138****5678" },
        { "您的号码１３８１２３４５６７８已经备注啦😊", "phone", "138****5678" },
        { "亲的手机号是+86 13812345678吗", "phone", "138****5678" },
        { "您留的号8613812345678打不通呢", "phone", "138****5678" },
        { "买家电话：17712345678，快递会联系您哦", "phone", "177****5678" },
        { "您的手机号①③⑧①②③④⑤⑥⑦⑧没错吧", "phone", "138****5678" },
        { "客户联系人 19912345678 已备注", "phone", "199****5678" },
        { "您提供的号码是16612345678对吧~", "phone", "166****5678" },
        { "帮您核对一下收货信息：李四，13512345678，浙江省杭州市", "phone", "135****5678" },
        { "您绑定的手机13712345678收不到验证码吗？", "phone", "137****5678" },
        { "您的电话一三八一二三四五六七八对吗", "phone", "138****5678" },
        { "本人手机号:13612345678", "phone", "136****5678" },
        { "您下单时填的电话是18812345678，是不是写错了呀", "phone", "188****5678" },
        { "亲～您的收货电话是 139.1234.5678 嘛？我这边核对下", "phone", "139****5678" },
        { "您的订单收货电话13812345678，已经帮您改好了", "phone", "138****5678" },
        // Resident ids (check character verified).
        { "您的身份证号110105199003071239已经登记", "resident_id", "110***********1239" },
        { "身份证：440306198512114566，姓名王五", "resident_id", "440***********4566" },
        { "报关需要实名，您提供的是320102197808150023对吗", "resident_id", "320***********0023" },
        { "亲，证件号码11010819850615118X", "resident_id", "110***********118X" },
        { "证件号11010819850615118x我这边提交了", "resident_id", "110***********118X" },
        { "实名信息 510107 19950620 1872 已同步海关", "resident_id", "510***********1872" },
        { "身份证号 330106-19881111-2345", "resident_id", "330***********2345" },
        { "210202197001010011", "resident_id", "210***********0011" },
        { "您的身份证４４０１０６１９９９１２３１５６７８提交成功", "resident_id", "440***********5678" },
        { "好的亲，110105199003071239，海关那边会核验哦~", "resident_id", "110***********1239" },
        // Bank cards (scheme prefix, Luhn verified).
        { "退款会打到您的银行卡6222021001123456789", "bank_card", "6222***********6789" },
        { "卡号 6217 0012 3456 7890 122 已经登记了", "bank_card", "6217***********0122" },
        { "您的储蓄卡：4367420012345673", "bank_card", "4367********5673" },
        { "信用卡5187-1000-1234-5678-1尾号不对吗", "bank_card", "5187*********6781" },
        { "打款账户6228480012345678903，户名张三", "bank_card", "6228***********8903" },
        { "亲，核对一下您的卡号9558801234567890128哦", "bank_card", "9558***********0128" },
        { "6222 0210 0112 3456 789 这个是您的卡吗", "bank_card", "6222***********6789" },
        { "退到您尾号不对的那张卡了：６２２２０２１００１１２３４５６７８９", "bank_card", "6222***********6789" },
        { "银行卡号是4367-4200-1234-5673呢😊", "bank_card", "4367********5673" },
        { "补偿款已转入6217001234567890122，请查收", "bank_card", "6217***********0122" },
        { "您的卡号：6222021001123456789；身份证：110105199003071239", "bank_card", "6222***********6789" },
    };

    /// <summary>Agent messages with long numbers that are not a buyer's personal data.</summary>
    public static TheoryData<string> NotExposing => new()
    {
        "订单号2345678901234567890已经帮您加急了",
        "您的订单 3316284801234567890 已发货",
        "单号SF1234567890123，顺丰的哦",
        "物流单号：773012345678901，中通快递",
        "快递单号 YT1234567890123 明天到",
        "运单号JT0001234567890显示派送中",
        "您的手机号138****5678对吗？",
        "尾号5678的手机号是您的吗",
        "身份证后四位1239对吗",
        "身份证号110105199003071230提交失败了（校验位不对）",
        "卡号6222021001123456788好像输错了",
        "我的电话13812345678，有问题随时打",
        "店铺客服热线13812345678",
        "官方售后电话：400-820-8820",
        "这是我们的门店电话021-62345678",
        "您记一下，电话是13912345678",
        "那你记一下13910105454",
        "满300减50，下单立减",
        "活动时间2026-11-11 00:00:00至2026-11-11 23:59:59",
        "2026-11-10 2026-11-11 两天都可以",
        "优惠券编号 6222021001123456789 领取后自动到账",
        "商品ID 624512345678901234 直接搜就行",
        "发票税号91310000123456789X已开好",
        "SN码 62220210011234567 在机身背面",
        "IMEI 861234567890123 在包装盒上",
        "亲，价格是1380元，券后1280元哦",
        "数量12345678901件太多了",
        "您的订单号是1381234567890，在查了",
        "您好亲，有什么可以帮您的呢😊",
        "链接 https://item.taobao.com/item.htm?id=6412345678901",
        "口令 ¥AbCd1234567890¥ 复制打开淘宝",
        "一二三四五六七八",
        "双11当天0点开抢，前1000名半价",
        "重量2.5kg，尺寸30x40x50cm",
        "会员卡号6222021001123456789可以积分",
        "工单号20261111000123456已经提交",
        "退款编号 1381234567890123 处理中",
        "您的手机号码我这边看不到哦，麻烦您提供一下",
        "13812345678",
        "这个是13812345678的号码",
        "批号 20261101 生产日期2026年11月1日",
        "条码6901234567892是正品编码",
    };

    [Theory]
    [MemberData(nameof(Exposing))]
    public void Evaluate_AgentExposesNumber_AlertsWithMaskedNumberOnly(string text, string kind, string masked)
    {
        var alert = Assert.Single(Evaluate(Default, Message(text)));
        Assert.Equal(PersonalDataExposureRule.RuleName, alert.Rule);
        Assert.Equal(Severity.High, alert.Severity);
        var match = alert.Evidence["matches"]!.AsArray()[0]!;
        Assert.Equal(kind, (string)match["kind"]!);
        Assert.Equal(masked, (string)match["masked"]!);
        // The span covers the number as written; the alert itself carries no run of 8+ digits.
        var span = text.Substring((int)match["start"]!, (int)match["length"]!);
        Assert.NotEmpty(span);
        var json = alert.Evidence.ToJsonString() + alert.Summary;
        Assert.DoesNotMatch(@"\d{8,}", json);
        Assert.Contains(masked, alert.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NotExposing))]
    public void Evaluate_NumberIsNotBuyerData_StaysSilent(string text)
    {
        var alerts = Evaluate(Default, Message(text));
        foreach (var a in alerts) output.WriteLine(a.Summary);
        Assert.Empty(alerts);
    }

    [Fact]
    public void Tables_HaveAtLeastFortyCasesEach()
    {
        Assert.True(Exposing.Count >= 40, $"{Exposing.Count} positive cases");
        Assert.True(NotExposing.Count >= 40, $"{NotExposing.Count} negative cases");
    }

    [Theory]
    [InlineData(SenderKind.Buyer)]
    [InlineData(SenderKind.Bot)]
    [InlineData(SenderKind.System)]
    public void Evaluate_NotAnAgent_StaysSilent(SenderKind sender)
        => Assert.Empty(Evaluate(Default, Message("您的手机号13812345678对吗", sender)));
}
