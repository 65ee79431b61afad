using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Rules.BuyerComplaintRisk;
using Alerting.Core.Text;

namespace Alerting.Core.Rules.ForbiddenReviewInvitation;

/// <summary>
/// <c>forbidden_review_invitation</c>: an agent invites a review where practitioners forbid it — the buyer
/// is angry or threatening (a <c>buyer_complaint_risk</c> signal), the buyer's question is still waiting,
/// the buyer said the problem is not solved, or a buyer who has not said they bought complained about the
/// price or the promotion — and any paid-review wording (好评返现), which platforms ban outright. Judged from
/// the conversation's own messages (<see cref="BuyerSignalState.Review"/>). Immutable once built; thread-safe.
/// </summary>
public sealed class ForbiddenReviewInvitationRule : IChatRule
{
    public const string RuleName = "forbidden_review_invitation";

    internal static readonly string[] InvitationTerms =
    [
        "好评", "五星", "5星", "五分", "5分好评", "评价一下", "给个评价", "帮忙评价", "麻烦评价", "追评", "晒图", "晒单", "评个分", "打个分", "全五星", "给评价",
        "点亮五星", "满分评价",
    ];

    internal static readonly string[] PaidTerms =
    [
        "好评返现", "返现", "晒图返", "五星返", "5星返", "好评送", "好评有礼", "好评返", "好评红包", "返红包", "好评奖励", "追评返", "好评立减", "评价返", "好评抽奖",
        "评价有礼", "晒图有礼", "晒图送", "好评给您返", "好评后返",
    ];

    /// <summary>Money or gifts in the same message as an invitation make it a paid review (好评…返您红包, 五星送您小样).</summary>
    internal static readonly string[] RewardWords = ["返您", "返你", "返红包", "红包", "现金", "返钱", "返款", "奖励您", "送您", "送你", "有奖", "截图找我", "截图给我"];

    internal static readonly string[] DefaultAllow =
    [
        "好评率", "好评如潮", "好评很多", "都是好评", "好评度", "五星级", "五星好评率", "买家晒图", "看晒图", "看看晒图", "晒图区", "不用好评", "不强制好评", "不要求好评",
        "不需要好评", "好评差评都", "不用给好评", "五分钟", "5分钟", "五分熟", "五分之一", "追评区", "看追评", "五星红旗", "不返现", "没有返现", "不能返现", "不参与返现",
        "不支持返现", "返现是违规", "禁止返现",
    ];

    private static readonly string[] QuestionWords = ["？", "?", "吗", "怎么", "什么", "为什么", "能不能", "可不可以", "有没有", "多少", "几天", "多久", "哪里", "哪个", "是否", "啥"];
    private static readonly string[] NotSolvedWords = ["没解决", "没有解决", "未解决", "问题还在", "还是不行", "还是没用", "没用啊", "不管用", "还是一样", "还是坏的", "还是有问题", "没处理", "不满意", "没人处理"];
    private static readonly string[] SolvedWords = ["解决了", "好了", "可以了", "没问题了", "搞定", "行了", "满意"];
    private static readonly string[] PriceWords = ["太贵", "好贵", "贵了", "涨价", "降价了", "差价", "保价", "价格不对", "价格不一样", "活动不对", "优惠不对", "优惠没了", "券用不了", "不给优惠", "比别家贵", "别家便宜", "亏了", "凭什么涨", "减不了", "没减"];
    private static readonly string[] BoughtWords = ["拍了", "拍下", "已拍", "下单了", "下了单", "已下单", "付款了", "已付款", "付了款", "买了", "收到了", "已收货", "签收", "退款", "退货", "换货", "订单", "快递", "物流", "发货"];

    private readonly PhraseMatcher _matcher;
    private readonly string[] _terms;
    private readonly int _paidStart;
    private readonly Severity _paidSeverity;
    private readonly Severity _contextSeverity;

