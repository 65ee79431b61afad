namespace Alerting.Core.Text;

/// <summary>
/// Traditional → simplified mapping for a curated set of common characters: the ones found in
/// insults, bad-attitude phrases and everyday customer-service chat (orders, delivery, sizes,
/// payments). It is deliberately small (a few hundred characters, one-to-one, no phrase-level
/// conversion), shipped as source so no resource file or package is needed. Characters whose
/// traditional form is also a common simplified character with another meaning (著, 於, 乾坤 …) are
/// either left out or mapped only where chat usage is overwhelmingly the simplified meaning.
/// </summary>
public static class TraditionalChinese
{
    // Pairs: traditional, simplified. Keep one pair per traditional character.
    private const string Pairs =
        // insults, profanity, attitude
        "媽妈馬马罵骂幹干乾干賤贱雞鸡滾滚腦脑殘残廢废屍尸樣样麼么麽么個个們们這这說说聽听嗎吗煩烦" +
        "買买賣卖沒没關关會会問问隨随幾几東东貨货錢钱態态瘋疯豬猪驢驴孫孙兒儿爺爷滅灭殺杀報报" +
        "癡痴雜杂種种鬧闹閉闭閒闲閑闲愛爱無无討讨厭厌筆笔妳你騙骗詐诈訴诉評评價价壞坏級级畢毕" +
        "業业專专負负責责處处錯错誤误對对開开門门機机車车親亲褲裤襪袜髮发質质顏颜號号貴贵實实" +
        "際际況况決决應应該该過过選选擇择據据帶带紅红綠绿藍蓝黃黄長长寬宽輕轻舊旧邊边裡里裏里" +
        "後后見见視视覺觉從从與与並并當当經经歷历體体驗验證证條条貼贴鏈链網网頁页碼码帳账賬账" +
        "戶户額额費费運运輸输郵邮遞递達达總总歸归樂乐優优滿满減减劵券禮礼贈赠團团搶抢購购訂订" +
        "換换現现庫库預预約约節节傳传講讲聲声請请謝谢讓让員员務务變变醜丑婦妇姦奸騷骚鳥鸟龜龟" +
        "鱉鳖獸兽爛烂聾聋啞哑悶闷氣气惱恼憤愤懶懒讀读寫写認认識识學学習习記记憶忆係系繫系辦办" +
        "慮虑簡简詳详絕绝盡尽聰聪厲厉" +
        "擾扰錄录標标準准規规則则語语憑凭給给還还為为來来時时間间題题頭头臉脸電电話话單单發发" +
        "蠻蛮膽胆惡恶禍祸災灾難难險险嚇吓揹背罰罚訟讼釘钉窮穷虧亏嘔呕噁恶囉啰嘮唠叨叨嚕噜囂嚣" +
        "詛诅咒咒謊谎瞞瞒偽伪詭诡譏讥諷讽嘲嘲嫌嫌棄弃鄙鄙視视狗狗豈岂賴赖騙骗糞粪屌屌尻尻艸艹" +
        // customer service, orders, goods
        "華华纔才纏缠襯衬衛卫袞衮鋪铺貨货櫃柜鐘钟錶表鏡镜燈灯鍋锅壺壶盤盘碗碗筷筷勺勺牀床櫥橱廚厨" +
        "廁厕浴浴盆盆簾帘墊垫氈毡絨绒棉棉絲丝綢绸緞缎紗纱線线縫缝釦扣鈕钮鏈链環环飾饰鑽钻銀银" +
        "銅铜鐵铁鋁铝紙纸膠胶瓶瓶罐罐盒盒袋袋箱箱櫥橱瑪玛霜霜乳乳膚肤護护潔洁膜膜妝妆麗丽豔艳" +
        "鮮鲜嬰婴幼幼兒儿裝装襯衬裙裙衫衫帽帽圍围巾巾靴靴鞋鞋碼码號号尺尺寸寸輪轮韓韩歐欧風风" +
        "優优惠惠劃划算算貨货運运倉仓發发貨货遲迟慢慢快快遞递達达簽签收收退退換换補补償偿賠赔" +
        "款款額额餘余額额權权益益紀纪錄录聯联繫系溝沟通通確确認认資资訊讯圖图顯显示示藝艺術术" +
        "嗎吗呢呢吧吧啊啊囉啰哦哦喔喔嘛嘛啦啦謂谓麼么甚甚啥啥誰谁哪哪裏里這这那那麼么樣样" +
        "餵喂饋馈錯错亂乱瞭了鬆松緊紧寬宽窄窄厚厚薄薄軟软硬硬熱热涼凉暖暖溫温濕湿乾干淨净髒脏" +
        "臭臭聞闻嚐尝嘗尝試试穿穿戴戴擦擦洗洗燙烫縮缩變变褪褪掉掉壞坏損损傷伤斷断裂裂漏漏滲渗" +
        "問问題题諮咨詢询售售後后賣卖買买單单據据稅税價价錢钱貴贵便便宜宜漲涨跌跌砍砍殺杀搶抢" +
        "店店鋪铺舖铺廠厂產产區区域域國国內内陸陆臺台檯台灣湾廣广門门層层區区縣县鄉乡鎮镇" +
        "們们妳你您您親亲愛爱謝谢對对隊队組组織织總总經经營营銷销廣广告告標标誌志驗验貨货" +
        "覽览頻频鏈链結结點点擊击選选項项隻只條条張张雙双對对幾几萬万億亿兩两塊块數数錢钱" +
        "嗎吗囗囗鬥斗闆板閃闪闖闯闊阔闡阐閱阅閣阁閥阀閘闸鬍胡鬚须麪面麵面復复複复臺台颱台";

    private static readonly Dictionary<char, char> Map = Build();

    private static Dictionary<char, char> Build()
    {
        var map = new Dictionary<char, char>(Pairs.Length / 2);
        for (var i = 0; i + 1 < Pairs.Length; i += 2)
        {
            var t = Pairs[i];
            var s = Pairs[i + 1];
            if (t != s) map.TryAdd(t, s);
        }
        return map;
    }

    /// <summary>Number of traditional characters the table maps.</summary>
    public static int Count => Map.Count;

    /// <summary>The simplified form of <paramref name="c"/>, or <paramref name="c"/> itself when the table does not know it.</summary>
    public static char ToSimplified(char c) => Table[c];

    // One entry per UTF-16 code unit (128 KB), so folding a chat message costs a load per character, not a hash lookup.
    private static readonly char[] Table = BuildTable();

    private static char[] BuildTable()
    {
        var table = new char[65536];
        for (var c = 0; c < table.Length; c++) table[c] = (char)c;
        foreach (var (traditional, simplified) in Map) table[traditional] = simplified;
        return table;
    }

    /// <summary>Every (traditional, simplified) pair of the table, for tests and docs.</summary>
    public static IEnumerable<KeyValuePair<char, char>> Entries => Map;
}
