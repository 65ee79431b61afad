using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.RepeatedReply;
using Alerting.Core.Tests.Pipeline;

namespace Alerting.Core.Tests.RepeatedReply;

/// <summary>
/// Table-driven cases of <c>repeated_reply</c> through the default pipeline. A case is a script, one step
/// a line: <c>A@60:text</c> (agent), <c>B@30:text</c> (buyer), <c>R@0:text</c> (bot), optionally
/// <c>A@60#c2:text</c> for another conversation; steps get the ids m1, m2 … in order.
/// </summary>
public sealed class RepeatedReplyCasesTests
{
    private const string Rule = RepeatedReplyRule.RuleName;

    private static string S(params string[] steps) => string.Join("\n", steps);

    /// <summary>The same reply typed three ways that fold to one text (punctuation, emoji, width, 亲/哦/呢 kept).</summary>
    private static readonly (string A, string B, string C)[] SameReply =
    [
        ("亲，这款是现货哦～", "亲 这款是现货哦!!", "亲，这款是现货哦😊"),
        ("亲亲，48小时内发货的呢", "亲亲,48小时内发货的呢~", "亲亲，４８小时内发货的呢"),
        ("您好，请稍等，马上为您查询", "您好，请稍等，马上为您查询", "您好，请稍等，马上为您查询"),
        ("麻烦亲提供一下订单号哦", "麻烦亲提供一下订单号哦！", "麻烦亲提供一下订单号哦。。。"),
        ("亲，已经帮您备注了哦", "亲,已经帮您备注了哦", "亲，已经帮您备注了哦👌"),
        ("这个是包邮的亲", "这个是包邮的亲～～", "這個是包郵的親"),
        ("亲，支持7天无理由退换哦", "亲，支持７天无理由退换哦", "亲 支持7天无理由退换哦!"),
        ("OK的亲，马上安排发货", "ok的亲，马上安排发货", "ＯＫ的亲，马上安排发货"),
        ("亲稍等一下哦，正在查询", "亲 稍 等 一 下 哦，正在查询", "亲稍等一下哦…正在查询"),
        ("亲\u200b，已为您登记缺货", "亲，已为您登记缺货", "亲，已为您登记缺货～"),
        ("感谢您的耐心等待呢", "感谢您的耐心等待呢🙏", "【感谢您的耐心等待呢】"),
        ("亲，具体以页面显示为准哦", "亲，具体以页面显示为准哦~", "亲～具体以页面显示为准哦"),
        ("好的呢，这边给您登记一下", "好的呢,这边给您登记一下", "好的呢，这边给您登记一下！"),
        ("亲，颜色以实物为准哦，存在轻微色差", "亲，颜色以实物为准哦，存在轻微色差~", "亲,颜色以实物为准哦,存在轻微色差"),
    ];

    /// <summary>Two different buyer questions, as buyers type them, and a canned reply typed two ways.</summary>
    private static readonly (string Q1, string Q2, string R1, string R2)[] CannedAnswers =
    [
        ("这个有现货吗？", "什么时候发货呀", "亲，具体以页面为准哦~", "亲，具体以页面为准哦"),
        ("能便宜点吗亲", "有赠品吗？？", "亲亲，您说的问题我已经记录了呢", "亲亲，您说的问题我已经记录了呢！"),
        ("尺码偏大还是偏小呢", "可以开发票吗", "您好，这边帮您反馈一下哦", "您好,这边帮您反馈一下哦😊"),
        ("几天能到北京", "支持七天无理由吗", "亲，详情请咨询页面客服哦", "亲，详情请咨询页面客服哦～"),
        ("有没有优惠券", "颜色有色差吗？", "亲，以商品详情页为准呢", "亲，以商品详情页为准呢。"),
        ("怎么申请退款", "运费谁出？", "亲亲，稍后会有专人联系您哦", "亲亲,稍后会有专人联系您哦"),
        ("这个能用多久？", "保修几年啊", "亲，感谢您的支持，祝您购物愉快", "亲,感谢您的支持,祝您购物愉快～"),
        ("ｍ码适合多重的", "洗了会缩水吗", "亲，宝贝都是正品的哦", "亲，宝贝都是正品的哦～"),
        ("可以货到付款吗", "能发顺丰吗？", "亲，这边都是按系统默认的哦", "亲，这边都是按系统默认的哦!!"),
        ("充电要多长时间？", "有没有说明书", "亲，有问题随时联系我们哦", "亲 有问题随时联系我们哦"),
        ("为什么还没发货", "物流怎么不动了？", "亲，仓库正在加急处理中呢", "亲,仓库正在加急处理中呢～～"),
        ("是不是正品？", "有没有中文标签", "亲，我们是官方旗舰店哦", "亲，我们是官方旗舰店哦👍"),
        ("这两款有什么区别？", "哪款更耐用", "亲，两款都很不错的呢", "亲，两款都很不错的呢～"),
    ];