    public ForbiddenReviewInvitationRule(ForbiddenReviewInvitationOptions options)
    {
        Options = options;
        _paidSeverity = Alert.TryParseSeverity(options.PaidReviewSeverity, out var p) ? p : Severity.High;
        _contextSeverity = Alert.TryParseSeverity(options.ContextSeverity, out var c) ? c : Severity.Medium;
        var invitations = InvitationTerms.Concat(options.AddInvitationTerms.Where(t => !string.IsNullOrWhiteSpace(t))).ToArray();
        _paidStart = invitations.Length;
        _terms = [.. invitations, .. PaidTerms.Concat(options.AddPaidTerms.Where(t => !string.IsNullOrWhiteSpace(t)))];
        _matcher = new PhraseMatcher(_terms, [.. DefaultAllow, .. options.AddAllow.Where(t => !string.IsNullOrWhiteSpace(t))], NormalizationSettings.All);
    }

    public ForbiddenReviewInvitationOptions Options { get; }

    public string Name => RuleName;

    public static IEnumerable<ConfigProblem> Validate(ForbiddenReviewInvitationOptions options, string path)
    {
        var problems = new List<ConfigProblem>();
        RuleOptionChecks.Severity(options.PaidReviewSeverity, path, nameof(options.PaidReviewSeverity), problems);
        RuleOptionChecks.Severity(options.ContextSeverity, path, nameof(options.ContextSeverity), problems);
        RuleOptionChecks.Phrases(options.AddInvitationTerms, path, nameof(options.AddInvitationTerms), NormalizationSettings.All, problems);
        RuleOptionChecks.Phrases(options.AddPaidTerms, path, nameof(options.AddPaidTerms), NormalizationSettings.All, problems);
        RuleOptionChecks.Phrases(options.AddAllow, path, nameof(options.AddAllow), NormalizationSettings.All, problems);
        return problems;
    }

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (!Options.Enabled || message.Event != ChatEventKind.Message || string.IsNullOrEmpty(message.Text)) return;
        var state = context.Conversation;
        if (state is null) return;
        if (message.Sender == SenderKind.Buyer)
        {
            Remember(state, message.Text);
            return;
        }
        if (message.Sender != SenderKind.Agent) return;

