using System.Globalization;
using System.Text;

namespace Alerting.Simulation;

/// <summary>What a buyer turn is about.</summary>
internal enum Topic
{
    Size,
    Stock,
    Shipping,
    Promotion,
    Deposit,
    Gift,
    Coupon,
    Usage,
    Refund,
    Return,
    LateParcel,
}

internal sealed record Product(string Name, string VariantWord, IReadOnlyList<string> Variants, string SizeWord, IReadOnlyList<string> Sizes);

internal sealed record CategoryVocabulary(
    StoreCategory Category,
    string Key,
    IReadOnlyList<string> StoreNames,
    IReadOnlyList<Product> Products,
    IReadOnlyList<string> Gifts,
    IReadOnlyList<string> Issues);

/// <summary>Slot values of one conversation; templates are filled from it.</summary>
internal sealed class TalkContext
{
    public required SimulatedStore Store { get; init; }
    public required CategoryVocabulary Vocabulary { get; init; }
    public required DateTimeOffset Start { get; init; }
    public required Product Product { get; set; }
    public required string Variant { get; set; }
    public required string Size { get; set; }
    public required string Size2 { get; set; }
    public required string AgentNick { get; set; }
    public SimulatedPromotion? Promotion { get; set; }
    /// <summary>Name or alias of <see cref="Promotion"/> used in the current sentence.</summary>
    public string PromotionLabel { get; set; } = "";
    public int StatedThreshold { get; set; }
    public int StatedAmount { get; set; }
}

