using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.ResponseWarning;
using Alerting.Core.Tests.Pipeline;

namespace Alerting.Core.Tests.ResponseWarning;

/// <summary>
/// Table-driven cases of <c>response_warning</c> through the pipeline (rule on, defaults otherwise: slow_response
/// 30 s, share 0.667, warning at 20.01 s, allowed disorder 5 s). A case is a script, one step a line:
/// <c>B@0:text</c> buyer, <c>A@25:text</c> agent, <c>R@3:text</c> bot, <c>X@40</c> close, <c>T@10:agent-2</c>
/// transfer, <c>W@60</c> move the clock (idle partition); steps get the ids m1, m2 … in order.
/// </summary>
public sealed class ResponseWarningCasesTests
{
    private const string Rule = ResponseWarningRule.RuleName;
    internal static readonly (string, string?) On = ("Rules:ResponseWarning:Enabled", "true");

    private static string S(params string[] steps) => string.Join("\n", steps);

    /// <summary>Buyer questions the way buyers type them.</summary>
    private static readonly string[] Questions =
    [
        "在吗？这款有现货吗", "亲，什么时候发货呀～", "满３００减５０吗？？", "这个能便宜点不😂", "尺码偏大还是偏小呢", "有没有赠品哦",
        "快递发什么呀", "能开发票吗亲", "颜色有色差吗？！", "几天能到北京", "支持七天无理由退换吗", "我的订单怎么还没发货？？？",
        "退款什么时候到账呢", "ｍ码适合多重的", "有人吗？急！", "这个是正品吗😊",
    ];

    /// <summary>Agent replies the way agents type them.</summary>
    private static readonly string[] Replies =
    [
        "亲，在的呢，有现货哦～", "亲亲，付款后48小时内发货的呢", "是的亲，满300减50哦", "亲，已经是活动价了呢😊", "亲，偏小一码，建议拍大一码哦",
        "亲，有运费险赠送的哦", "默认中通呢亲", "可以开的亲，下单备注就行", "亲，以实物为准，会有轻微色差哦", "一般2-3天能到呢", "支持的亲～",
        "亲，仓库正在加急处理中呢", "退款1-3个工作日到账哦", "亲，110-125斤可以穿M码呢", "在的在的，亲请说😊", "亲，官方正品，假一赔十哦",
    ];

    public static TheoryData<string, string, string> Warned
    {
        get
        {
            // (script, first waiting message, how the warning ends: answered | superseded | closed | open)
            var data = new TheoryData<string, string, string>();
            for (var i = 0; i < Questions.Length; i++)
            {
                var q = Questions[i];
                var r = Replies[i];
                data.Add(S($"B@0:{q}", $"A@{21 + (i % 8)}:{r}"), "m1", "answered");
                data.Add(S($"B@0:{q}", $"A@{31 + (i * 7)}:{r}"), "m1", "superseded");
                data.Add(S($"B@0:{q}", $"W@{25 + i}"), "m1", "open");
            }
            // A bot auto-reply does not end the wait.
            data.Add(S("B@0:在吗", "R@2:您好，客服稍后回复您", "A@24:亲，在的呢"), "m1", "answered");
            // More buyer messages in the wait: named by the first.
            data.Add(S("B@0:这个有货吗", "B@8:？？", "B@15:在不在啊", "A@26:亲，有货的哦"), "m1", "answered");
            // Closed while the buyer waits.
            data.Add(S("B@0:我要退货", "X@50"), "m1", "closed");
            data.Add(S("B@0:我要退货", "W@22", "X@25"), "m1", "closed");
            // Transferred while waiting: the new agent answers late.
            data.Add(S("B@0:发票怎么开", "T@5:agent-2", "A@28:亲，下单时备注抬头就可以哦"), "m1", "answered");
            // The second wait of a conversation.
            data.Add(S("B@0:在吗", "A@5:在的亲", "B@60:这款有红色吗", "A@90:亲，有的哦"), "m3", "answered");
            // Reply arriving late in the stream (within the allowed disorder): answered after the warning point.
            data.Add(S("B@0:多久发货", "B@30:？？", "A@23:亲，48小时内发货哦"), "m1", "answered");
            // A reply exactly at the slow threshold is not slow: answered, not superseded.
            data.Add(S("B@0:有没有优惠券", "A@30:亲，领券中心有的哦"), "m1", "answered");
            // Another conversation's traffic moves the clock (same store).
            data.Add(S("B@0#c1:这个包邮吗", "B@28#c2:你好", "A@29#c2:您好亲", "A@40#c1:亲，包邮的哦"), "m1", "superseded");
            return data;
        }
    }

