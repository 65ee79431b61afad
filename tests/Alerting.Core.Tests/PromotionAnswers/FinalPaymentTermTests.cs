using Alerting.Core.Rules.PromotionAnswers;
using static Alerting.Core.Tests.PromotionAnswers.PromoTestKit;

namespace Alerting.Core.Tests.PromotionAnswers;

/// <summary>尾款: stated start and end of the final payment window against FinalPaymentStart/FinalPaymentEnd.</summary>
public class FinalPaymentTermTests
{
    private static readonly TimeSpan Bj = TimeSpan.FromHours(8);

    /// <summary>Asked in the middle of the presale, before the final payment opens.</summary>
    private static readonly DateTimeOffset Nov5 = new(2026, 11, 5, 10, 0, 0, Bj);

    private static PromotionOptions Presale(string id = "pre", string name = "双11预售", string start = "2026-11-10T20:00:00+08:00", string? end = "2026-11-11T23:59:59+08:00")
        => Promo(id, p =>
        {
            p.Name = name;
            p.Aliases = [];
            p.Start = "2026-10-20T20:00:00+08:00";
            p.End = "2026-11-12T00:00:00+08:00";
            p.Presale = new() { Deposit = 50, Offset = 100, FinalPaymentStart = start, FinalPaymentEnd = end };
        });

    private static readonly WrongPromoAnswerRule Window = Rule(Presale());

    [Theory]
    [InlineData("双11预售尾款11月10日20点开始付")]
    [InlineData("双11预售尾款11.10号20点开始")]
    [InlineData("双11预售尾款十一月十号晚上8点开始")]
    [InlineData("双11预售尾款截止11月11日")]
    [InlineData("双11预售尾款11月11日前付清就可以")]
    [InlineData("双11预售尾款最晚11.11")]
    [InlineData("双11预售尾款11月11日24点前付完")]
    [InlineData("双11预售尾款11月12日0点前付清")]
    [InlineData("双11预售尾款１１月１１日截止")]
    [InlineData("双11预售尾款11月10日-11月11日")]
    [InlineData("双11预售尾款11月10日开始，11月11日截止")]
    [InlineData("双11预售尾款11.10-11.11之间付都可以")]
    [InlineData("双11预售尾款11月11日付")]
    [InlineData("双11预售尾款双11当天付也可以")]
    [InlineData("双11预售尾款11号截止哦")]
    [InlineData("双11预售尾款11月10日截止")] // a deadline inside the window: paying early is fine
    [InlineData("双11预售定金50抵100，尾款11月11日前付清，11月15日前发货")]
    [InlineData("双11预售尾款付完以后3日内发货")]
    [InlineData("双11预售的尾款在订单页面直接支付")]
    [InlineData("尾款截止11月15日")] // no promotion named or asked about
    [InlineData("双11预售活动到11月11日，尾款别忘了付")]
    public void RightOrUnrelatedFinalPaymentStatements_StaySilent(string text) => Assert.Empty(Run(Window, Agent(text, Nov5)));