/// <summary>
/// The generator's phrase book: templates × slots (products, colours, sizes, cities, dates,
/// amounts). Clean agent templates never contain a rude or evasive phrase, never say 不知道, never
/// use 极限词 (最低价, 全网第一…), and state promotion terms only as {X}/{Y} from the promotion
/// (the tests pin this). Innocent words that naive filters trip on (操作, 手机, 满意, 干嘛 from
/// buyers) appear on purpose.
/// </summary>
internal static class Vocabulary
{
    public static readonly IReadOnlyList<CategoryVocabulary> Categories =
    [
        new(StoreCategory.Beauty, "beauty",
            ["花漾美妆旗舰店", "兰亭护肤官方店", "初研美妆专营店", "若水彩妆旗舰店", "青禾护肤店"],
            [
                new("精华液", "款式", ["修护款", "美白款", "抗老款"], "容量", ["30ml", "50ml", "100ml"]),
                new("面霜", "款式", ["保湿款", "清爽款", "滋润款"], "容量", ["30g", "50g"]),
                new("口红", "色号", ["正红色", "豆沙色", "枫叶红", "奶茶色", "番茄红", "玫瑰色"], "规格", ["单支装", "礼盒装"]),
                new("粉底液", "色号", ["象牙白", "自然色", "亮肤色", "小麦色"], "容量", ["30ml", "40ml"]),
                new("防晒霜", "款式", ["清爽型", "水润型", "户外型"], "容量", ["40ml", "60ml", "80ml"]),
                new("卸妆油", "款式", ["温和型", "深层清洁型"], "容量", ["150ml", "200ml", "300ml"]),
                new("面膜", "款式", ["补水款", "舒缓款", "提亮款"], "规格", ["5片装", "10片装", "20片装"]),
                new("眼霜", "款式", ["淡纹款", "去黑眼圈款"], "容量", ["15g", "20g"]),
                new("气垫", "色号", ["01亮白", "02自然", "03暖米"], "规格", ["单盒", "正装加替换芯"]),
            ],
            ["小样三件套", "化妆包", "面膜两片", "卸妆巾", "同款旅行装", "美妆蛋"],
            ["用了有点过敏", "瓶子漏了", "包装压坏了", "颜色和图片不一样", "泵头按不出来"]),
        new(StoreCategory.Apparel, "apparel",
            ["北城女装旗舰店", "简衣男装官方店", "森屿服饰", "拾穗原创女装", "野风户外服饰", "南巷童装"],
            [
                new("羽绒服", "颜色", ["黑色", "米白色", "燕麦色", "藏青色", "雾霾蓝"], "尺码", ["S", "M", "L", "XL", "XXL"]),
                new("卫衣", "颜色", ["灰色", "白色", "酒红色", "墨绿色"], "尺码", ["S", "M", "L", "XL"]),
                new("牛仔裤", "颜色", ["浅蓝", "深蓝", "黑色"], "尺码", ["26", "27", "28", "29", "30", "31", "32"]),
                new("连衣裙", "颜色", ["碎花", "杏色", "黑色", "雾粉色"], "尺码", ["S", "M", "L"]),
                new("毛衣", "颜色", ["奶白色", "卡其色", "焦糖色", "浅灰色"], "尺码", ["M", "L", "XL"]),
                new("风衣", "颜色", ["卡其色", "黑色", "米色"], "尺码", ["160/84A", "165/88A", "170/92A"]),
                new("衬衫", "颜色", ["白色", "浅蓝色", "条纹"], "尺码", ["38", "39", "40", "41", "42"]),
                new("运动鞋", "颜色", ["纯白", "黑白", "灰绿"], "鞋码", ["36", "37", "38", "39", "40", "41", "42", "43"]),
                new("大衣", "颜色", ["驼色", "黑色", "燕麦色"], "尺码", ["S", "M", "L"]),
            ],
            ["袜子一双", "帽子", "围巾", "收纳袋", "同款发圈", "防尘袋"],
            ["开线了", "有色差", "起球了", "拉链拉不动", "有线头"]),
        new(StoreCategory.HomeGoods, "home",
            ["暖居家纺旗舰店", "拾光家居", "木子生活馆", "安眠家纺官方店", "厨趣厨具专营店"],
            [
                new("四件套", "颜色", ["灰色", "奶油白", "薄荷绿", "浅粉色"], "规格", ["1.5米床", "1.8米床", "2米床"]),
                new("乳胶枕", "款式", ["高低款", "波浪款", "儿童款"], "规格", ["单只装", "一对装"]),
                new("收纳箱", "颜色", ["透明", "白色", "灰色"], "规格", ["30L", "55L", "80L"]),
                new("保温杯", "颜色", ["星空蓝", "樱花粉", "曜石黑"], "容量", ["350ml", "500ml", "750ml"]),
                new("电饭煲", "款式", ["基础款", "智能预约款"], "容量", ["3L", "4L", "5L"]),
                new("空气炸锅", "颜色", ["白色", "黑色"], "容量", ["4.5L", "5.5L", "6L"]),
                new("床垫", "款式", ["软硬两面款", "独袋弹簧款"], "规格", ["1.5米", "1.8米"]),
                new("香薰", "款式", ["白茶", "雪松", "无花果"], "容量", ["100ml", "200ml"]),
                new("懒人沙发", "颜色", ["米白", "浅咖", "燕麦色"], "规格", ["单人款", "双人款"]),
            ],
            ["毛巾两条", "收纳袋", "清洁刷", "香薰蜡片", "隔热垫", "洗衣凝珠"],
            ["有异味", "尺寸不对", "外箱破损", "少发了配件", "有划痕"]),
        new(StoreCategory.Digital, "digital",
            ["极客数码旗舰店", "闪电配件官方店", "小满数码专营店", "听风音频旗舰店"],
            [
                new("手机壳", "颜色", ["透明", "磨砂黑", "奶茶色", "冰川蓝"], "适用机型", ["iPhone 16", "iPhone 16 Pro", "华为Mate70", "小米15"]),
                new("充电宝", "颜色", ["白色", "黑色", "浅紫"], "容量", ["10000毫安", "20000毫安"]),
                new("蓝牙耳机", "颜色", ["白色", "黑色", "雾蓝"], "款式", ["半入耳款", "降噪款"]),
                new("数据线", "颜色", ["白色", "编织黑"], "长度", ["1米", "1.5米", "2米"]),
                new("钢化膜", "款式", ["高清款", "防窥款"], "适用机型", ["iPhone 16", "华为Mate70", "小米15", "OPPO Find X8"]),
                new("智能手表", "颜色", ["曜石黑", "月光银", "玫瑰金"], "表盘", ["42mm", "46mm"]),
                new("充电器", "颜色", ["白色", "黑色"], "功率", ["20W", "35W", "65W"]),
            ],
            ["手机支架", "数据线一根", "收纳包", "贴膜神器", "清洁套装"],
            ["充不进电", "有杂音", "连不上手机", "屏幕有划痕", "按键失灵"]),
    ];

