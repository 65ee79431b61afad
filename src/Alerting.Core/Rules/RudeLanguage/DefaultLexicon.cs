namespace Alerting.Core.Rules.RudeLanguage;

/// <summary>
/// The built-in lexicon and whitelist of <c>rude_language</c>, curated for Chinese e-commerce
/// customer service (agents talking to buyers). Shipped as source so no resource file is needed.
/// Line format of <see cref="TermsText"/>: <c>category | severity | term | variant, variant … [| whole]</c>;
/// <c>#</c> starts a comment. See <c>README.md</c> next to this file for the reasoning behind the choices.
/// </summary>
public static partial class DefaultLexicon
{
    /// <summary>The built-in terms, one per line (format in the class summary).</summary>
    public const string TermsText = """
        # ---- insult 辱骂 ----
        insult | high | 傻逼 | 煞笔, 沙比, 傻b, 傻比, 傻笔, 煞比, 沙逼, 傻屄, 煞逼, 傻x, 傻叉, 傻插, sb, shabi, sha bi
        insult | high | 二逼 | 二b, 2逼, 二屄
        insult | medium | 装逼 |
        insult | high | 傻屌 |
        insult | medium | 傻瓜 |
        insult | high | 傻子 |
        insult | high | 你傻啊 | 你傻吗, 你是不是傻, 你傻不傻
        insult | high | 白痴 |
        insult | high | 弱智 |
        insult | high | 智障 | mdzz, 妈的智障
        insult | high | 脑残 | 脑瘫
        insult | high | 低能 | 低能儿
        insult | high | 蠢货 | 蠢猪, 蠢蛋, 笨猪
        insult | medium | 笨蛋 |
        insult | medium | 愚蠢 |
        insult | medium | 二货 |
        insult | high | 猪脑子 | 猪脑袋, 你是猪吗, 你是猪啊, 你个猪头, 猪头猪脑
        insult | high | 废物 | 窝囊废
        insult | high | 贱人 | 贱骨头, 犯贱
        insult | critical | 贱货 | 贱种, 贱逼
        insult | high | 王八蛋 | 王八羔子
        insult | high | 混蛋 | 混账东西
        insult | high | 狗东西 | 狗杂种
        insult | critical | 狗日的 | 狗娘养的
        insult | critical | 杂种 |
        insult | critical | 畜生 | 畜牲
        insult | high | 禽兽 |
        insult | high | 人渣 | 败类
        insult | high | 神经病 | sjb
        insult | high | 你有病吧 | 你有病啊, 你是不是有病, 有病吧你, 你有毛病, 有病吧
        insult | high | 没脑子 | 没长脑子, 脑子进水, 脑子有病, 脑子有坑, 脑子被驴踢
        insult | high | 丑八怪 |
        insult | high | 不要脸 | 要不要脸
        insult | critical | 臭不要脸 |
        insult | high | 你算老几 | 你算什么东西, 你是什么东西
        insult | high | 狗屎 | 吃屎, 狗屁
        insult | high | 你放屁 | 屁话
        insult | high | 死变态 |
        # ---- profanity 脏话 ----
        profanity | high | 你妈 | 尼玛, 泥马, 你马, 尼马, 你🐴, 尼🐴, 你🐎
        profanity | high | 他妈的 | 他马的, 他妈滴, 特么, 特么的, 他喵的, tmd, 你他妈
        profanity | high | 你妈的 | 你马的, 尼玛的
        profanity | medium | 妈的 | 玛德, 🐴的
        profanity | critical | 操你妈 | 草泥马, 艹你妈, 肏你妈, 草你妈, 操尼玛, 草拟吗, 草你马, 曹尼玛, 操你🐴, cnm, cnmb, 操你妈逼
        profanity | critical | 你妈逼 | nmb, 你妈了个逼, nmlgb, 你妈个逼
        profanity | critical | 我去你妈了个逼 | wqnmlgb
        profanity | critical | 你妈死了 | nmsl, 你妈没了, 你马死了
        profanity | critical | 去你妈的 | qnmd, 去你马的
        profanity | critical | 日你妈 | rnm, 日你大爷
        profanity | critical | 干你娘 | 干你妈, 操你娘
        profanity | high | 操你 | 艹你
        profanity | medium | 操 | 艹, 肏, cao
        profanity | medium | 卧槽 | 我草, 我操, 窝草, 卧草, 我艹
        profanity | medium | 扯淡 | 扯犊子, 扯蛋
        profanity | high | 滚蛋 | 滚犊子, 滚粗, 滚开, 滚一边, 滚远点, 给我滚, 你滚, 滚吧, 一边凉快去, 边儿去
        # ---- English and pinyin profanity ----
        profanity | high | fuck | fucking, fucked, fucker, fuckin, fck, fuk, fuq, fking, fxck, fvck, what the fuck, phuck, f**k, fuk u
        profanity | critical | motherfucker | motherfucking
        profanity | medium | shit | shitty, bullshit
        profanity | high | bitch | bitches
        profanity | critical | son of a bitch |
        profanity | high | asshole | dumbass, jackass
        profanity | high | bastard |
        profanity | high | idiot | moron
        profanity | high | retard | retarded
        profanity | medium | stupid |
        profanity | medium | wtf | what the hell
        profanity | high | shut up | stfu
        profanity | high | gtfo | get the fuck out, piss off, screw you, go to hell
        profanity | medium | get lost | loser
        profanity | low | damn | damn it, crap
        profanity | medium | dick |
        profanity | critical | cunt |
        # ---- sexual 低俗 ----
        sexual | critical | 鸡巴 | jb
        sexual | medium | 屌 |
        sexual | critical | 骚货 | 骚逼
        sexual | critical | 婊子 | 绿茶婊, 臭婊子
        sexual | high | 约炮 |
        sexual | high | 屁眼 |
        sexual | high | pussy | slut, whore
        # ---- discrimination 歧视 ----
        discrimination | high | 穷鬼 | 穷逼, 穷光蛋
        discrimination | high | 乡巴佬 | 土包子
        discrimination | high | 残废 | 瘸子
        discrimination | high | 死胖子 | 肥猪
        discrimination | critical | 黑鬼 | nigger, nigga
        discrimination | high | 娘炮 | 基佬
        discrimination | critical | 老不死 |
        # ---- threat 威胁 ----
        threat | critical | 弄死你 | 打死你, 砍死你, 杀了你, 宰了你, 废了你, 整死你
        threat | critical | 去死 | 去死吧, 你去死, 怎么不去死
        threat | high | 找死 |
        threat | high | 揍你 |
        threat | high | 你给我等着 | 你等着瞧, 走着瞧
        threat | critical | 知道你住哪 | 知道你家在哪, 人肉你, 找人弄你
        threat | high | 曝光你 |
        # ---- bad_attitude 服务态度 ----
        bad_attitude | high | 爱买不买 | 爱买就买, 不买拉倒, 不买就滚
        bad_attitude | high | 爱要不要 | 不要拉倒, 爱退不退, 爱换不换, 爱咋咋地, 爱咋咋滴, 爱咋地咋地, 爱怎么样就怎么样, 爱怎么着就怎么着
        bad_attitude | high | 爱信不信 |
        bad_attitude | medium | 信不信由你 |
        bad_attitude | medium | 你自己看 | 你自己去看
        bad_attitude | low | 自己看吧 | 自己看去, 自己看啊
        bad_attitude | high | 不会自己看吗 | 自己不会看吗, 不会自己看啊, 自己不会看啊, 自己不会看, 不会看吗
        bad_attitude | low | 看不懂吗 | 看不懂啊, 看不懂字吗
        bad_attitude | high | 不识字吗 | 不识字啊, 没长眼, 眼瞎, 瞎了吗, 你瞎啊, 你瞎吗, 眼睛瞎了
        bad_attitude | medium | 听不懂吗 | 听不懂啊, 听懂了没有, 听明白没有
        bad_attitude | high | 听不懂人话 | 听得懂人话吗, 说人话, 听不懂中文吗
        bad_attitude | high | 烦不烦 | 你烦不烦, 别烦我, 不要烦我, 别来烦我, 有完没完
        bad_attitude | low | 烦死了 | 烦死人 | whole
        bad_attitude | low | 不知道 | 不清楚, 不晓得, 不了解 | whole
        bad_attitude | medium | 我怎么知道 | 我哪知道, 我哪儿知道, 鬼知道, 天知道
        bad_attitude | medium | 自己去查 | 自己查去, 自己查吧, 自己百度, 不会自己查吗, 自己不会查吗
        bad_attitude | high | 问那么多干嘛 | 问这么多干嘛, 问那么多干什么, 问这么多干什么, 问什么问, 问个屁
        bad_attitude | medium | 别问了 | 别问我, 别再问了, 不要再问了
        bad_attitude | medium | 说了多少遍 | 说过多少次了, 说了多少次, 讲了多少遍, 说了几遍了
        bad_attitude | medium | 随便你 | | whole
        bad_attitude | medium | 随你便 | 随你的便
        bad_attitude | low | 没空 | | whole
        bad_attitude | high | 没时间理你 | 懒得理你, 懒得跟你说, 不想理你, 懒得跟你解释
        bad_attitude | high | 关我什么事 | 关我屁事, 关我啥事, 管我什么事, 关我毛事
        bad_attitude | medium | 跟我有什么关系 | 和我有什么关系, 与我无关, 不关我的事, 不关我事, 我管不着, 那是你的事, 你自己的问题, 是你自己的问题
        bad_attitude | medium | 自己想办法 |
        bad_attitude | medium | 怪我咯 | 怪我喽, 怪我啰
        bad_attitude | high | 活该 | 自作自受
        bad_attitude | high | 少废话 | 废话少说, 别废话, 那么多废话, 闭嘴, 给我闭嘴
        bad_attitude | high | 看清楚再问 | 看清楚了再问, 看清楚再说
        bad_attitude | high | 买不起就别买 | 买不起别买, 穷就别买, 没钱别买, 没钱就别买, 嫌贵别买, 嫌贵就别买, 嫌贵去别家, 买不起就别问
        bad_attitude | medium | 去别家买 | 去别家吧, 找别人去, 别家去买
        bad_attitude | high | 不会用就别用 | 不会用就别买, 不会用别买
        bad_attitude | high | 差评就差评 | 随便差评, 随便你差评, 爱给差评就给, 随便投诉, 有本事去投诉, 有本事你投诉, 投诉也没用, 投诉我也没用, 你去投诉啊
        bad_attitude | medium | 你懂什么 | 你懂不懂, 懂不懂啊
        bad_attitude | medium | 你烦死了 |
        # ---- bad_attitude patterns: phrase templates ({m,n} gap of word characters, (a|b|) choice, $ end of sentence)
        bad_attitude | high | 这么简单都不会 | 这么{0,6}都{0,2}(不会|不懂|不知道|不明白|不理解|看不到|看不见|看不懂|看不明白|看不清楚|搞不懂|搞不明白|弄不好|弄不明白|办不好|做不好|听不懂|记不住|学不会|不认识|分不清|搞不定|弄不来|做不到|办不到|整不明白|用不来|装不上)(吗|么|嘛|啊|呀|$), 连{1,6}都{0,2}(不会|不懂|不知道|看不懂|看不到|看不见|不认识|搞不懂|不会看|不会用|不会查|分不清|看不明白)(吗|么|嘛|啊|呀|$), 这(都|也)(不懂|不会|不知道|看不懂|不明白)(吗|么|啊|$)
        bad_attitude | high | 页面上写着呢 | (页面|详情页|详情|商品页|上面|图片|图上|主图|说明书|说明|描述|标题|链接)(上|里|中|)(都|)(写着|写了|写的|写得|有写|标着|标了|标的|标注了|注明了|写明了|都有){0,10}(看不到|看不见|没看到|没看见|不会看|看不懂|没看|不看)(吗|么|嘛|啊|呀|$)
        bad_attitude | medium | 说了几遍了 | (跟|和|给)(你|您)(都|已经|)(说|讲|解释|强调)(了|过|)(多少|几|好几|很多|无数|两|三|八百)(遍|次), (告诉|对)(你|您)(说|讲|)(了|过|)(多少|几|好几|很多|无数|两|三|八百)(遍|次), (说|讲)(了|过)几(遍|次)了, (你|您)(都|已经|)问(了|过)(几|多少|好几|很多|无数)(遍|次)
        bad_attitude | medium | 你听不懂吗 | (你|您)(是|)(听不懂|看不懂){0,6}(吗|么|啊|$), 看不懂(中文|汉字|字|人话), 有没有在听, 眼睛不好使, 没长眼睛, 你不识字, 是不是不识字
        bad_attitude | high | 不会自己看吗 | (难道|)(你|您|)(自己|)不会(自己|)(看|查|搜|找|读)(吗|么|啊|嘛|$), (你|您)(自己|)不会(自己|)(看|查){1,4}(吗|么|嘛), (说|写|讲)(的|得)(还不够|不够|还不)(清楚|明白)(吗|么|啊)
        bad_attitude | high | 你有脑子吗 | 你有脑子吗, 你脑子呢, 有没有脑子, 长脑子了吗, 带脑子了吗
        bad_attitude | medium | 我忙着呢 | 我(很|正|真的很|现在很|特别|)忙(着|)(呢|啊|吗|$), 我(很|真的很|现在很|特别)忙的(呢|啊|$), 没看我正忙
        bad_attitude | high | 爱问不问 | 爱来不来, 爱退不退, 爱等不等, 爱看不看, 爱用不用, 爱听不听, 爱拍不拍, 爱理不理, 爱找谁找谁, 爱怎么样怎么样, 想怎样就怎样
        bad_attitude | high | 不买别问 | 不(买|要|想买)(的话|)(就|)(别|不要|甭)(问|看|墨迹|磨叽|啰嗦|浪费|烦|来), 到底买不买, 到底要不要, 你买不买
        bad_attitude | medium | 想好了再来吧 | (想好|想清楚|想明白|考虑好|考虑清楚|决定好|确定好)(了|)再(来|来问|问|找我|来找我|说)(吧|啊|$)
        bad_attitude | high | 别来烦我 | (别|不要|不用)再(来|)(烦|吵|打扰)我, 没空(理|搭理|管)(你|您), (不想|懒得)(跟|和)(你|您)(废话|啰嗦|扯|多说), 别(跟|和)我(说|讲)(这些|这个|那些|废话)
        bad_attitude | high | 别浪费我时间 | 浪费我时间, 别墨迹, 磨磨唧唧, 磨磨叽叽, 问来问去
        bad_attitude | medium | 跟我说没用 | 找我也没用, 找我没用, 这不归我管, 不归我管, 你自己看着办, 去投诉吧, 投诉去吧, 你去别家, 没钱就别看, 没钱别看
        bad_attitude | medium | 不是说过了吗 | (不是|早就|都)(说|讲|写|告诉你|告诉您|回复|发)(过|了)(了|)(吗|么|嘛|$), (你|您)(看清楚|看仔细|好好看看|仔细看看)(好不好|行不行|好吗|行吗|再问|再说), (你|您)(是|)(识字|认字|识不识字)(吗|么|$), (你|您)(是不是|到底)(没看|不看|没有看), 这(种|样|么简单)(的|)问题(也|都|还)(要|来|需要|)问, 这(有|又)什么(难|不懂|不会)的, (都|也|还)要我(教|告诉|说)(你|您), 连{1,6}都(选不对|填不对|写不对|搞不定|弄不对|做不对|不会选|不会填|选不好|填不好)
        bad_attitude | medium | 别找我了 | 别(再|)找我(了|$), (没空|没工夫|没时间)(跟|和|陪)(你|您)(扯|聊|耗|废话|啰嗦), 别(再|)(发|催|刷屏)了, (你|您)(去|)(问|找)别人(吧|去|$), (跟|和)(你|您)(说不通|讲不通|没法说|说不清|讲不清), 爱(咋样|怎样|咋办)(就|)(咋样|怎样|咋办), 随便(你|您)(怎么|咋)(想|说|弄|办)
        bad_attitude | medium | 不要就算了 | 不(想|)(要|买)(就|)(算了|走人|走|滚), (你|您)到底(想|要)(怎么样|干嘛|怎样|干什么), 能不能快点, 别(墨迹|磨叽|磨蹭|磨磨蹭蹭)(了|), 买不买给个, 不买(就|)(别|不要)(占着|耽误|打扰|聊), 嫌贵(你|您|就|)(别|不要)(买|看|问)
        # ---- bad_attitude pattern classes (each line one class: a head, a bounded gap, a tail)
        # blaming questions: "it was written/said, you did not look?", "does this even need asking", "(you) ask N times"
        bad_attitude | medium | 不是写得很清楚吗 | 不是(写|说|讲|标|注|写明|标明|注明)(得|的|了|过|){0,2}(清楚|明白|清清楚楚|明明白白|清晰)(了|)(吗|么|嘛|啊|$), (就在|都在|已经在|写在|标在|放在|发在|写到)(上面|页面|详情|详情页|图片|图上|主图|说明书|链接|聊天记录|商品页|首页){0,8}(没看|没看到|看不到|看不见|没看见|不看|没有看)(吗|么|嘛|啊|呀|$), (刚才|刚刚|上面|之前|前面|已经|早就)(说|讲|发|回|写|回复|解释)(的|了|过)(话|内容|东西|){0,4}(你|您)(没|没有|不|都没)(听见|听到|看见|看到|看|听|注意到|注意)(吗|么|嘛|啊|呀|$), 这(还|也|都)(用|要|需要|值得)(问|说|解释|我说|我教|我讲|我告诉)(吗|么|啊|嘛|$), (这|这个|这种|这些)(有|又)(什么|啥)(好|可)(问|说|解释|纠结|犹豫|不懂)的, (回答|回复|解释|说|讲|告诉)(了|过|)(你|您)(多少|几|好几|很多|无数|两|三|八百|一百|一万|N|n)(遍|次), (说|讲|解释|回答|回复)(了|过)(八百|一百|一万|好多|很多|无数)(遍|次), (你|您)(要|还要|到底要|到底)问(几|多少)(次|遍)(啊|呀|吗|才|$), (字|中文|汉字)(都|也)(认不全|不认识|认不得|看不懂|不会看|不会认)(吗|么|啊|$), 难道(你|您|)(自己|)(不会|不知道|看不到|看不懂|没看到|没看见|不识字|没长眼|不会看|不会算|不会查), (你|您)(到底|究竟)(有没有|是不是|有|)(在|)(认真|仔细|好好|)(看|听|读)(啊|呀|吗|么|过|$), (你|您)(自己|)不会(自己|)(翻|算|搜|找|读|量|对比|比较|刷新|点)(吗|么|嘛|啊)
        bad_attitude | medium | 图上标得那么大 | (页面|详情页|详情|商品页|上面|图片|图上|主图|说明书|说明|描述|标题|链接|尺码表|吊牌|包装)(上|里|中|)(写|标|注|印|写明|标注|注明|有写)(着|了|的|得|明|){0,10}(看不到|看不见|没看到|没看见|不会看|看不懂|没看|不看)(吗|么|嘛|啊|呀|$)
        # dismissal: "go find someone else", "no use telling me", "no time / no wish to answer", "not my problem"
        bad_attitude | medium | 你找快递去 | (你|您)(自己|)(去|)找(快递|平台|厂家|售后|物流|别人|淘宝|小二|官方|客服|工商|12315)去, 自己(去|)找(快递|平台|厂家|售后|物流|别人)(去|吧|$), (跟|和|找|问|对)(我|我们)(说|讲|问|反映|)(也|都|)没(用|有用), (没工夫|没功夫|没时间|没空|懒得)(回答|回复|回|理|解释|管|处理|看)(这些|这个|那些|你|您|$), (我|)(不想|懒得|不愿意|不乐意)(回|回答|回复|解释|理|说|搭理)(你|您|了|这个|这些|$), 行了行了, 得了得了, 没(别的|什么|啥|其他)(可|好)(说|讲|解释|聊), (我|我们)(不管|管不了)(的|了|啊), (我这|我这边|我们这边)(不管|管不了|不负责|不处理)(的|了|啊|$), 你看着办, (这|那|这个)(又|)不是我的(问题|错|责任), 又不是(我|我们)的(问题|错|责任)
        # impatience pushing the buyer: "buy or not", "decide quickly", "asked for ages and still not buying"
        bad_attitude | medium | 买不买给个准话 | (给个|给句|给一句)(准话|痛快话|准信|痛快), (你|您|)(还|到底|究竟)(买不买|拍不拍|要不要|买不|拍不)(啊|呀|了|$), (买|拍)不(买|拍)啊, 光(问|看|聊)不(买|拍|下单), 快点(决定|选|说|定), 快说(啊|吧|$), 我还有别的(客人|顾客|买家|客户), 别(一直|老|总|老是|总是|光)(问|催|发|刷|墨迹), 问(那么|这么)多(干嘛|干什么|做什么|有什么用|$), (要买|要拍|要)(就|)赶紧的, (问|聊|看)(了|)(半天|这么久|那么久|这么多|那么多|一下午|一上午|半小时|一小时|一晚上)(又|还|也|都)(不买|不拍|不下单|没买|没拍), (没想好|没考虑好|没决定|不确定|没想清楚)(的话|)(就|)(先|)(别|不要)(来|)(问|找我|烦我|浪费), (搞清楚|弄清楚|搞明白|弄明白|想好|想清楚|想明白|考虑好|考虑清楚|搞搞清楚)(了|)再(来|)(跟我说|找我|问我|来问)(吧|啊|$)
        # sarcasm: mock praise and mock agreement
        bad_attitude | medium | 你开心就好 | 你(开心|高兴|乐意)就好, (你|您)说(什么|啥)(就是|是)(什么|啥), (你|您)(最|)有理(行了吧|了吧|$), 服了(你|您), (我|)(也是|真是|真的|算是|是真)(服了|醉了), 这(都|也)能(搞错|弄错|弄坏|搞坏|买错|填错|选错|看错|按错|弄丢|搞丢|搞砸), 这么{0,4}都能(搞错|弄错|弄坏|搞坏|买错|填错|选错|看错|弄丢|搞砸), (你|您)(是|)第一次(网购|买东西|上网|用手机|购物|用淘宝)吧, (你|您)(真是|可真是|真|也是|还真是)个人才, 就(你|您)(事|事儿|毛病|问题|要求)(多|最多), (你|您)(事|事儿|毛病)(真|怎么这么|咋这么|这么|那么|还真|)多(啊|呢|$), (你|您)(咋|怎么)不上天, 谁家(便宜|好|好用|质量好)(你|您|就|)(去|找)谁家, 嫌贵{0,3}(别|不要|就别|那就别|那你别|你别)(买|看|问)
        # threats to stop serving: "ask again and I stop answering", "I'll block you", "I won't reply to you any more"
        bad_attitude | high | 再问就不回了 | 再(问|催|发|刷|这样|烦|闹|吵|骂|说|来|找|投诉|bb|逼逼|啰嗦|墨迹)(一遍|一次|一句|一条|的话|我|屏|下去|了|){0,6}(就|我就|那我就|我|我直接|就直接|直接)(先|)(不回|不理|不搭理|不管|拉黑|屏蔽|关对话|关窗口|关会话|结束对话|结束会话|结束聊天|别想|不给你|不给您|不处理你|不处理您), (拉黑|屏蔽)(你|您), 把(你|您)(拉黑|屏蔽|拉进黑名单), 不(会|)再(回复|回|理|搭理|管)(你|您), 又能(怎样|怎么样|咋样|咋地|把我怎么样), 能把我怎么(样|着), 反正(我|)(不|也不|就是不|就不)(退|管|处理|回|理|换|负责), 我(就|也|)(不管|不理|不回|不搭理)(你|您|了), 爱(等|买|退|要|信|看|问|用|来|走|投诉|差评)就(等|买|退|要|信|看|问|用|来|走|投诉|差评), 别逼我
        # condescension: "you would not understand anyway", "a pupil knows that", "not something you can afford"
        bad_attitude | medium | 说了你也不懂 | (说了|说多了|讲了|讲多了|解释了|告诉过|告诉了|教过|教了|跟你说|跟你讲|跟你解释|和你说|和你解释|给你说|给你解释|说再多|讲再多|解释再多|说半天|解释半天){0,2}(你|您)(也|都|还是|根本|压根)(不懂|听不懂|不明白|听不明白|理解不了|不理解|看不懂|搞不懂|学不会|用不来|记不住), (你|您)(买不起|用不起|消费不起|配不上|不配|用不来), 不是(你|您)(能|)(买|用|消费|懂)(的|得起)(吧|啊|$), (你|您)这(种|样的|号)人, (你|您)(懂|知道|明白)个(啥|屁|毛|什么|锤子|球|毛线), (小学生|小孩|三岁小孩|傻子|是个人)都(知道|懂|明白|看得懂|听得懂), (你|您)(是不是|是|)没(上过学|读过书|念过书|文化), (你|您)(上过学|读过书|有文化)(吗|没|没有), 连{1,6}都(不知道|不懂|不会|看不懂|分不清){0,4}还(网购|买|问|好意思|来), (不懂|外行|不会|不知道|不明白)(的话|)(就|)(别|不要|少)(瞎|乱)(说|问|讲|猜|bb|买|用|搞), (你|您)(这|的)智商, (你|您)懂(什么叫|啥叫|什么是|不懂什么叫){1,6}(吗|么|$)
        insult | high | 脑子有问题 | 脑子(是不是|)(有|)(问题|毛病|病)(吧|啊|吗|$)
        profanity | medium | 你妹的 |
        insult | medium | 神经 | | whole
        profanity | low | 靠 | | whole
        bad_attitude | low | 我不管 | 无所谓 | whole
        insult | high | 滚 | 死开 | whole
        profanity | medium | 去你的 | | whole
        # ---- English spellings not produced by LatinEvasions (spaced, digit and $@! forms are generated)
        sexual | medium | cock |
        profanity | medium | ass | arse
        """;