    [Theory]
    [InlineData("双11预售尾款11月12日前付清都可以", "尾款11月11日截止", "尾款11月12日截止")]
    [InlineData("双11预售尾款截止11月15日", "尾款11月11日截止", "尾款11月15日截止")]
    [InlineData("双11预售尾款最晚11.13号", "尾款11月11日截止", "尾款11月13日截止")]
    [InlineData("双11预售尾款十一月十二号之前付完都行", "尾款11月11日截止", "尾款11月12日截止")]
    [InlineData("双11预售尾款可以付到11月13日", "尾款11月11日截止", "尾款11月13日截止")]
    [InlineData("双11预售尾款延长到11月14日了", "尾款11月11日截止", "尾款11月14日截止")]
    [InlineData("双11预售尾款１１月１５日为止", "尾款11月11日截止", "尾款11月15日截止")]
    [InlineData("双11预售尾款11月9日截止", "尾款11月11日截止", "尾款11月9日截止")]
    [InlineData("双11预售尾款11月10日-11月15日", "尾款11月11日截止", "尾款11月15日截止")]
    [InlineData("双11预售尾款11月10日开始，11月12日截止", "尾款11月11日截止", "尾款11月12日截止")]
    [InlineData("双11预售尾款11月1日开始付", "尾款11月10日开始", "尾款11月1日开始")]
    [InlineData("双11预售尾款11.1号20点开始", "尾款11月10日开始", "尾款11月1日开始")]
    [InlineData("双11预售尾款从11月8日开始", "尾款11月10日开始", "尾款11月8日开始")]
    [InlineData("双11预售尾款11月13日付", "尾款11月10日至11月11日", "尾款11月13日支付")]
    [InlineData("双11预售尾款15号截止", "尾款11月11日截止", "尾款11月15日截止")]
    public void WrongFinalPaymentWindow_Alerts(string text, string expected, string stated)
    {
        var alert = Single(Window, Agent(text, Nov5));
        Assert.Equal("presale", Kind(alert));
        Assert.Equal(expected, Expected(alert));
        Assert.Equal(stated, Stated(alert));
        Assert.StartsWith($"尾款时间说错：活动为{expected}，客服回复{stated}", alert.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-10T10:00:00+08:00", "双11预售尾款明天截止", false)]
    [InlineData("2026-11-11T10:00:00+08:00", "双11预售尾款明天截止", true)]
    [InlineData("2026-11-11T10:00:00+08:00", "双11预售尾款今天截止", false)]
    [InlineData("2026-11-10T10:00:00+08:00", "双11预售尾款今天晚上8点开始付", false)]
    [InlineData("2026-11-09T10:00:00+08:00", "双11预售尾款今天晚上8点开始付", true)]
    [InlineData("2026-11-09T10:00:00+08:00", "双11预售尾款后天截止", false)]
    [InlineData("2026-11-09T10:00:00+08:00", "双11预售尾款大后天截止", true)]
    public void RelativeDays_AreReadFromSentAtInThePromotionsTimeZone(string sentAt, string text, bool alerts)
    {
        var at = DateTimeOffset.Parse(sentAt, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(alerts, Run(Window, Agent(text, at)).Count == 1);
    }

    [Fact]
    public void RelativeDay_UsesTheStoreZoneNotTheOffsetOfSentAt()
    {
        // 11-11 17:00 UTC is already 11-12 01:00 in Beijing: 明天 there is 11月13日, past the end.
        var alert = Single(Window, Agent("双11预售尾款明天截止", new DateTimeOffset(2026, 11, 11, 17, 0, 0, TimeSpan.Zero)));
        Assert.Equal("尾款11月13日截止", Stated(alert));
    }

    [Fact]
    public void EndAtLocalMidnight_AcceptsTheNextDayAsSaid()
    {
        // FinalPaymentEnd 11-12T00:00 is "11月12日前" / "截止11月12日" in chat.
        var midnight = Rule(Presale(end: "2026-11-12T00:00:00+08:00"));
        Assert.Empty(Run(midnight, Agent("双11预售尾款11月12日前付清", Nov5)));
        Assert.Empty(Run(midnight, Agent("双11预售尾款截止11月12日", Nov5)));
        Assert.Single(Run(midnight, Agent("双11预售尾款截止11月13日", Nov5)));
    }

    [Fact]
    public void Evidence_HasTheContractShapeWithASpanIntoTheOriginalText()
    {
        var text = "亲，双11预售尾款截止１１月１５日哦";
        var alert = Single(Window, Agent(text, Nov5));
        Assert.Equal("pre", (string)alert.Evidence["promotion"]!);
        Assert.Equal("presale", Kind(alert));
        Assert.Equal("尾款11月11日截止", Expected(alert));
        Assert.Equal("尾款11月15日截止", Stated(alert));
        var start = (int)alert.Evidence["start"]!;
        var length = (int)alert.Evidence["length"]!;
        Assert.Equal("尾款截止１１月１５日", text.Substring(start, length));
        Assert.Equal("尾款截止１１月１５日", (string)alert.Evidence["statedText"]!);
        Assert.Equal(["m-2"], alert.MessageIds);
        Assert.Equal(Nov5, alert.EventTime);
    }

    [Fact]
    public void EvidenceSpanOfAnEndStatedAfterTheDate_CoversTheEndWord()
    {
        var alert = Single(Window, Agent("双11预售尾款11月12日前付清都可以", Nov5));
        Assert.Equal("尾款11月12日前", (string)alert.Evidence["statedText"]!);
    }

    [Fact]
    public void StartAndEndBothWrong_GiveOneAlertWithTwoFindings()
    {
        var alert = Single(Window, Agent("双11预售尾款11月1日开始，11月15日截止", Nov5));
        var findings = alert.Evidence["findings"]!.AsArray();
        Assert.Equal(["尾款11月1日开始", "尾款11月15日截止"], findings.Select(f => (string)f!["stated"]!));
    }

    [Fact]
    public void Buyer_AskedAboutThePresale_ThenAgentStatesALateDeadline()
    {
        var alerts = Run(Window, Buyer("双11预售的尾款什么时候截止", Nov5), Agent("尾款11月15日为止哦", Nov5.AddMinutes(1)));
        Assert.Equal("尾款11月15日截止", Stated(Assert.Single(alerts)));
    }

    [Fact]
    public void DeadlineOfAnotherPromotion_IsJudgedAgainstThatPromotion()
    {
        var rule = Rule(Presale(), Presale("app", "家电专场", "2026-11-12T00:00:00+08:00", "2026-11-15T23:59:59+08:00"));
        Assert.Empty(Run(rule, Agent("家电专场尾款截止11月15日", Nov5)));
        Assert.Empty(Run(rule, Agent("双11预售尾款截止11月11日，家电专场尾款截止11月15日", Nov5)));
        Assert.Equal("app", (string)Single(rule, Agent("家电专场尾款截止11月16日", Nov5)).Evidence["promotion"]!);
    }

    [Fact]
    public void End_IsNotJudged_WhenOnlyTheStartIsConfigured()
    {
        var startOnly = Rule(Presale(end: null));
        Assert.Empty(Run(startOnly, Agent("双11预售尾款截止11月15日", Nov5)));
        Assert.Single(Run(startOnly, Agent("双11预售尾款11月1日开始", Nov5)));
    }
}