    public static readonly IReadOnlyList<string> AgentNicknames =
        ["小美", "小雅", "阿乐", "小桃", "小七", "木木", "糖糖", "小鹿", "阿宁", "小橙", "安安", "果果", "小满", "阿青", "豆豆", "小溪"];

    public static readonly IReadOnlyList<string> Cities =
        ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆", "长沙", "郑州", "沈阳", "昆明", "苏州", "天津", "青岛", "厦门", "哈尔滨", "乌鲁木齐"];

    public static readonly IReadOnlyList<string> Couriers = ["顺丰", "中通", "圆通", "韵达", "京东快递", "邮政EMS", "申通"];

    private static readonly IReadOnlyList<string> TrackingPrefixes = ["SF", "ZT", "YT", "YD", "JD", "ST"];

    /// <summary>Promotion names (name, aliases, id); a store's promotions never share a word.</summary>
    public static readonly IReadOnlyList<(string Name, string[] Aliases, string Id)> PromotionNames =
    [
        ("双11狂欢满减", ["双11满减", "狂欢满减"], "d11-main"),
        ("店铺满减", ["本店满减", "店铺活动"], "shop-fullcut"),
        ("会员专享满减", ["会员满减", "会员日活动"], "vip"),
        ("新客满减", ["新人满减", "新客活动"], "new-buyer"),
        ("品类日满减", ["品类满减"], "category-day"),
        ("预热满减", ["预热活动"], "warmup"),
    ];

    public static readonly IReadOnlyList<(int Threshold, int Amount)> PromotionTerms =
    [
        (99, 10), (150, 20), (199, 30), (200, 30), (249, 40), (299, 50), (300, 50), (300, 40),
        (399, 60), (400, 60), (500, 80), (599, 100), (800, 120), (1000, 150),
    ];

    // ---------------------------------------------------------------- buyers

    public static readonly IReadOnlyList<string> BuyerOpeners = ["在吗", "你好", "亲在吗", "请问一下", "哈喽", "客服在吗", "有人吗", "您好", "在不在"];

    private static readonly Dictionary<Topic, string[]> BuyerQuestions = new()
    {
        [Topic.Size] =
        [
            "我{h}cm，{w}斤，{p}穿什么{sw}", "平时穿{s}，这款{p}偏大还是偏小", "{s}和{s2}纠结，选哪个好", "{p}的{sw}怎么选",
            "我{w}斤能穿{s}吗", "身高{h}体重{w}斤，{s}会不会小", "给老公买，{h}的个子拿{s}行吗", "{p}{s}的有多大",
        ],
        [Topic.Stock] =
        [
            "{v}的{p}还有货吗", "{p}{v}{s}什么时候补货", "{s}的还有吗", "这个{vw}还能买到吗", "{v}{s}有现货吗",
            "{p}是不是没货了", "{v}的断货了吗，想要{s}",
        ],
        [Topic.Shipping] =
        [
            "今天下单什么时候发货", "能发顺丰吗", "寄到{city}要几天", "{date}之前能到吗", "发什么快递", "{city}能包邮吗",
            "{p}现在拍几天能到{city}", "预售还是现货啊",
        ],
        [Topic.Promotion] =
        [
            "{promo}怎么算的", "{p}参加满减吗", "现在有什么活动吗", "是满{BX}减{BY}吗", "满减和优惠券能一起用吗",
            "买{n}件能用满减吗", "{promo}是满多少减多少", "{p}和{gift}一起买能凑满减吗", "听说{promo}满{BX}减{BY}？",
        ],
        [Topic.Deposit] =
        [
            "定金什么时候付尾款", "付了定金可以退吗", "预售的{p}几号发货", "定金能抵多少", "尾款几点开始付", "定金付了忘记付尾款怎么办",
        ],
        [Topic.Gift] =
        [
            "有赠品吗", "送的{gift}是正装吗", "赠品能换成别的吗", "买{n}件送几个{gift}", "{gift}是随单发吗", "赠品怎么没看到",
        ],
        [Topic.Coupon] =
        [
            "优惠券在哪里领", "我的券怎么用不了", "手机上怎么领券", "店铺券和满减能叠加吗", "{p}能用券吗", "会员券在哪",
        ],
        [Topic.Usage] =
        [
            "这个{p}怎么操作", "{p}第一次用要注意什么", "手机上怎么操作申请售后", "{p}收到了不太会用", "{p}干嘛要先激活啊", "{p}怎么清洁",
        ],
        [Topic.Refund] =
        [
            "我要退款", "订单{order}申请退款了什么时候到账", "退款怎么还没到", "不想要了能退吗", "拍错{vw}了，能退款重拍吗",
            "{p}{issue}，我要退款",
        ],
        [Topic.Return] =
        [
            "{p}尺码不合适，能换{s2}吗", "退货地址是哪里", "支持七天无理由吗", "退货运费谁出", "{p}{issue}，能换货吗",
            "{v}不喜欢，想换个{vw}",
        ],
        [Topic.LateParcel] =
        [
            "快递{days}天了还没到", "物流一直没更新，单号{track}", "显示已签收但我没收到", "干嘛一直不发货啊", "{date}下的单怎么还没发",
            "快递到{city}就不动了",
        ],
    };

