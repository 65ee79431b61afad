using Alerting.Core.Alerts;
using Alerting.Core.Rules.ForbiddenReviewInvitation;
using Alerting.Core.Tests.Pipeline;
using Xunit.Abstractions;

namespace Alerting.Core.Tests.ForbiddenReviewInvitation;

/// <summary>
/// Table-driven cases of <c>forbidden_review_invitation</c>: a short conversation (buyer and agent turns,
/// '|' between messages, the turns alternating buyer → agent) through the whole default pipeline; the
/// last agent message is the one judged.
/// </summary>
public sealed class ForbiddenReviewInvitationCasesTests(ITestOutputHelper output)
{
    private const string Rule = ForbiddenReviewInvitationRule.RuleName;

    /// <summary>(buyer turn, agents' answer before the invitation or "", the invitation, expected reason or "paid").</summary>
    public static TheoryData<string, string, string, string> Forbidden => new()
    {
        // Paid-review wording: always.
        { "好的谢谢", "", "亲，好评返现5元哦", "paid" },
        { "收到了", "", "五星好评截图给我返您10元红包", "paid" },
        { "收到了，挺好", "不客气亲", "晒图返3元，记得带图哦😊", "paid" },
        { "好的", "", "好 评 返 现 了解一下", "paid" },
        { "谢谢", "", "亲~追评返5元呢", "paid" },
        { "已收货", "", "评价有礼，截图找我领", "paid" },
        { "嗯嗯", "", "五星返2元哈", "paid" },
        { "好评有奖吗", "有的亲", "好评送运费险哦", "paid" },
        { "ok", "", "给个好评，返您红包", "paid" },
        { "好的呢", "", "晒图有礼～", "paid" },
        { "好的", "", "好评后返现到您支付宝", "paid" },
        { "好的", "", "好评抽奖，100%中奖", "paid" },
        // Complaint risk or negative emotion in the conversation.
        { "我要投诉你们", "非常抱歉亲，马上帮您处理", "处理好了，麻烦给个五星好评哦", "complaint_risk" },
        { "差评警告", "抱歉给您添麻烦了", "亲，能给个好评吗", "complaint_risk" },
        { "什么垃圾店", "抱歉亲", "帮忙评价一下哦", "complaint_risk" },
        { "第三次问了！！！", "来了来了", "记得五星哦", "complaint_risk" },
        { "气死我了", "抱歉亲", "亲给个5星好评呗", "complaint_risk" },
        { "你们是骗子吧", "不是的亲", "亲晒个图好评呗", "complaint_risk" },
        { "再不发货打12315", "今天一定发", "收到记得追评哦", "complaint_risk" },
        { "态度太差了", "抱歉亲", "麻烦评价一下我的服务", "complaint_risk" },
        { "受够了", "亲别生气", "满意的话给个全五星", "complaint_risk" },
        { "什么态度？？？", "抱歉", "亲亲，给个好评鼓励一下嘛", "complaint_risk" },
        // The buyer's question still waits for an answer.
        { "这个尺码偏大吗？", "", "亲，收到记得好评哦", "question_unanswered" },
        { "怎么还没发货", "", "亲记得给五星好评呢", "question_unanswered" },
        { "能开发票吗", "", "好评哦亲😊", "question_unanswered" },
        { "退款多久到账", "", "亲，麻烦给个评价", "question_unanswered" },
        { "有没有赠品？", "", "全五星好评哦", "question_unanswered" },
        { "什么时候到", "", "收到了记得给五分好评", "question_unanswered" },
        { "这个怎么用啊", "", "亲~点亮五星哈", "question_unanswered" },
        { "是正品吗", "", "给个评价吧亲", "question_unanswered" },
        { "M码？", "", "给个评价吧亲", "question_unanswered" },
        { "黑色有货?", "", "五星好评哦", "question_unanswered" },
        // The buyer said the problem is not solved.
        { "还是不行", "您试试重启", "亲，给个好评呗", "problem_not_solved" },
        { "问题没解决啊", "我再帮您看看", "好评哦亲", "problem_not_solved" },
        { "按你说的弄了，还是有问题", "那您稍等", "麻烦评价一下", "problem_not_solved" },
        { "不管用", "您换个电池试试", "亲记得五星好评", "problem_not_solved" },
        { "还是坏的", "给您登记了", "追评一下哦", "problem_not_solved" },
        { "不满意", "抱歉", "给个五星吧亲", "problem_not_solved" },
        // Not bought, and unhappy with the price or the promotion.
        { "太贵了", "已经是活动价了亲", "觉得不错可以给个好评哦", "price_complaint_not_bought" },
        { "怎么涨价了", "活动结束了亲", "亲，评价一下我们的服务吧", "price_complaint_not_bought" },
        { "活动不对啊，不是满300减50", "亲，今天是满300减40", "五星好评哦", "price_complaint_not_bought" },
        { "比别家贵30", "我们是正品", "好评支持一下呗", "price_complaint_not_bought" },
        { "券用不了", "券已经过期了亲", "给个好评哦", "price_complaint_not_bought" },
        { "好贵啊", "品质好呢", "帮忙评价下哈", "price_complaint_not_bought" },
    };