    /// <summary>Built-in allowed words: everyday words that contain a term (操作 contains 操, 马上 makes 你马上 look like 你马).</summary>
    public const string WhitelistText = """
        操作 曹操 体操 操心 操场 节操 情操 操劳 操控 操纵 出操 早操 操守 贞操 操办 操练 操盘 操持 操刀 做操 操课 广播操 健身操 操作系统
        干嘛 手机 傻瓜相机 傻瓜式 傻瓜机 傻子瓜子
        马上 马桶 马甲 马克 马卡龙 马丁 马尾 马赛克 马达 马来 马拉松 马虎 马鞍 马蹄 马车 马路 马戏 马铃薯 马术 马匹 马球 马自达 马云 马海毛 马面裙 马夹 马靴 马扎 马可 马尔代夫 马蜂 马齿苋 马鞭 马头 马力 马赛 马场 马褂 马桶刷 马桶盖 马卡 马踏
        妈妈 妈咪 我妈的 老妈的 给妈的 送妈的 宝妈的 姨妈 舅妈 姑妈 大妈 后妈 干妈 奶妈 爸妈 婆妈 孕妈 辣妈
        其他 吉他 他妈妈
        滚筒 滚轮 滚动 滚珠 滚烫 滚刷 滚边 滚针 滚圆 滚石 滚雪球 滚滚 滚梳 滚开水 水滚开 烧滚开 滚开了
        去死皮 去死角 去死细胞 去死茧 死皮 死角 死心 死海 死机
        废物利用 废物回收 废物处理 废物箱
        猪头肉 肥猪肉 混蛋白 低能耗 低能量 低能效 变态辣
        空调 空间 空位 空房 空座 空气 空余 空格 空白 空瓶 空箱 空盒 空车 空运 空腹 空心 空中 空军 空姐 空档 空缺 空置
        草莓 草地 草原 草稿 草本 花草 草帽 青草 水草 草绿 草木 草坪 草席 草药 草编 草酸 草鱼 草根 草图 草率 草丛 草案 草皮 草垫 草籽 草拟 草书
        狗屎运 玛德琳
        闭嘴巴 特别问 分别问
        忙也
        你自己看一下 你自己看看
        问来问去都没关系 问来问去也没关系 问来问去都可以 问来问去也可以 问来问去都没事
        """;