    public static readonly IReadOnlyList<string> BuyerDetails =
        ["{v}的", "要{s}的", "急用", "麻烦快点", "买来送人的", "图片上这个{vw}", "能快点发吗", "{p}那个", "谢谢", "第一次买"];

    public static readonly IReadOnlyList<string> BuyerNudges = ["在吗？", "有人吗", "？？", "怎么不回消息", "客服？", "还在吗", "回一下呀"];

    public static readonly IReadOnlyList<string> BuyerThanks = ["好的谢谢", "明白了，谢谢", "好的，那我下单了", "行，我再看看", "OK谢谢", "收到", "好的亲", "那我等等"];

    // ---------------------------------------------------------------- agents (clean)

    private static readonly string[] AgentPrefixes = ["", "", "亲，", "亲亲，", "您好，", "亲爱的，", "好的亲，"];
    private static readonly string[] AgentSuffixes = ["", "哦", "呢", "～", "哈", "。", "哦～", "😊", "[微笑]", "的哦", "！"];

    public static readonly IReadOnlyList<string> AgentGreetings =
    [
        "您好，我是{store}客服{nick}，很高兴为您服务", "在的呢，请问有什么可以帮您", "{nick}在的，您请说", "欢迎光临{store}，{nick}为您服务",
        "在的亲，您稍等，我帮您看一下", "您好，{nick}为您服务，请问有什么需要", "来啦来啦，{nick}在呢",
    ];

    public static readonly IReadOnlyList<string> AgentTransferGreetings =
    [
        "您好，我是{store}售后专员{nick}，接下来由我为您处理", "我是{nick}，同事把您转给我了，您的问题我来跟进",
        "您好，{nick}接手您的咨询，我先看一下订单",
    ];