    /// <summary>(buyer turn, agents' answer, the agent message, "") — allowed.</summary>
    public static TheoryData<string, string, string> Allowed => new()
    {
        { "收到了，很好用", "谢谢亲的支持", "满意的话给个五星好评哦" },
        { "好的谢谢", "不客气亲", "收到记得好评哦😊" },
        { "已经签收了", "好的亲", "麻烦帮忙评价一下哦" },
        { "质量不错", "感谢亲", "晒图评价就更好啦" },
        { "这个尺码偏大吗？", "偏大一码亲", "收到记得好评哦" },
        { "怎么还没发货", "今天下午发出", "收到给个五星哦" },
        { "能开发票吗", "可以的亲，下单备注抬头", "好评哦亲" },
        { "还是不行", "您换个插座试试", "亲，问题解决了吗？" },
        { "还是不行", "您换个插座试试", "" },
        { "解决了，谢谢", "不客气", "给个好评哦" },
        { "太贵了", "已经是活动价了", "您再考虑下哦" },
        { "太贵了，不过已经拍了", "谢谢亲", "收到记得好评哦" },
        { "订单怎么还没到，太贵了还这么慢", "明天就到", "收到给个好评哦" },
        { "我要投诉你们", "抱歉亲", "马上为您处理" },
        { "差评警告", "抱歉", "已经给您补发了，单号明天更新" },
        { "这款好评多吗", "好评率98%呢", "好评如潮哦亲" },
        { "有买家晒图吗", "有的", "可以看看买家晒图哦" },
        { "五星级酒店同款吗", "是的亲", "五星级酒店都在用" },
        { "有返现吗", "没有的亲", "我们不返现的哦，好评差评都不强制" },
        { "在吗", "在的亲", "请问有什么可以帮您" },
        { "好的", "", "亲，五分钟后给您回电" },
        { "满300减50吗", "是的亲", "现在下单最划算" },
        { "谢谢", "不客气", "祝您生活愉快" },
        { "好的呢", "", "有问题随时找我哦" },
        { "收到了", "", "亲，用得满意吗" },
        { "已收货", "谢谢亲", "期待您的好评哦" },
        { "退款到了，谢谢", "不客气", "有空评价一下哦" },
        { "好的，那我下单了", "好的亲", "收到记得评价哦" },
        { "OK谢谢", "", "追评有惊喜哦" },
        { "嗯嗯", "", "晒单也欢迎哦" },
        { "行", "", "您的好评是我们最大的动力" },
        { "好评返现是真的吗？", "不是的亲", "平台禁止返现，没有返现的" },
        { "收到，很满意", "谢谢", "五星好评哦" },
        { "明白了，谢谢", "", "有空给个评价" },
        { "东西很好", "谢谢亲", "可以晒个图哦" },
        { "在吗？", "在的", "亲，有什么可以帮您的吗" },
        { "那我等等", "好的", "给个好评哦" },
        { "快递收到了", "好的亲", "给个5星哦" },
        { "已经付款了", "收到", "发货后记得好评" },
        { "这个可以退吗？", "可以的亲，七天无理由", "有需要随时找我" },
        { "好的亲", "", "麻烦给个评价哦" },
        { "衣服收到了，贵是贵了点", "谢谢亲", "满意给个好评哦" },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void Evaluate_InvitationWhereForbidden_Alerts(string buyer, string answer, string invitation, string reason)
    {
        var chat = Run(buyer, answer, invitation);
        var alert = Assert.Single(chat.Of(Rule));
        output.WriteLine(alert.Summary + " " + alert.Evidence.ToJsonString());
        Assert.Equal("invite", alert.MessageIds[0]);
        if (reason == "paid")
        {
            Assert.True((bool)alert.Evidence["paid"]!);
            Assert.Equal(Severity.High, alert.Severity);
        }
        else
        {
            Assert.Contains(reason, alert.Evidence["reasons"]!.AsArray().Select(r => (string)r!));
            Assert.Equal(Severity.Medium, alert.Severity);
        }
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Evaluate_InvitationWhereAllowedOrNoInvitation_StaysSilent(string buyer, string answer, string agent)
    {
        var chat = Run(buyer, answer, agent);
        foreach (var a in chat.Of(Rule)) output.WriteLine(a.Summary + " " + a.Evidence.ToJsonString());
        Assert.Empty(chat.Of(Rule));
    }

    [Fact]
    public void Tables_HaveAtLeastFortyCasesEach()
    {
        Assert.True(Forbidden.Count >= 40, $"{Forbidden.Count} positive cases");
        Assert.True(Allowed.Count >= 40, $"{Allowed.Count} negative cases");
    }

    private static ChatScript Run(string buyer, string answer, string last)
    {
        var chat = new ChatScript();
        var t = 0.0;
        foreach (var line in buyer.Split('|')) chat.Buyer(t += 2, text: line);
        if (answer.Length > 0) chat.Agent(t += 5, text: answer);
        if (last.Length > 0) chat.Agent(t += 3, "invite", last);
        return chat;
    }
}