    /// <summary>Parses <see cref="TermsText"/> and <see cref="AttitudeClassesText"/> into fresh, mutable term objects.</summary>
    public static List<RudeLanguageTerm> Terms() => ParseTerms(TermsText + "\n" + AttitudeClassesText);

    /// <summary>Parses <see cref="WhitelistText"/> (words separated by whitespace).</summary>
    public static List<string> Whitelist()
        => [.. WhitelistText.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries), .. EnglishWhitelist];

    /// <summary>Built-in allowed English phrases (they hold a space, so they are not in <see cref="WhitelistText"/>).</summary>
    public static readonly string[] EnglishWhitelist = ["pussy willow", "pussy cat", "shut up shop", "moby dick"];

    /// <summary>Parses lines in the <see cref="TermsText"/> format; used for the built-in lexicon and by tests.</summary>
    public static List<RudeLanguageTerm> ParseTerms(string text)
    {
        var terms = new List<RudeLanguageTerm>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = SplitOutsideGroups(line, '|');
            if (fields.Count < 3) throw new FormatException($"lexicon line needs 'category | severity | term': {line}");
            terms.Add(new RudeLanguageTerm
            {
                Category = fields[0].Trim(),
                Severity = fields[1].Trim(),
                Term = fields[2].Trim(),
                Variants = fields.Count > 3
                    ? [.. SplitOutsideGroups(fields[3], ',').Select(v => v.Trim()).Where(v => v.Length > 0)]
                    : [],
                WholeMessage = fields.Count > 4 && fields[4].Trim() == "whole",
            });
        }
        return terms;
    }

    /// <summary>Splits on <paramref name="separator"/> except inside a template's (…) group or {m,n} gap.</summary>
    private static List<string> SplitOutsideGroups(string text, char separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '(' or '{') depth++;
            else if (c is ')' or '}') depth = Math.Max(0, depth - 1);
            else if (c == separator && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }
}