    private static readonly Dictionary<Topic, string[]> AgentAnswers = new()
    {
        [Topic.Size] =
        [
            "按您{h}cm、{w}斤的身材，建议选{s}", "这款{p}版型{fit}，平时穿{s}的可以直接拿{s}", "{p}是宽松版型，{h}的身高选{s}刚好",
            "{s}和{s2}都能穿，喜欢宽松一点就拿{s2}", "尺码表在详情页第三张图，按您的情况拿{s}就可以", "{p}的{sw}是标准的，建议拿{s}",
            "{p}{s}适合{w}斤左右，您放心拍",
        ],
        [Topic.Stock] =
        [
            "{v}的{p}{s}现在有现货，付款后48小时内发出", "{v}这个{vw}暂时缺货，预计{date}补货，可以先加购收藏",
            "{p}{v}库存还有{stock}件，喜欢可以早点下单", "{v}{s}已经补货了，现在拍就可以", "{s}的{v}刚到了一批，现货速发",
        ],
        [Topic.Shipping] =
        [
            "{hour}前付款当天发货，默认发{courier}", "发到{city}一般{days}天左右送达", "可以发顺丰的，需要补{fee}元运费差价",
            "大促期间订单量大，{date}前会陆续发出，请您耐心等待", "现货款48小时内发货，预售款按付款顺序发", "{city}是包邮的，默认{courier}",
        ],
        [Topic.Promotion] =
        [
            "{promo}是满{X}减{Y}，下单时自动抵扣", "现在{promo}进行中，满{X}减{Y}，{p}也参加", "{p}参加{promo}，满{X}减{Y}，可以和店里其他商品一起凑单",
            "{promo}满{X}减{Y}，在购物车里结算就能看到优惠", "我们家{promo}是满{X}减{Y}，凑够金额系统自动减", "{promo}：满{X}减{Y}，仅限本店商品",
            "您买{p}可以参加{promo}，满{X}减{Y}",
        ],
        [Topic.Deposit] =
        [
            "预售的{p}付定金{dep}元，{date}付尾款", "定金付完以后{date}记得付尾款，尾款开始前会有消息提醒", "定金是不退的，请您确认好{vw}和{sw}再下单",
            "预售款付尾款后{days}天内发货", "尾款{date}晚上8点开始支付，手机上会收到提醒",
        ],
        [Topic.Gift] =
        [
            "现在下单送{gift}，送完即止", "赠品{gift}会和{p}一起发出", "{gift}是固定赠品，不能更换，请您谅解", "买{p}就送{gift}，不用备注，系统自动添加",
            "赠品在订单里显示为0元商品，会一起发出",
        ],
        [Topic.Coupon] =
        [
            "店铺首页可以领优惠券，手机端领取更方便", "优惠券在商品页面的领券入口，点一下就能领", "券用不了可能是没到使用门槛或者已经过期了，可以在我的优惠券里查看",
            "优惠券可以和{promo}一起用", "会员券在店铺首页会员中心领取", "{p}可以用店铺券，结算时自动选择",
        ],
        [Topic.Usage] =
        [
            "{p}的操作很简单，按说明书的步骤来就行", "手机上打开订单，点申请售后就可以操作", "收到后有使用说明卡，操作有问题随时找我",
            "第一次用{p}建议先看一下详情页的使用视频", "{p}清洁的时候用软布擦拭就可以",
        ],
        [Topic.Refund] =
        [
            "已经帮您提交退款申请，1到3个工作日原路退回", "退款已经同意了，订单{order}的钱会原路退回", "退款正在处理中，银行卡到账会慢一点，请您再耐心等一下",
            "{p}{issue}真的很抱歉，已经给您走极速退款了", "您直接申请仅退款，我这边马上同意",
        ],
        [Topic.Return] =
        [
            "支持七天无理由退换，商品不影响二次销售就可以", "退货地址已经发您了，寄回时请备注订单号", "{p}有运费险，退货运费会自动理赔",
            "换{s2}的话直接申请换货，仓库收到后马上给您换", "{issue}的问题给您添麻烦了，运费我们承担，您申请退货就行",
        ],
        [Topic.LateParcel] =
        [
            "帮您查了一下，包裹在{city}转运中心，预计{days}天内送达", "已经帮您联系{courier}催件了，给您带来不便真的很抱歉",
            "单号{track}显示正在派送，请您保持电话畅通", "如果{date}还没收到，我这边直接给您补发", "已经登记了物流异常，有进展第一时间通知您",
        ],
    };

    public static readonly IReadOnlyList<string> AgentClosers =
    [
        "还有其他需要帮助的吗", "感谢您的耐心，祝您购物愉快", "有问题随时来找{nick}", "满意的话记得给个好评", "欢迎再次光临{store}", "您看还有什么疑问吗",
    ];

    public static readonly IReadOnlyList<string> AgentThanksReplies =
    [
        "不客气，祝您生活愉快", "应该的，有需要随时联系", "期待您再次光临{store}", "不客气，{nick}随时在", "好的，有问题随时找我们",
    ];

    // ---------------------------------------------------------------- bots