    /// <summary>A third question for each row of <see cref="CannedAnswers"/>.</summary>
    private static readonly string[] ThirdQuestion =
    [
        "能发顺丰吗？", "还有别的颜色吗", "多久能到货呀？", "有没有运费险", "是正品吗？？", "退货地址是哪里",
        "可以用花呗吗", "165穿什么码？", "今天能发吗", "有保修吗？", "能不能改地址", "哪里发货的？", "有优惠吗亲",
    ];

    public static TheoryData<string, string, string> Repeated
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var (a, b, c) in SameReply)
            {
                // Back to back, a minute apart.
                data.Add(S($"A@0:{a}", $"A@60:{b}", $"A@120:{c}"), "repeated", "m1");
                // The buyer answers in between with statements (not questions).
                data.Add(S("B@0:我要红色的", $"A@10:{a}", "B@20:好的", $"A@30:{b}", "B@40:嗯嗯", $"A@50:{c}"), "repeated", "m2");
                // Other replies in between, the last repeat just inside ten minutes.
                data.Add(S($"A@0:{a}", "A@100:亲，这边查询到您的包裹在派送中了", $"A@300:{b}", "A@400:还有其他可以帮您的吗", $"A@599:{c}"), "repeated", "m1");
            }
            for (var i = 0; i < CannedAnswers.Length; i++)
            {
                var (q1, q2, r1, r2) = CannedAnswers[i];
                data.Add(S($"B@0:{q1}", $"A@20:{r1}", $"B@40:{q2}", $"A@60:{r2}", $"B@80:{ThirdQuestion[i]}", $"A@100:{r1}"), "canned_answer", "m2");
            }
            // More than three: still one alert, from the first.
            data.Add(S("A@0:亲，已经在加急了呢", "A@30:亲，已经在加急了呢！", "A@60:亲，已经在加急了呢", "A@90:亲，已经在加急了呢～"), "repeated", "m1");
            // A second conversation alongside does not disturb the first.
            data.Add(S("A@0#c1:亲，已经在加急了呢", "A@5#c2:亲，已经在加急了呢", "A@30#c1:亲，已经在加急了呢", "A@60#c1:亲，已经在加急了呢"), "repeated", "m1");
            // Out of order within the window: the late one is the first repeat.
            data.Add(S("A@30:亲，正在为您核实呢", "A@60:亲，正在为您核实呢", "A@10:亲，正在为您核实呢"), "repeated", "m3");
            // Canned answer to three different questions in a row.
            data.Add(S("B@0:多久发货？", "A@5:亲，请耐心等待哦", "B@10:能加急吗", "A@15:亲，请耐心等待哦～", "B@20:今天能发吗？", "A@25:亲，请耐心等待哦"), "canned_answer", "m2");
            return data;
        }
    }

    public static TheoryData<string> NotRepeated
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var (a, b, _) in SameReply)
            {
                // Only twice.
                data.Add(S($"A@0:{a}", "B@30:好的", $"A@60:{b}"));
                // Three times, but never three within ten minutes.
                data.Add(S($"A@0:{a}", $"A@400:{b}", $"A@1100:{a}"));
            }
            // Greetings and closings: every conversation gets them once.
            foreach (var line in new[] { "您好，欢迎光临，请问有什么可以帮您？", "亲，感谢您的光临，祝您生活愉快～", "亲亲，在的呢，请问有什么可以帮您的呢", "欢迎下次光临哦😊，有问题随时找我", "亲，您好！我是客服小美，很高兴为您服务" })
                data.Add(S($"B@0#c1:在吗", $"A@5#c1:{line}", $"B@10#c2:你好", $"A@15#c2:{line}", $"B@20#c3:有人吗", $"A@25#c3:{line}", $"A@30#c4:{line}"));
            // Short acknowledgements are how people talk.
            foreach (var ack in new[] { "好的亲", "嗯嗯", "收到～", "好滴", "稍等哦", "亲亲在的", "好的呢亲", "是的亲", "OK", "😊😊😊", "[图片]", "[商品链接]" })
                data.Add(S($"A@0:{ack}", $"A@10:{ack}", $"A@20:{ack}", $"A@30:{ack}"));
            // Replies that look alike but say different things.
            data.Add(S("A@0:亲，这款是现货哦", "A@10:亲，这款是预售哦", "A@20:亲，这款是现货的，颜色有三种"));
            data.Add(S("A@0:您的快递单号是SF1234567890", "A@10:您的快递单号是SF1234567891", "A@20:您的快递单号是SF1234567892"));
            data.Add(S("A@0:亲，满300减50哦", "A@10:亲，满200减30哦", "A@20:亲，满100减10哦"));
            // Auto-replies repeat by design; so do buyers.
            data.Add(S("R@0:您好，客服稍后回复您", "R@10:您好，客服稍后回复您", "R@20:您好，客服稍后回复您", "R@30:您好，客服稍后回复您"));
            data.Add(S("B@0:什么时候发货啊？", "B@10:什么时候发货啊？", "B@20:什么时候发货啊？"));
            // The buyer asks the same question again and gets the same answer: not a canned answer to different questions.
            data.Add(S("B@0:什么时候发货？", "A@10:亲，付款后48小时内发货哦", "B@20:什么时候发货？", "A@30:亲，付款后48小时内发货哦"));
            // Greetings are not questions a reply answers.
            data.Add(S("B@0:在吗", "A@5:亲，在的，请问有什么可以帮您～", "B@60:有人吗", "A@65:亲，在的，请问有什么可以帮您～"));
            // The same reply twice, not in a row.
            data.Add(S("B@0:有现货吗？", "A@5:亲，以页面为准哦", "B@10:什么时候发？", "A@15:亲，48小时内发货呢", "B@20:包邮吗", "A@25:亲，以页面为准哦"));
            // A short answer between breaks the run.
            data.Add(S("B@0:有现货吗？", "A@5:亲，以页面为准哦", "B@10:什么时候发？", "A@15:好的亲", "B@20:包邮吗", "A@25:亲，以页面为准哦"));
            // The buyer's next message is no question.
            data.Add(S("B@0:这个有现货吗", "A@5:亲，以页面为准哦", "B@10:我想要红色的", "A@15:亲，以页面为准哦"));
            // A normal conversation: each question its own answer.
            data.Add(S("B@0:这个有现货吗？", "A@5:亲，有现货的哦", "B@10:什么时候发货", "A@15:亲，今天下午四点前付款当天发呢", "B@20:包邮吗", "A@25:亲，全国包邮（偏远地区除外）", "B@30:好的谢谢", "A@35:不客气亲，祝您购物愉快～"));
            // The same reply to two different questions only (a good reply can fit two related questions).
            foreach (var (q1, q2, r1, r2) in CannedAnswers)
                data.Add(S($"B@0:{q1}", $"A@20:{r1}", $"B@40:{q2}", $"A@60:{r2}"));
            // A late record far older than the other two repeats does not join their window.
            data.Add(S("A@700:亲，正在为您核实呢", "A@710:亲，正在为您核实呢", "A@0:亲，正在为您核实呢"));
            // Two replies each sent twice.
            data.Add(S("A@0:亲，已为您备注", "A@10:亲，正在为您核实", "A@20:亲，已为您备注", "A@30:亲，正在为您核实"));
            // Repeats of the same reply in two conversations, twice each.
            data.Add(S("A@0#c1:亲，正在为您核实哦", "A@10#c2:亲，正在为您核实哦", "A@20#c1:亲，正在为您核实哦", "A@30#c2:亲，正在为您核实哦"));
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Repeated))]
    public void Script_WithMechanicalRepeats_RaisesOneLowAlertFromTheFirstRepeat(string script, string kind, string firstId)
    {
        var (chat, _) = Run(script);
        var alert = Assert.Single(chat.Of(Rule));
        Assert.Equal(Severity.Low, alert.Severity);
        Assert.Equal(kind, alert.Evidence!["kind"]!.GetValue<string>());
        Assert.Equal(firstId, alert.MessageIds[0]);
        Assert.Equal(AlertIds.ForConversation(Rule, "c1", firstId), alert.AlertId);
        var repeats = alert.Evidence["repeats"]!.AsArray();
        Assert.Equal(alert.MessageIds.Count, repeats.Count);
        Assert.Equal(3, repeats.Count);
        Assert.All(repeats, r => Assert.False(string.IsNullOrEmpty(r!["sentAt"]!.GetValue<string>())));
        Assert.InRange(alert.Evidence["excerpt"]!.GetValue<string>().Length, 1, RepeatedReplyRule.ExcerptLength + 1);
    }

    [Theory]
    [MemberData(nameof(NotRepeated))]
    public void Script_WithoutMechanicalRepeats_RaisesNothing(string script)
    {
        var (chat, _) = Run(script);
        Assert.Empty(chat.Of(Rule));
    }

    [Fact]
    public void Cases_AreAtLeastFortyEachWay()
    {
        Assert.True(Repeated.Count >= 40, $"{Repeated.Count} positive cases");
        Assert.True(NotRepeated.Count >= 40, $"{NotRepeated.Count} negative cases");
    }

    /// <summary>Runs <paramref name="script"/> (see the class summary) through a default pipeline.</summary>
    internal static (ChatScript Chat, int Steps) Run(string script, params (string Key, string? Value)[] config)
    {
        var chat = new ChatScript(config);
        var steps = script.Split('\n');
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var colon = step.IndexOf(':', StringComparison.Ordinal);
            var head = step[..colon];
            var text = step[(colon + 1)..];
            var sender = head[0] switch { 'A' => SenderKind.Agent, 'B' => SenderKind.Buyer, 'R' => SenderKind.Bot, _ => throw new FormatException(step) };
            var hash = head.IndexOf('#', StringComparison.Ordinal);
            var at = double.Parse(hash < 0 ? head[2..] : head[2..hash], System.Globalization.CultureInfo.InvariantCulture);
            var conversation = hash < 0 ? "c1" : head[(hash + 1)..];
            chat.Send(ChatScript.Msg($"m{i + 1}", sender, at, text, conversation, sender == SenderKind.Bot ? "bot" : "agent-1"));
        }
        return (chat, steps.Length);
    }
}
