using System.Globalization;
using System.Text;

namespace Alerting.Simulation;

/// <summary>
/// Agent and buyer lines of the faults added for the newer rules, each with what the ground truth needs.
/// Numbers are made valid here from their own definitions (mobile prefix, GB 11643 check character,
/// Luhn), independently of the rule's code, so the ground truth does not trust what it scores.
/// </summary>
internal static class FaultLines
{
    private static readonly string[] PhoneLines =
    [
        "亲，您预留的手机号是{n}吗？我这边帮您备注一下", "收货人电话{n}，地址我这边核对过了哦", "您的收货电话 {n} 对吧，快递会提前联系您",
        "帮您核对一下：收件电话{n}，没问题的话我就提交啦", "您下单填的号码{n}打不通呢，麻烦看一下",
    ];

    private static readonly string[] IdLines =
    [
        "您的身份证号{n}已经提交海关实名认证了", "跨境商品需要实名，您提供的证件号{n}已登记", "亲，实名信息：身份证{n}，我这边同步好了",
    ];

    private static readonly string[] CardLines =
    [
        "补偿款会打到您的银行卡{n}，请注意查收", "您的卡号{n}已经登记，三个工作日内到账", "亲，核对一下您的储蓄卡{n}哦",
    ];

    private static readonly string[] ContactLines =
    [
        "亲，加我微信{h}，下次直接找我买更便宜", "加我v信：{h}，朋友圈有内部价哦", "您加下我vx {h}，发您实拍图", "有问题直接打我电话{m}",
        "加 薇 信 {h} 细聊呢", "我的扣扣{q}，有事找我", "私聊我，给您留一件",
    ];

    private static readonly string[] PaymentLines =
    [
        "这单咱们私下交易吧，便宜20元", "不走平台的话可以再优惠点哦", "支付宝转账给我就行，马上发货", "差价您直接转我微信就可以",
        "线下付款可以打九折呢",
    ];

    /// <summary>An agent line moving the buyer off the platform: (category as the evidence names it, text).</summary>
    public static (string Category, string Text) OffPlatform(SimRandom rng)
    {
        if (rng.Chance(0.4)) return ("payment", rng.Pick(PaymentLines));
        var handle = "kefu" + Digits(rng, 4);
        var mobile = "1" + (char)('3' + rng.Next(7)) + Digits(rng, 9);
        var line = rng.Pick(ContactLines).Replace("{h}", handle, StringComparison.Ordinal).Replace("{m}", mobile, StringComparison.Ordinal)
            .Replace("{q}", (char)('1' + rng.Next(9)) + Digits(rng, 8), StringComparison.Ordinal);
        return ("contact", line);
    }

    private static readonly string[] ThreatLines = ["再不处理我就投诉了", "我要打12315投诉你们", "差评警告！", "等着吃差评吧", "找消协评理去", "曝光你们这种店"];

    private static readonly string[] EmotionLines = ["第三次问了，到底有没有人", "什么态度！！！", "客服态度太差了", "都几天了还不发货？？？", "气死我了，受够了", "你们是不是骗子啊"];

    /// <summary>A buyer line with a complaint-risk signal: (tier the first alert has, text).</summary>
    public static (string Tier, string Text) ComplaintRisk(SimRandom rng)
        => rng.Chance(0.5) ? ("critical", rng.Pick(ThreatLines)) : ("medium", rng.Pick(EmotionLines));

    private static readonly string[] PaidReviewLines = ["亲，好评返现5元，截图找我领哦", "五星好评晒图返3元红包", "给个好评返您红包哦", "追评返5元呢亲", "好评有礼，截图给我就行"];

    /// <summary>An agent line offering money or gifts for a review.</summary>
    public static string PaidReview(SimRandom rng) => rng.Pick(PaidReviewLines);

    private static readonly string[] RepeatedLines =
    [
        "亲，这边正在为您核实，请耐心等待一下哦～", "您好，您的问题已收到，稍后给您回复", "亲亲，具体以页面信息为准的哦",
        "感谢您的耐心等待，马上为您处理😊", "亲，这个问题我帮您登记一下呢", "您好，请您描述一下具体情况哦",
    ];

    /// <summary>A canned quick reply an agent hammers (sent three times in a row by the <c>repeated_reply</c> fault).</summary>
    public static string RepeatedReply(SimRandom rng) => rng.Pick(RepeatedLines);

    private static readonly string[] Regions = ["110105", "310104", "440305", "330106", "510107", "320102", "420106", "610113"];

    /// <summary>An agent line exposing a buyer's number: (kind as the evidence names it, text).</summary>
    public static (string Kind, string Text) PersonalData(SimRandom rng)
    {
        switch (rng.Next(3))
        {
            case 0:
                var phone = "1" + (char)('3' + rng.Next(7)) + Digits(rng, 9);
                var written = rng.Next(3) switch
                {
                    0 => phone,
                    1 => $"{phone[..3]} {phone[3..7]} {phone[7..]}",
                    _ => $"{phone[..3]}-{phone[3..7]}-{phone[7..]}",
                };
                return ("phone", rng.Pick(PhoneLines).Replace("{n}", written, StringComparison.Ordinal));
            case 1:
                var birth = new DateTime(1960, 1, 1).AddDays(rng.Next(365 * 45));
                var body = rng.Pick(Regions) + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + Digits(rng, 3);
                return ("resident_id", rng.Pick(IdLines).Replace("{n}", body + IdCheck(body), StringComparison.Ordinal));
            default:
                var card = "62" + Digits(rng, rng.Chance(0.5) ? 14 : 16);
                return ("bank_card", rng.Pick(CardLines).Replace("{n}", card + LuhnDigit(card), StringComparison.Ordinal));
        }
    }

    private static string Digits(SimRandom rng, int count)
    {
        var sb = new StringBuilder(count);
        for (var i = 0; i < count; i++) sb.Append((char)('0' + rng.Next(10)));
        return sb.ToString();
    }

    private static char IdCheck(string body17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (body17[i] - '0') * weights[i];
        return "10X98765432"[sum % 11];
    }

    private static char LuhnDigit(string payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var d = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }
}
