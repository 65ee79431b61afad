using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>
/// <c>wrong_promo_answer</c>: an agent states promotion terms that differ from the store's configured
/// promotion (满300减50 stated as 满200减50, wrong coupon, deposit, price, dates, or a promotion that is
/// not running said to apply now). One instance serves one store's promotion list; it is built once
/// per config version and is immutable, so it is safe to share across partitions and threads. The
/// only state it writes is the conversation's asked-promotion fields, owned by the partition.
/// </summary>
public sealed partial class WrongPromoAnswerRule : IChatRule
{
    public const string RuleName = "wrong_promo_answer";

    private readonly PromotionTerms[] _terms;
    private readonly Dictionary<string, PromotionTerms> _byId;
    private readonly (string Key, PromotionTerms Promotion)[] _names;
    private readonly string[] _productKeys;
    private readonly NamePrecheck _nameCheck;
    private readonly PromotionTerms? _policy;
    private readonly System.Buffers.SearchValues<char>? _mentionFreeStarts;
    private readonly StoreWidePrecheck _storeWide;

    /// <param name="options">Rule options.</param>
    /// <param name="promotions">The store's promotions.</param>
    /// <param name="policy">The store's policy (shipping promise, prices, 包邮, returns), judged without a mention; null = none.</param>
    public WrongPromoAnswerRule(WrongPromoAnswerOptions options, IReadOnlyList<PromotionOptions> promotions, StorePolicyOptions? policy = null)
    {
        Options = options;
        Promotions = promotions;
        Policy = policy;
        var acceptBetter = new HashSet<string>(options.AcceptBetterThanConfigured.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()), StringComparer.OrdinalIgnoreCase);
        // Promotions without an id are reported by Validate; a live rule skips them rather than guess.
        _terms = promotions.Where(p => !string.IsNullOrWhiteSpace(p.Id)).Select(p => new PromotionTerms(p, acceptBetter)).ToArray();
        _policy = policy is null ? null : PromotionTerms.FromPolicy(policy, acceptBetter);
        _storeWide = new StoreWidePrecheck(promotions, policy);
        _mentionFreeStarts = MentionFreeStarts(_terms.Append(_policy).OfType<PromotionTerms>().Where(t => t.HasMentionFreeTerms).ToList(), promotions, policy);
        _byId = new Dictionary<string, PromotionTerms>(StringComparer.Ordinal);
        foreach (var t in _terms) _byId.TryAdd(t.Id, t);
        // Longest names first so 双11预售 wins over 双11 at the same position.
        _names = _terms.SelectMany(t => t.NameKeys.Select(k => (k, t))).OrderByDescending(x => x.k.Length).ToArray();
        _productKeys = _terms.Append(_policy).OfType<PromotionTerms>().SelectMany(t => t.ProductKeys).Distinct(StringComparer.Ordinal).OrderByDescending(k => k.Length).ToArray();
        _nameCheck = new NamePrecheck(_names.Select(n => n.Key));
    }

    public WrongPromoAnswerOptions Options { get; }
    public IReadOnlyList<PromotionOptions> Promotions { get; }

    /// <summary>The store policy this instance judges without a mention (null = none).</summary>
    public StorePolicyOptions? Policy { get; }

    /// <summary>
    /// Characters without which no mention-free term (shipping, price, 包邮, returns) can be stated: 发/寄/库
    /// for shipping, 邮/费 for 包邮, 理/忧 for returns, the first characters of priced products. Null when no
    /// promotion or policy has such a term, so a store without one pays nothing on the no-mention path.
    /// </summary>
    private static System.Buffers.SearchValues<char>? MentionFreeStarts(List<PromotionTerms> holders, IReadOnlyList<PromotionOptions> promotions, StorePolicyOptions? policy)
    {
        if (holders.Count == 0) return null;
        var chars = new HashSet<char>();
        var all = promotions.Select(p => (p?.Shipping, p?.FreeShipping, p?.Returns, Prices: p?.Prices ?? [])).ToList();
        if (policy is not null) all.Add((policy.Shipping, policy.FreeShipping, policy.Returns, policy.Prices));
        var products = new List<string>();
        foreach (var (shipping, free, returns, prices) in all)
        {
            if (shipping is not null) foreach (var c in "发發寄库") chars.Add(c);
            if (free is not null) foreach (var c in "邮郵费費油") chars.Add(c);
            if (returns is not null) foreach (var c in "理忧") chars.Add(c);
            products.AddRange(prices.Where(x => !string.IsNullOrWhiteSpace(x.Product)).Select(x => PromotionTerms.FoldName(x.Product)));
        }
        foreach (var c in PromoText.StartCharList(products, numerals: true)) chars.Add(c);
        return chars.Count == 0 ? null : System.Buffers.SearchValues.Create([.. chars]);
    }

    public string Name => RuleName;

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (!Options.Enabled || _terms.Length == 0 || message.Event != ChatEventKind.Message || string.IsNullOrEmpty(message.Text)) return;
        if (message.Sender is not (SenderKind.Buyer or SenderKind.Agent)) return;

        // Most chat names no promotion: skip folding unless a name can occur, (for an agent) the buyer's
        // question keeps a promotion on topic, or a store-wide term (发货, 包邮, a priced product) can occur.
        var raw = message.Text.AsSpan();
        var mentionFree = message.Sender == SenderKind.Agent && _mentionFreeStarts is not null && raw.ContainsAny(_mentionFreeStarts) && _storeWide.CanState(raw);
        if (!mentionFree && !_nameCheck.MayName(raw)
            && (message.Sender == SenderKind.Buyer || !OnTopic(context.Conversation, message.SentAt)))
            return;
        EvaluateFolded(message, context, alerts, mentionFree);
    }

    /// <summary>
    /// The part after the pre-checks, in its own method: its lambdas capture <paramref name="message"/> and the folded
    /// text, and a method whose lambdas capture its locals allocates their closure on entry. Kept out of
    /// <see cref="Evaluate"/>, the no-mention path allocates nothing.
    /// </summary>
    private void EvaluateFolded(ChatMessage message, RuleContext context, List<Alert> alerts, bool mentionFree)
    {
        var text = PromoText.Fold(message.Text);
        var mentions = FindMentions(text.Text);
        var conversation = context.Conversation;

        if (message.Sender == SenderKind.Buyer)
        {
            if (mentions.Count > 0)
            {
                // The promotion named last is the one the buyer is asking about now.
                var named = conversation.AskedPromotion ??= new AskedPromotionState();
                named.PromotionId = mentions[^1].Promotion.Id;
                named.At = message.SentAt;
            }
            return;
        }

        PromotionTerms? topic = null;
        if (conversation.AskedPromotion is { PromotionId: { } askedId } asked
            && Options.AskedPromotionWindow > TimeSpan.Zero
            && (message.SentAt - asked.At).Duration() <= Options.AskedPromotionWindow)
            _byId.TryGetValue(askedId, out topic);
        if (mentions.Count == 0 && topic is null && !mentionFree) return;

        var findings = new List<PromoFinding>();
        if (Options.CheckValidity)
        {
            foreach (var promotion in mentions.Select(m => m.Promotion).Distinct())
                if (CheckValidity(promotion, text, message.SentAt, viaTopic: false) is { } f) findings.Add(f);
            // 买家 "双11活动还能参加吗" (after the end) → 客服 "可以的亲，现在拍下就有": the answer names nothing,
            // so validity follows the asked topic too.
            if (mentions.Count == 0 && topic is not null && CheckValidity(topic, text, message.SentAt, viaTopic: true) is { } t) findings.Add(t);
        }

        // Only the digits of a name are masked (双11定金50 is a 50 deposit, not 11): a name that is also a
        // term's trigger word (a presale called 定金, a shipping promise called 发货, a product's name) must
        // still be readable by the term patterns.
        var masked = text.MaskDigits(mentions.Select(m => (m.Start, m.Length)));
        // With no promotion named or asked, only store-wide kinds can be judged: skip the other patterns.
        var storeWideOnly = mentions.Count == 0 && topic is null;
        foreach (var term in StatedTermExtractor.Extract(text, masked, _productKeys, storeWideOnly))
        {
            var named = Attribute(term.Start, mentions);
            var promotion = named ?? topic;
            if (PromotionTerms.IsMentionFree(term))
            {
                if (JudgeMentionFree(term, promotion, named is not null, text, message.SentAt) is { } mf) findings.Add(mf);
                continue;
            }
            if (promotion?.Compare(term, text, message.SentAt) is not { } finding) continue;
            // Conservative: a term that is exactly right for another of the store's promotions is
            // probably about that one (the agent named the sale, then quoted a category coupon).
            if (_terms.Any(other => other != promotion && other.HasTermFor(term) && other.Compare(term, text, message.SentAt) is null)) continue;
            findings.Add(finding);
        }
        if (findings.Count == 0) return;

        alerts.Add(BuildAlert(message, context, text, findings));
    }

    /// <summary>
    /// Judges a store-wide kind (shipping, price, 包邮, returns) against every source that configures it: the
    /// promotion the message is about (named or asked), the promotions live at <paramref name="sentAt"/>, and the
    /// store policy. Silent when any of them agrees (the agent may mean that one); otherwise the finding is
    /// against the first of them, in that order. Except: a statement worse for the buyer than the term of a
    /// promotion the agent names (<paramref name="named"/>) is wrong whatever the others say (极速发是48小时内发货 when
    /// 极速发 promises 24 and the store policy 48).
    /// </summary>
    private PromoFinding? JudgeMentionFree(StatedTerm term, PromotionTerms? about, bool named, PromoText text, DateTimeOffset sentAt)
    {
        PromoFinding? first = null;
        var any = false;
        if (about is not null && about.HasTermFor(term))
        {
            any = true;
            if ((first = about.Compare(term, text, sentAt)) is null) return null;
            if (named && about.WorseThanConfigured(term)) return first;
        }
        foreach (var p in _terms)
        {
            if (p == about || !p.HasTermFor(term) || !p.IsLiveAt(sentAt)) continue;
            any = true;
            var f = p.Compare(term, text, sentAt);
            if (f is null) return null;
            first ??= f;
        }
        if (_policy is not null && _policy.HasTermFor(term))
        {
            any = true;
            var f = _policy.Compare(term, text, sentAt);
            if (f is null) return null;
            first ??= f;
        }
        return any ? first : null;
    }

    private static Alert BuildAlert(ChatMessage message, RuleContext context, PromoText text, List<PromoFinding> findings)
    {
        var first = findings[0];
        var severity = findings.Max(f => f.Promotion.Severity);
        var evidence = ToEvidence(first, text);
        if (findings.Count > 1)
        {
            var all = new JsonArray();
            foreach (var f in findings) all.Add(ToEvidence(f, text));
            evidence["findings"] = all;
        }
        var summary = $"{first.Headline}：活动为{first.Expected}，客服回复{first.Stated}";
        if (findings.Count > 1) summary += $"（另有{findings.Count - 1}处）";
        return new Alert
        {
            AlertId = AlertIds.ForConversation(RuleName, message.ConversationId, message.MessageId),
            Rule = RuleName,
            Severity = severity,
            ShopId = context.Conversation?.ShopId ?? message.ShopId,
            ConversationId = message.ConversationId,
            AgentId = message.AgentId ?? message.SenderId,
            MessageIds = [message.MessageId],
            EventTime = message.SentAt,
            Summary = summary,
            Evidence = evidence,
        };
    }

    private static JsonObject ToEvidence(PromoFinding f, PromoText text)
    {
        var (start, length) = text.ToOriginal(f.Start, f.Length);
        return new JsonObject
        {
            ["promotion"] = f.Promotion.Id,
            ["kind"] = f.Kind,
            ["expected"] = f.Expected,
            ["stated"] = f.Stated,
            ["statedText"] = text.Original.Substring(start, length),
            ["start"] = start,
            ["length"] = length,
        };
    }

    private readonly record struct Mention(int Start, int Length, PromotionTerms Promotion);

    /// <summary>Non-overlapping name/alias occurrences, left to right; the longer name wins a tie.</summary>
    private bool OnTopic(Pipeline.ConversationState conversation, DateTimeOffset sentAt)
        => conversation.AskedPromotion is { PromotionId: not null } asked
           && Options.AskedPromotionWindow > TimeSpan.Zero
           && (sentAt - asked.At).Duration() <= Options.AskedPromotionWindow;

    private List<Mention> FindMentions(string s)
    {
        var found = new List<Mention>();
        foreach (var (key, promotion) in _names)
        {
            for (var at = s.IndexOf(key, StringComparison.Ordinal); at >= 0; at = s.IndexOf(key, at + 1, StringComparison.Ordinal))
            {
                var end = at + key.Length;
                if (found.Any(m => at < m.Start + m.Length && m.Start < end)) continue;
                found.Add(new Mention(at, key.Length, promotion));
            }
        }
        found.Sort((a, b) => a.Start.CompareTo(b.Start));
        return found;
    }

    /// <summary>A term belongs to the nearest promotion named before it, else the first one named after it.</summary>
    private static PromotionTerms? Attribute(int termStart, List<Mention> mentions)
    {
        PromotionTerms? before = null;
        foreach (var m in mentions)
        {
            if (m.Start <= termStart) before = m.Promotion;
            else return before ?? m.Promotion;
        }
        return before;
    }

    // "Applies now" wording. Kept narrow on purpose: a false alarm here costs an inspector's time on
    // every conversation that merely mentions last week's sale.
    [GeneratedRegex(@"现在|目前|当前|此刻|正在进行|进行中|还(?:是|在|有|可以|可|能)")]
    private static partial Regex NowWords();

    [GeneratedRegex(@"^(?:就|马上|立刻|这边|先)?(?:帮|给|为|替|去|来)(?:您|你|亲)?(?:催|查|看|问|联系|处理|申请|安排|登记|备注|核实|反馈)")]
    private static partial Regex AgentActionAfter();

    [GeneratedRegex(@"(?:可以|能|可)(?:参加|参与|享受|享|使用|用)")]
    private static partial Regex EligibleWords();

    // 有的亲 / 可以的哦 / 还有呢 at the start of an answer, the whole of a yes (有的商品 is "some products", not a yes).
    [GeneratedRegex(@"^(?:亲+|亲爱的|宝|宝宝|您好)?[,.!~\s]*(?:有的|有哦|有呢|有滴|有呀|有啊|有嘞|还有|可以的|可以哦|可以呢|可以呀|可以滴|能的|能哦|能呢)(?=$|[,.。!?~\s亲哦呢呀哈啊的]|[\uD800-\uDBFF])")]
    private static partial Regex AffirmativeOpener();

    [GeneratedRegex(@"结束|截止|过了|过期|没有了|没了|已经|还没|没开始|未开始|尚未|暂未|暂时|不能|不可以|不可|无法|不支持|不参加|不参与|不享受|开始|即将|马上|届时|到时|等到|之后|以后|下次|下一|预热|提前|不了|没法|不行|不再|原价|吗|？|\?")]
    private static partial Regex NotNowWords();

    // Words of an answer about an order or after-sales, not about joining the promotion: on the topic path
    // (the agent names nothing) "现在可以申请退款" after 买家 "双11买的能退吗" says nothing about validity.
    [GeneratedRegex(@"退|换货|售后|发货|发出|物流|快递|订单|签收|到货|质量|保修|质保|尺码|库存|补发|地址|路上|派送|配送|运输|包裹|到了")]
    private static partial Regex AboutOrderWords();

    private static PromoFinding? CheckValidity(PromotionTerms promotion, PromoText text, DateTimeOffset sentAt, bool viaTopic)
    {
        if (promotion.IsLiveAt(sentAt)) return null;
        var s = text.Text;
        if (NotNowWords().IsMatch(s)) return null;
        if (viaTopic && AboutOrderWords().IsMatch(s)) return null;
        var notStarted = promotion.Start is { } start && sentAt < start;
        // Before the start only an explicit "now" is wrong: 双11这款可以参加 said in October is right.
        var claim = NowWords().Match(s);
        // 现在帮您催一下 / 现在给您查: "now" for the agent's own action, not the promotion's.
        while (claim.Success && AgentActionAfter().IsMatch(s.AsSpan(claim.Index + claim.Length))) claim = claim.NextMatch();
        if (!claim.Success && !notStarted) claim = EligibleWords().Match(s);
        // On the topic path the buyer asked about this promotion: 有的亲 / 可以的 opening the answer says yes to it.
        if (!claim.Success && viaTopic) claim = AffirmativeOpener().Match(s);
        if (!claim.Success) return null;
        var expected = notStarted
            ? $"{promotion.FormatLocal(promotion.Start!.Value)}开始"
            : $"{promotion.FormatLocal(promotion.End!.Value)}已结束";
        var headline = notStarted ? "活动未开始" : "活动已结束";
        // The span covers the "applies now" wording, which is what the agent got wrong.
        return new PromoFinding(promotion, "validity", headline, $"{promotion.DisplayName}{expected}", "现在可参加", claim.Index, claim.Length);
    }

    /// <summary>
    /// Checks <paramref name="options"/> and one store's <paramref name="promotions"/>. <paramref name="path"/>
    /// is the config section holding both (<c>Rules</c> for the defaults, <c>Rules:Stores:&lt;shopId&gt;</c>
    /// for a store): option problems are reported as <c>{path}:WrongPromoAnswer:&lt;Field&gt;</c>, promotion
    /// problems as <c>{path}:Promotions:&lt;n&gt;:&lt;Field&gt;[:&lt;m&gt;[:&lt;SubField&gt;]]</c>.
    /// </summary>
    /// <remarks>The store policy, when given, is checked too and reported under <c>{path}:StorePolicy:&lt;Field&gt;</c>.</remarks>
    public static IEnumerable<ConfigProblem> Validate(WrongPromoAnswerOptions options, IReadOnlyList<PromotionOptions> promotions, string path, StorePolicyOptions? policy = null)
        => PromotionValidation.Validate(options, promotions, path, policy);
}
