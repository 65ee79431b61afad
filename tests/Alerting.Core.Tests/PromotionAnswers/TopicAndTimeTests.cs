using Alerting.Core.Messages;
using Alerting.Core.Rules.PromotionAnswers;
using static Alerting.Core.Tests.PromotionAnswers.PromoTestKit;

namespace Alerting.Core.Tests.PromotionAnswers;

public class DatesAndValidityTests
{
    private static readonly TimeSpan Bj = TimeSpan.FromHours(8);
    private static readonly WrongPromoAnswerRule D11 = Rule(Promo(configure: p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 }));

    [Theory]
    [InlineData("双11活动11月1日开始")]
    [InlineData("双11活动十一月一日零点开始")]
    [InlineData("双11活动到11月11日")]
    [InlineData("双11活动到11月12日")]
    [InlineData("双11活动11月11日24点结束")]
    [InlineData("双11活动时间11.1-11.11")]
    [InlineData("双11活动时间11月1日至11月11日")]
    [InlineData("双11当天满300减50")]
    [InlineData("双11活动只有11月5日有直播")]
    [InlineData("双11这家评分只有3.5分")] // a score, not 3月5日 (found on CrossWOZ)
    [InlineData("双11活动评分达到4.5分以上")]
    public void CorrectDates_StaySilent(string text) => Assert.Empty(Run(D11, Agent(text)));

    [Theory]
    [InlineData("双11活动11月2日开始", "11月2日开始")]
    [InlineData("双11活动11月13日结束", "11月13日结束")]
    [InlineData("双11活动截止到11月10日", "11月10日结束")]
    [InlineData("双11活动时间11.1-11.15", "11月1日至11月15日")]
    [InlineData("双11活动只有11月20日", "11月20日当天")]
    public void WrongDates_Alert(string text, string stated)
    {
        var alert = Single(D11, Agent(text));
        Assert.Equal("dates", Kind(alert));
        Assert.Equal("11月1日至11月11日", Expected(alert));
        Assert.Equal(stated, Stated(alert));
    }

    [Fact]
    public void StatedDates_AreReadInThePromotionsTimeZone()
    {
        // Starts 11-11 00:00 Beijing = 11-10 16:00 UTC: in UTC the first day is 11月10日.
        PromotionOptions P(string zone) => Promo(configure: p => { p.Start = "2026-11-11T00:00:00+08:00"; p.TimeZone = zone; });
        Assert.Empty(Run(Rule(P("Asia/Shanghai")), Agent("双11活动11月11日开始")));
        var alert = Single(Rule(P("Etc/UTC")), Agent("双11活动11月11日开始"));
        Assert.Equal("11月10日至11月11日", Expected(alert));
    }

    [Theory]
    [InlineData("双11活动现在还可以参加")]
    [InlineData("双11满减目前还有的")]
    [InlineData("双11的优惠现在下单可以享受")]
    [InlineData("双11活动还在进行中")]
    [InlineData("双11的券可以用")]
    public void EndedPromotionSaidToApplyNow_Alerts(string text)
    {
        var after = new DateTimeOffset(2026, 11, 12, 10, 0, 0, Bj);
        var alert = Single(D11, Agent(text, after));
        Assert.Equal("validity", Kind(alert));
        Assert.Equal("双11主会场11月12日00:00已结束", Expected(alert));
        Assert.StartsWith("活动已结束：", alert.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("双11活动已经结束了")]
    [InlineData("双11活动昨天截止了哦")]
    [InlineData("双11的优惠现在不能享受了")]
    [InlineData("双11活动下次大促再参加吧")]
    [InlineData("双11是满300减50的")]
    [InlineData("双11还能参加吗？我帮您查一下")]
    public void EndedPromotionMentionedWithoutClaimingItApplies_StaysSilent(string text)
        => Assert.Empty(Run(D11, Agent(text, new DateTimeOffset(2026, 11, 12, 10, 0, 0, Bj))));

    [Theory]
    [InlineData("双11现在就可以参加", true)]
    [InlineData("双11目前有满减", true)]
    [InlineData("双11这款可以参加", false)]
    [InlineData("双11活动11月1日开始，现在可以先加购", false)]
    [InlineData("双11还没开始", false)]
    public void NotStartedPromotion_NeedsAnExplicitNow(string text, bool alerts)
    {
        var before = new DateTimeOffset(2026, 10, 20, 10, 0, 0, Bj);
        var found = Run(D11, Agent(text, before));
        Assert.Equal(alerts, found.Count == 1);
        if (alerts) Assert.Equal("活动未开始", found[0].Summary.Split('：')[0]);
    }

    [Fact]
    public void LivePromotionSaidToApplyNow_StaysSilent()
        => Assert.Empty(Run(D11, Agent("双11活动现在还可以参加")));

    [Theory]
    [InlineData("2026-11-11T15:59:59Z", false)] // 23:59:59 Beijing on the last day
    [InlineData("2026-11-11T16:00:00Z", true)]  // 00:00 Beijing 11-12: ended
    [InlineData("2026-11-12T00:30:00+08:00", true)]
    [InlineData("2026-10-31T16:00:00Z", false)] // 00:00 Beijing 11-01: started
    public void ValidityWindow_UsesInstantsNotLocalClockText(string sentAt, bool alerts)
    {
        var at = DateTimeOffset.Parse(sentAt, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(alerts, Run(D11, Agent("双11活动现在还可以参加", at)).Count == 1);
    }

    [Fact]
    public void ValidityCheck_CanBeTurnedOff()
    {
        var rule = new WrongPromoAnswerRule(new WrongPromoAnswerOptions { CheckValidity = false }, [Promo()]);
        Assert.Empty(Run(rule, Agent("双11活动现在还可以参加", new DateTimeOffset(2026, 11, 12, 10, 0, 0, Bj))));
    }
}

public class TopicTests
{
    private static readonly WrongPromoAnswerRule D11 = Rule(Promo(configure: p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 }));

    [Fact]
    public void BuyerNamingAPromotion_SetsTheConversationTopic()
    {
        var context = Context();
        D11.Evaluate(Buyer("双十一大促有满减吗"), context, []);
        Assert.Equal("d11", context.Conversation.AskedPromotion?.PromotionId);
        Assert.Equal(During, context.Conversation.AskedPromotion?.At);
    }

    [Theory]
    [InlineData("满200减50", 1, true)]
    [InlineData("满300减50", 1, false)]
    [InlineData("满200减50", 9, true)]
    [InlineData("满200减50", 11, false)]
    [InlineData("有的亲，满两百减五十", 2, true)]
    [InlineData("满300-50哦亲", 2, false)]
    public void AgentAnswerAfterBuyer_AskedIsChecked_WithinTheWindow(string answer, int minutesLater, bool alerts)
    {
        var found = Run(D11, Buyer("双11有满减吗"), Agent(answer, During.AddMinutes(minutesLater)));
        Assert.Equal(alerts, found.Count == 1);
        if (alerts) Assert.Equal("d11", (string)found[0].Evidence["promotion"]!);
    }

    [Fact]
    public void Window_IsConfigurableAndZeroTurnsItOff()
    {
        var rule = new WrongPromoAnswerRule(new WrongPromoAnswerOptions { AskedPromotionWindow = TimeSpan.Zero }, [Promo(configure: p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 })]);
        Assert.Empty(Run(rule, Buyer("双11有满减吗"), Agent("满200减50", During.AddSeconds(5))));
        var wide = new WrongPromoAnswerRule(new WrongPromoAnswerOptions { AskedPromotionWindow = TimeSpan.FromMinutes(30) }, [Promo(configure: p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 })]);
        Assert.Single(Run(wide, Buyer("双11有满减吗"), Agent("满200减50", During.AddMinutes(25))));
    }

    [Fact]
    public void BuyerMessageWithoutAPromotionName_SetsNoTopic()
        => Assert.Empty(Run(D11, Buyer("有满减吗"), Agent("满200减50", During.AddMinutes(1))));

    [Fact]
    public void BuyerStatingWrongTerms_IsNotAnAlert()
        => Assert.Empty(Run(D11, Buyer("双11是满200减50吗")));

    [Fact]
    public void BotSystemAndNonMessageEvents_AreIgnored()
    {
        var bot = new ChatMessage { MessageId = "m-3", ConversationId = "c1", ShopId = "shop-a", Sender = SenderKind.Bot, SenderId = "bot", Text = "双11满200减50", SentAt = During };
        var transfer = new ChatMessage { MessageId = "m-4", ConversationId = "c1", ShopId = "shop-a", Sender = SenderKind.Agent, SenderId = "a", Text = "双11满200减50", SentAt = During, Event = ChatEventKind.Transfer };
        Assert.Empty(Run(D11, bot, transfer));
    }

    [Fact]
    public void DisabledRule_IsSilentAndKeepsNoTopic()
    {
        var rule = new WrongPromoAnswerRule(new WrongPromoAnswerOptions { Enabled = false }, [Promo(configure: p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 })]);
        var context = Context();
        var alerts = new List<Alerting.Core.Alerts.Alert>();
        rule.Evaluate(Buyer("双11有满减吗"), context, alerts);
        rule.Evaluate(Agent("双11满200减50"), context, alerts);
        Assert.Empty(alerts);
        Assert.Null(context.Conversation.AskedPromotion?.PromotionId);
    }

    private static readonly WrongPromoAnswerRule TwoPromotions = Rule(
        Promo("d11", p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 }),
        Promo("cat", p => { p.Name = "家电专场"; p.Aliases = ["家电节"]; p.ThresholdDiscount = new() { Threshold = 2000, Amount = 200 }; }));

    [Theory]
    [InlineData("双11满300减50，家电专场满2000减200", null)]
    [InlineData("家电专场满2000减200，双11满300减50", null)]
    [InlineData("双11满2000减200", null)]
    [InlineData("双11满300减50，家电节满2000减300", "cat")]
    [InlineData("家电节满1000减200", "cat")]
    [InlineData("双11满300减30，家电节满2000减200", "d11")]
    public void Terms_BelongToTheNearestNamedPromotion(string text, string? alertedPromotion)
    {
        var found = Run(TwoPromotions, Agent(text));
        if (alertedPromotion is null) Assert.Empty(found);
        else Assert.Equal(alertedPromotion, (string)Assert.Single(found).Evidence["promotion"]!);
    }

    [Fact]
    public void LongerAlias_WinsOverAShorterOneItContains()
    {
        var rule = Rule(
            Promo("d11", p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 }),
            Promo("d11-pre", p => { p.Name = "双11预售"; p.Aliases = []; p.Presale = new() { Deposit = 50, Offset = 100 }; p.ThresholdDiscount = new() { Threshold = 500, Amount = 80 }; }));
        Assert.Equal("d11-pre", (string)Single(rule, Agent("双11预售满300减80")).Evidence["promotion"]!);
    }

    [Fact]
    public void NamesInConfig_AreFoldedLikeChatText()
    {
        var rule = Rule(Promo(configure: p => { p.Name = "双十一 狂欢"; p.Aliases = ["ＤＯＵＢＬＥ11"]; p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 }; }));
        Assert.Single(Run(rule, Agent("双11狂欢满200减50")));
        Assert.Single(Run(rule, Agent("double11满200减50")));
    }
}
