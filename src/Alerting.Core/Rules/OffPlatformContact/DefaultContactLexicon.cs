namespace Alerting.Core.Rules.OffPlatformContact;

/// <summary>
/// Built-in phrases of <c>off_platform_contact</c>. Templates name a channel by <c>{wx}</c> (WeChat) or
/// <c>{qq}</c> (QQ) and are expanded to every spelling agents use to slip past filters; the matcher
/// then looks through inserted spaces and symbols, full-width letters and traditional characters.
/// </summary>
internal static class DefaultContactLexicon
{
    /// <summary>Spellings of WeChat (微信): homophones, look-alikes, pinyin, initials, slang.</summary>
    public static readonly string[] WeChat =
        ["微信", "威信", "薇信", "徽信", "维信", "微芯", "位信", "v信", "V信", "vx", "wx", "weixin", "wechat", "微x", "绿泡泡", "围脖信"];

    /// <summary>Spellings of QQ.</summary>
    public static readonly string[] Qq = ["qq", "扣扣", "企鹅", "球球", "q q"];

    /// <summary>Contact phrases (category <c>contact</c>).</summary>
    public static readonly string[] ContactTemplates =
    [
        "加{wx}", "加我{wx}", "加个{wx}", "加下{wx}", "加一下{wx}", "加我们的{wx}", "加我们{wx}", "我们的{wx}", "加我的{wx}", "我的{wx}", "我{wx}", "{wx}号", "{wx}联系", "{wx}聊",
        "私人{wx}", "{wx}上联系", "{wx}找我", "扫我{wx}", "{wx}二维码",
        "加{qq}", "加我{qq}", "我的{qq}", "我{qq}", "{qq}号", "{qq}联系", "{qq}找我", "私人{qq}",
        "加好友", "加个好友", "加我好友", "加我", "私聊我", "私信我", "打我电话", "给我打电话", "打我手机", "我的电话", "我的手机号",
        "我手机号", "我的号码", "我的电话号", "我的私人", "我私人", "私人电话给您", "私人号码给您", "私人手机给您", "手机联系我", "电话联系我", "加我钉钉", "我的钉钉", "加钉钉",
        "站外联系", "平台外联系", "换个软件聊", "去别的软件", "下载我们的app", "加群私聊",
    ];

    /// <summary>Payment outside the platform (category <c>payment</c>).</summary>
    public static readonly string[] PaymentTerms =
    [
        "私下交易", "私下转账", "私下付款", "私下联系", "私下沟通", "私下给你", "私下给您", "私下退", "线下交易", "线下转账", "线下付款",
        "不走平台", "不通过平台", "绕开平台", "绕过平台", "不走淘宝", "不走京东", "不在平台", "转账给我", "钱转给我", "钱转我", "钱打给我", "转我支付宝", "转我微信",
        "打款给我", "付款给我", "支付宝转账", "支付宝转给", "微信转账", "微信转给", "支付宝付款给", "微信付款给", "扫码付款", "扫码转账",
        "扫我的码", "我的收款码", "收款码", "发红包给我", "发我红包", "给我发红包", "支付宝红包", "微信红包", "打到我卡上", "转到我卡上", "转我银行卡",
    ];

    /// <summary>Built-in exceptions: warnings, refusals and platform features that contain a phrase.</summary>
    public static readonly string[] Allow =
    [
        "不要加", "不能加", "不用加", "无需加", "不加", "请勿加", "切勿加", "别加", "禁止加", "严禁加", "不可以加", "不可加", "没法加", "不方便加",
        "不要私下", "请勿私下", "切勿私下", "不能私下", "不会私下", "不支持私下", "谨防私下", "别私下", "禁止私下", "严禁私下", "不可私下", "不可以私下",
        "不要线下", "请勿线下", "切勿线下", "不能线下", "不支持线下", "禁止线下", "严禁线下",
        "不要转账", "请勿转账", "切勿转账", "别转账", "不要转给", "请勿转给", "不要扫码", "请勿扫码", "切勿扫码", "不要扫", "请勿扫", "别扫",
        "不要发红包", "请勿发红包", "不要付给", "请勿付给", "不要打款", "请勿打款", "都不走平台", "说不走平台",
        "不能给您我的", "不方便给", "没有私人", "不提供私人", "不会要您", "平台不允许", "平台规定不能", "谨防诈骗", "是骗子", "都是骗子", "防骗",
        "加我们店铺", "加我们的店铺", "加我们会员", "加我们的会员", "加入会员", "加我们淘宝群", "加我们的淘宝群", "加入淘宝群", "加入店铺群",
        "加我们旺旺群", "加购", "加我们为", "关注我们", "加我们粉丝群", "我的淘宝", "我的订单", "我的京东",
        "参加", "增加", "追加", "叠加", "附加", "转给我们", "转给我同事", "转给我的同事", "转给我们售后", "我的手机壳", "我的手机膜",
        "qq音乐", "qq邮箱", "qq浏览器", "qq飞车", "企鹅玩偶", "企鹅款", "小企鹅", "企鹅图案", "微信支付不支持", "不支持微信", "不支持支付宝", "微信小程序", "我电话问",
    ];

    /// <summary>
    /// Words before a number that make it the agent's own contact. First person on purpose: 您可以打电话问下
    /// 010-… (a venue, the courier's or the brand's service line) is a referral, not a move off the platform.
    /// </summary>
    public static readonly string[] PhoneCues = ["加", "打我", "拨我", "联系我", "找我", "call我", "私人", "私下", "私聊", "我的", "我电话", "我手机", "我号", "我微", "我v", "wx", "vx", "v信", "微信", "扣扣", "qq"];

    /// <summary>Words right after a number that make it the agent's own contact (138… 找我).</summary>
    public static readonly string[] PhoneCuesAfter = ["找我", "联系我", "加我", "打给我", "call我", "私聊", "加微信", "同微信", "微信同号"];

    /// <summary>Every phrase with its category, templates expanded.</summary>
    public static IEnumerable<(string Term, string Category)> Terms()
    {
        foreach (var t in ContactTemplates)
        {
            if (t.Contains("{wx}", StringComparison.Ordinal)) foreach (var w in WeChat) yield return (t.Replace("{wx}", w, StringComparison.Ordinal), "contact");
            else if (t.Contains("{qq}", StringComparison.Ordinal)) foreach (var q in Qq) yield return (t.Replace("{qq}", q, StringComparison.Ordinal), "contact");
            else yield return (t, "contact");
        }
        foreach (var t in PaymentTerms) yield return (t, "payment");
    }
}