        var signals = state.BuyerSignals;
        List<PhraseMatch>? matches = null;
        if (_matcher.FindAll(message.Text, ref matches))
        {
            var paid = matches!.Any(m => m.Phrase >= _paidStart) || ContainsAny(message.Text, RewardWords);
            var reasons = new List<string>();
            if (signals is { RiskMessageId: not null }) reasons.Add("complaint_risk");
            if (signals is not null && (signals.Review & ReviewContext.QuestionWaiting) != 0) reasons.Add("question_unanswered");
            if (signals is not null && (signals.Review & ReviewContext.NotSolved) != 0) reasons.Add("problem_not_solved");
            if (signals is not null && (signals.Review & (ReviewContext.PriceComplaint | ReviewContext.Bought)) == ReviewContext.PriceComplaint) reasons.Add("price_complaint_not_bought");
            if (paid || reasons.Count > 0) alerts.Add(Make(message, state.ShopId, matches!, paid, reasons));
        }
        // A human reply follows the buyer's question, whatever it says.
        if (signals is not null) signals.Review &= ~ReviewContext.QuestionWaiting;
    }

    /// <summary>
    /// Every buyer word the rule looks for, in one matcher (one pass over a buyer message instead of a
    /// search per word): width and case folded, so ？ and ? are one word. The facts each word sets.
    /// </summary>
    private static readonly (PhraseMatcher Matcher, ReviewContext[] Facts, bool[] Solved) BuyerWords = BuildBuyerWords();

    private static (PhraseMatcher, ReviewContext[], bool[]) BuildBuyerWords()
    {
        var words = new List<(string Word, ReviewContext Fact, bool Solved)>();
        // Question marks are punctuation to the matcher (dropped from phrases): looked for apart, in Remember.
        words.AddRange(QuestionWords.Where(w => w is not ("?" or "？")).Select(w => (w, ReviewContext.QuestionWaiting, false)));
        words.AddRange(NotSolvedWords.Select(w => (w, ReviewContext.NotSolved, false)));
        words.AddRange(SolvedWords.Select(w => (w, ReviewContext.None, true)));
        words.AddRange(PriceWords.Select(w => (w, ReviewContext.PriceComplaint, false)));
        words.AddRange(BoughtWords.Select(w => (w, ReviewContext.Bought, false)));
        var settings = NormalizationSettings.None with { FoldWidthAndCase = true };
        return (new PhraseMatcher([.. words.Select(w => w.Word)], [], settings), [.. words.Select(w => w.Fact)], [.. words.Select(w => w.Solved)]);
    }

    [ThreadStatic] private static List<PhraseMatch>? t_buyerMatches;

    /// <summary>Updates what the buyer said; allocates the state only when a fact is worth keeping.</summary>
    private static void Remember(Pipeline.ConversationState state, string text)
    {
        var set = text.AsSpan().IndexOfAny('?', '？') >= 0 ? ReviewContext.QuestionWaiting : ReviewContext.None;
        var solved = false;
        var matches = t_buyerMatches ??= new List<PhraseMatch>(8);
        matches.Clear();
        if (BuyerWords.Matcher.FindAll(text, ref matches!))
            foreach (var m in matches)
            {
                set |= BuyerWords.Facts[m.Phrase];
                solved |= BuyerWords.Solved[m.Phrase];
            }
        var signals = state.BuyerSignals;
        if (signals is null)
        {
            if (set == ReviewContext.None) return;
            signals = state.BuyerSignals = new BuyerSignalState();
        }
        var review = (signals.Review & ~ReviewContext.QuestionWaiting) | set;
        // 解决了 / 好了 (not as a question, not 没解决) takes back an earlier 没解决.
        if ((set & (ReviewContext.NotSolved | ReviewContext.QuestionWaiting)) == 0 && solved) review &= ~ReviewContext.NotSolved;
        signals.Review = review;
    }

    private static bool ContainsAny(string text, string[] words)
    {
        foreach (var w in words) if (text.Contains(w, StringComparison.Ordinal)) return true;
        return false;
    }

    private static readonly Dictionary<string, string> ReasonNames = new(StringComparer.Ordinal)
    {
        ["complaint_risk"] = "买家有投诉/负面情绪", ["question_unanswered"] = "买家问题未解答", ["problem_not_solved"] = "买家问题未解决",
        ["price_complaint_not_bought"] = "未购买且对价格/活动不满",
    };

    private Alert Make(ChatMessage message, string shopId, List<PhraseMatch> matches, bool paid, List<string> reasons)
    {
        var list = new JsonArray();
        foreach (var m in matches)
            list.Add(new JsonObject
            {
                ["term"] = _terms[m.Phrase], ["matched"] = message.Text!.Substring(m.Start, m.Length), ["paid"] = m.Phrase >= _paidStart,
                ["start"] = m.Start, ["length"] = m.Length,
            });
        var why = paid ? "好评返现等利诱评价（平台禁止）" : string.Join("、", reasons.Select(r => ReasonNames[r]));
        return new Alert
        {
            AlertId = AlertIds.ForConversation(RuleName, message.ConversationId, message.MessageId),
            Rule = RuleName,
            Severity = paid ? _paidSeverity : _contextSeverity,
            ShopId = shopId,
            ConversationId = message.ConversationId,
            AgentId = message.AgentId ?? message.SenderId,
            MessageIds = [message.MessageId],
            EventTime = message.SentAt,
            Summary = $"违规邀评：{why}",
            Evidence = new JsonObject { ["matches"] = list, ["paid"] = paid, ["reasons"] = new JsonArray([.. reasons.Select(r => (JsonNode)r)]) },
        };
    }
}