    public static readonly IReadOnlyList<string> BotGreetings =
    [
        "您好，欢迎光临{store}，客服正在火速赶来", "【自动回复】双11期间消息较多，请您耐心等待", "您的消息已收到，客服会尽快回复您",
        "【自动回复】欢迎光临{store}，下单前可以先领店铺券哦",
    ];

    public static readonly IReadOnlyList<string> BotBusyReplies =
    [
        "【自动回复】当前咨询人数较多，请稍候片刻", "亲，客服正在排队接待中，请耐心等待", "【自动回复】您的问题已记录，稍后客服会联系您",
    ];

    /// <summary>Bot lines that state a promotion; filled with the exact terms.</summary>
    public static readonly IReadOnlyList<string> BotPromotionLines = ["【自动回复】{promo}火热进行中，满{X}减{Y}", "【自动回复】本店{promo}：满{X}减{Y}，欢迎选购"];

    // ---------------------------------------------------------------- faults

    /// <summary>Rude phrases (canonical form as evidence) and the agent lines that carry them.</summary>
    public static readonly IReadOnlyList<(string Phrase, string[] Lines)> RudeLines =
    [
        ("傻逼", ["傻逼", "{p}没问题，傻逼", "说了没货，傻逼"]),
        ("你是不是傻", ["都说了{s}，你是不是傻", "你是不是傻，详情页写着呢", "你是不是傻啊"]),
        ("爱买不买", ["爱买不买", "就这个价，爱买不买", "{p}就这样，爱买不买"]),
        ("你自己看", ["你自己看详情页", "尺码表在那儿，你自己看", "物流信息你自己看"]),
        ("烦不烦", ["烦不烦啊，问了好几遍了", "一直问烦不烦", "烦不烦，{v}没货"]),
        ("听不懂吗", ["听不懂吗？{v}没货", "说了不能退，听不懂吗", "听不懂吗，{s}就是最大的"]),
        ("自己去查", ["物流自己去查", "单号给你了，自己去查", "自己去查订单"]),
        ("有病吧", ["有病吧，{p}没问题", "有病吧你", "有病吧，又来问"]),
        ("傻*逼", ["傻*逼，说了没有", "你个傻*逼"]),
        ("ｓｂ", ["ｓｂ，说了多少遍了", "你是ｓｂ吧", "真是ｓｂ"]),
    ];

    /// <summary>Every injected rude phrase (what no clean line may contain).</summary>
    public static IReadOnlyList<string> RudePhrases { get; } = RudeLines.Select(r => r.Phrase).ToArray();

    // ---------------------------------------------------------------- composition

    public static Topic[] PreSalesTopics { get; } =
        [Topic.Size, Topic.Stock, Topic.Shipping, Topic.Promotion, Topic.Promotion, Topic.Deposit, Topic.Gift, Topic.Coupon, Topic.Usage];

    public static Topic[] AfterSalesTopics { get; } = [Topic.Refund, Topic.Return, Topic.LateParcel, Topic.LateParcel];

    public static string BuyerQuestion(Topic topic, TalkContext ctx, SimRandom rng)
    {
        var text = Fill(rng.Pick(BuyerQuestions[topic]), ctx, rng);
        // A question that already ends in a particle (吗, 呢…) only gets punctuation.
        var endings = text.EndsWith('？') || text.EndsWith('?') ? [""] : "吗呢啊呀吧".Contains(text[^1], StringComparison.Ordinal) ? PunctuationEndings : BuyerEndings;
        return text + rng.Pick(endings);
    }

    private static readonly string[] BuyerEndings = ["", "", "？", "?", "呀", "啊", "呢", "～", "？？"];
    private static readonly string[] PunctuationEndings = ["", "？", "?", "？？", "～"];

    public static string Buyer(IReadOnlyList<string> lines, TalkContext ctx, SimRandom rng) => Fill(rng.Pick(lines), ctx, rng);

    public static string AgentAnswer(Topic topic, TalkContext ctx, SimRandom rng) => Agent(AgentAnswers[topic], ctx, rng);

    public static string Agent(IReadOnlyList<string> lines, TalkContext ctx, SimRandom rng)
    {
        var body = Fill(rng.Pick(lines), ctx, rng);
        var prefix = rng.Pick(AgentPrefixes);
        if (prefix.Length > 0 && body.StartsWith(prefix[..^1], StringComparison.Ordinal)) prefix = "";
        return prefix + body + rng.Pick(AgentSuffixes);
    }