    public static TheoryData<string> NotWarned
    {
        get
        {
            var data = new TheoryData<string>();
            for (var i = 0; i < Questions.Length; i++)
            {
                data.Add(S($"B@0:{Questions[i]}", $"A@{3 + i}:{Replies[i]}", "W@300"));
                // Buyer keeps writing, each wait answered quickly.
                data.Add(S($"B@0:{Questions[i]}", $"A@10:{Replies[i]}", "B@40:好的，那我拍了哦", "A@55:好的亲，感谢支持～", "W@400"));
            }
            // Exactly at 20 s: below the warning point (20.01 s).
            data.Add(S("B@0:在吗", "A@20:在的亲", "W@100"));
            // The clock has not reached the warning point yet.
            data.Add(S("B@0:在吗", "W@19"));
            data.Add(S("B@0:在吗", "B@24:？"));
            // Closed before the warning point.
            data.Add(S("B@0:算了不要了", "X@12", "W@200"));
            // Agent messages with nobody waiting.
            data.Add(S("A@0:亲，欢迎光临～", "A@40:亲，还在吗？", "A@120:有需要随时找我哦", "W@500"));
            // A buyer message sent before the human reply that already arrived: answered by it.
            data.Add(S("A@10:亲，您好", "B@8:在吗", "W@200"));
            // A bot reply then a quick human one.
            data.Add(S("B@0:有货吗", "R@1:您好，客服稍后回复您", "A@12:亲，有的哦", "W@200"));
            // Bot and system records only, no buyer.
            data.Add(S("R@0:欢迎光临", "X@60", "W@300"));
            // Another conversation waits long: this one does not.
            data.Add(S("B@0#c2:在吗", "B@1:在吗", "A@6:在的", "W@10"));
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Warned))]
    public void Script_BuyerWaitsPastTheWarningPoint_WarnsOnceAndEndsAsTheWaitEnds(string script, string firstId, string ending)
    {
        var chat = Run(script, On);
        var firing = Assert.Single(chat.Of(Rule), a => a.Status == AlertStatus.Firing);
        Assert.Equal(ResponseWarningRule.AlertIdFor("c1", firstId), firing.AlertId);
        Assert.Equal(AlertIds.ForConversation(Rule, "c1", firstId), firing.AlertId);
        Assert.Equal(Severity.Low, firing.Severity);
        Assert.Equal([firstId], firing.MessageIds);
        Assert.Equal(20.01, firing.Evidence!["warnAfterSeconds"]!.GetValue<double>(), 3);
        var resolved = chat.Of(Rule).Where(a => a.Status == AlertStatus.Resolved).ToList();
        if (ending == "open")
        {
            Assert.Empty(resolved);
            return;
        }
        var end = Assert.Single(resolved);
        Assert.Equal(firing.AlertId, end.AlertId);
        Assert.Equal(ending, end.Evidence!["reason"]!.GetValue<string>());
        Assert.True(end.EventTime >= firing.EventTime);
        var slow = chat.Of("slow_response").ToList();
        if (ending == "superseded")
            Assert.Equal(Assert.Single(slow).AlertId, end.Evidence["supersededBy"]!.GetValue<string>());
        else
            Assert.Null(end.Evidence["supersededBy"]);
    }

    [Theory]
    [MemberData(nameof(NotWarned))]
    public void Script_BuyerAnsweredOrGoneBeforeTheWarningPoint_RaisesNothing(string script)
        => Assert.Empty(Run(script, On).Of(Rule));

    [Theory]
    [MemberData(nameof(Warned))]
    public void Script_RuleOff_RaisesNothing(string script, string firstId, string ending)
    {
        Assert.NotEmpty(firstId + ending);
        Assert.Empty(Run(script).Of(Rule));
        Assert.Empty(Run(script, On, ("Rules:Stores:shop-a:ResponseWarning:Enabled", "false")).Of(Rule));
    }

    [Fact]
    public void Cases_AreAtLeastFortyEachWay()
    {
        Assert.True(Warned.Count >= 40, $"{Warned.Count} positive cases");
        Assert.True(NotWarned.Count >= 40, $"{NotWarned.Count} negative cases");
    }

    /// <summary>Runs <paramref name="script"/> (see the class summary).</summary>
    internal static ChatScript Run(string script, params (string Key, string? Value)[] config)
    {
        var chat = new ChatScript(config);
        var steps = script.Split('\n');
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var colon = step.IndexOf(':', StringComparison.Ordinal);
            var head = colon < 0 ? step : step[..colon];
            var text = colon < 0 ? "" : step[(colon + 1)..];
            var hash = head.IndexOf('#', StringComparison.Ordinal);
            var at = double.Parse(hash < 0 ? head[2..] : head[2..hash], System.Globalization.CultureInfo.InvariantCulture);
            var conversation = hash < 0 ? "c1" : head[(hash + 1)..];
            var id = $"m{i + 1}";
            switch (head[0])
            {
                case 'W': chat.ClockTo(at); break;
                case 'X': chat.Send(ChatScript.Msg(id, SenderKind.System, at, "", conversation, null, ChatEventKind.Close)); break;
                case 'T': chat.Send(ChatScript.Msg(id, SenderKind.System, at, "", conversation, text, ChatEventKind.Transfer)); break;
                case 'A': chat.Send(ChatScript.Msg(id, SenderKind.Agent, at, text, conversation, "agent-1")); break;
                case 'B': chat.Send(ChatScript.Msg(id, SenderKind.Buyer, at, text, conversation, "agent-1")); break;
                case 'R': chat.Send(ChatScript.Msg(id, SenderKind.Bot, at, text, conversation, "bot")); break;
                default: throw new FormatException(step);
            }
        }
        return chat;
    }
}