    public static string Plain(IReadOnlyList<string> lines, TalkContext ctx, SimRandom rng) => Fill(rng.Pick(lines), ctx, rng);

    /// <summary>Replaces every <c>{slot}</c> of <paramref name="template"/> from the context or a fresh random value.</summary>
    public static string Fill(string template, TalkContext ctx, SimRandom rng)
    {
        if (!template.Contains('{', StringComparison.Ordinal)) return template;
        var sb = new StringBuilder(template.Length + 32);
        int i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            var close = template.IndexOf('}', open);
            sb.Append(template, i, open - i);
            sb.Append(Slot(template.Substring(open + 1, close - open - 1), ctx, rng));
            i = close + 1;
        }
        return sb.ToString();
    }

    private static string Slot(string name, TalkContext ctx, SimRandom rng)
    {
        var inv = CultureInfo.InvariantCulture;
        return name switch
        {
            "p" => ctx.Product.Name,
            "v" => ctx.Variant,
            "s" => ctx.Size,
            "s2" => ctx.Size2,
            "vw" => ctx.Product.VariantWord,
            "sw" => ctx.Product.SizeWord,
            "h" => rng.Between(150, 188).ToString(inv),
            "w" => rng.Between(85, 180).ToString(inv),
            "city" => rng.Pick(Cities),
            "courier" => rng.Pick(Couriers),
            "date" => ctx.Start.AddDays(rng.Between(1, 6)).ToString("M月d日", inv),
            "days" => rng.Between(2, 7).ToString(inv),
            "order" => Digits(rng, 18, leadingNonZero: true),
            "track" => rng.Pick(TrackingPrefixes) + Digits(rng, 12, leadingNonZero: true),
            "gift" => rng.Pick(ctx.Vocabulary.Gifts),
            "issue" => rng.Pick(ctx.Vocabulary.Issues),
            "store" => ctx.Store.Name,
            "nick" => ctx.AgentNick,
            "promo" => ctx.PromotionLabel,
            "X" => ctx.StatedThreshold.ToString(inv),
            "Y" => ctx.StatedAmount.ToString(inv),
            // What a buyer believes: usually right, sometimes a wrong figure (buyers are not checked).
            "BX" => (!rng.Chance(0.3) ? ctx.StatedThreshold : ctx.StatedThreshold > 150 ? ctx.StatedThreshold - 100 : ctx.StatedThreshold + 100).ToString(inv),
            "BY" => ctx.StatedAmount.ToString(inv),
            "dep" => rng.Pick(DepositAmounts),
            "hour" => rng.Pick(CutoffHours),
            "n" => rng.Between(2, 3).ToString(inv),
            "fit" => rng.Pick(Fits),
            "stock" => rng.Between(3, 60).ToString(inv),
            "fee" => rng.Between(5, 15).ToString(inv),
            _ => throw new InvalidOperationException($"unknown template slot '{{{name}}}'"),
        };
    }

    private static readonly string[] DepositAmounts = ["10", "20", "30", "50", "100"];
    private static readonly string[] CutoffHours = ["16点", "17点", "18点", "下午4点", "下午5点"];
    private static readonly string[] Fits = ["偏大一码", "偏小一码", "是标准码", "偏宽松", "比较修身"];

    private static string Digits(SimRandom rng, int count, bool leadingNonZero)
    {
        Span<char> chars = stackalloc char[count];
        for (int i = 0; i < count; i++) chars[i] = (char)('0' + (i == 0 && leadingNonZero ? rng.Between(1, 9) : rng.Next(10)));
        return new string(chars);
    }

    /// <summary>All template strings, for tests that check the phrase book itself.</summary>
    internal static IEnumerable<string> CleanAgentTemplates()
        => AgentAnswers.Values.SelectMany(v => v).Concat(AgentGreetings).Concat(AgentTransferGreetings).Concat(AgentClosers)
            .Concat(AgentThanksReplies).Concat(AgentPrefixes).Concat(AgentSuffixes);
}
