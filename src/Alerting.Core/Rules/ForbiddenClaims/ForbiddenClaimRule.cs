using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Rules.PromotionAnswers;

namespace Alerting.Core.Rules.ForbiddenClaims;

/// <summary>
/// <c>forbidden_claim</c>: an agent makes a claim the Advertising Law forbids (极限词: 全网最低, 全网第一,
/// 100%有效…). Immutable once built; safe to share across threads.
/// </summary>
public sealed class ForbiddenClaimRule : IChatRule
{
    public const string RuleName = "forbidden_claim";

    /// <summary>Built-in 极限词. Chosen so everyday words stay quiet: 第一 alone (第一次, 第一件) and 最好 (您最好先拍) are not here.</summary>
    internal static readonly (string Term, Severity Severity)[] DefaultTerms =
    [
        ("全网最低", Severity.High), ("全网最低价", Severity.High), ("史上最低", Severity.High), ("史上最低价", Severity.High),
        ("全网最便宜", Severity.High), ("最低价", Severity.Medium), ("最便宜", Severity.Medium),
        ("全网第一", Severity.High), ("全国第一", Severity.High), ("行业第一", Severity.High), ("销量第一", Severity.Medium),
        ("第一品牌", Severity.High), ("国家级", Severity.High), ("世界级", Severity.High),
        ("100%有效", Severity.High), ("百分百有效", Severity.High), ("百分之百有效", Severity.High), ("绝对有效", Severity.High),
        ("无效退款", Severity.Medium), ("根治", Severity.High), ("独一无二", Severity.Medium), ("绝无仅有", Severity.Medium),
    ];

    /// <summary>Built-in exceptions: negations and legitimate uses that contain a term.</summary>
    internal static readonly string[] DefaultAllow =
    [
        "不是最低价", "不是全网最低", "不敢说最低价", "不能说最低价", "不保证最低价", "不是最便宜",
        "国家级非物质文化遗产", "国家级非遗", "国家级检测", "不能保证100%有效", "不能根治", "无法根治",
    ];

    private readonly (string Key, string Term, Severity Severity)[] _terms;
    private readonly string[] _allow;

    public ForbiddenClaimRule(ForbiddenClaimOptions options)
    {
        Options = options;
        var terms = new Dictionary<string, (string Term, Severity Severity)>(StringComparer.Ordinal);
        if (options.UseDefaultTerms)
            foreach (var (term, severity) in DefaultTerms) terms[Fold(term)] = (term, severity);
        foreach (var t in options.Terms)
        {
            if (string.IsNullOrWhiteSpace(t.Term) || Fold(t.Term).Length == 0) continue;
            terms[Fold(t.Term)] = (t.Term.Trim(), Alert.TryParseSeverity(t.Severity, out var s) ? s : Severity.High);
        }
        // Longest first, so 全网最低价 is reported rather than 最低价 inside it.
        _terms = terms.Select(kv => (kv.Key, kv.Value.Term, kv.Value.Severity)).OrderByDescending(t => t.Key.Length).ToArray();
        _starts = PromotionAnswers.PromoText.StartChars(_terms.Select(t => t.Key), numerals: false);
        _allow = DefaultAllow.Concat(options.Allow).Where(a => !string.IsNullOrWhiteSpace(a)).Select(Fold).Distinct(StringComparer.Ordinal).ToArray();
    }

    public ForbiddenClaimOptions Options { get; }

    private readonly System.Buffers.SearchValues<char> _starts;

    public string Name => RuleName;

    public static IEnumerable<ConfigProblem> Validate(ForbiddenClaimOptions options, string path)
    {
        var problems = new List<ConfigProblem>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.Terms.Count; i++)
        {
            var t = options.Terms[i];
            var at = $"{path}:Terms:{i}";
            if (string.IsNullOrWhiteSpace(t.Term) || Fold(t.Term).Length == 0) problems.Add(new($"{at}:Term", "missing: the term to look for"));
            else if (Fold(t.Term).Length < 2) problems.Add(new($"{at}:Term", $"'{t.Term}' is a single character and would match everywhere (need at least 2)"));
            else if (seen.TryGetValue(Fold(t.Term), out var first)) problems.Add(new($"{at}:Term", $"'{t.Term}' is already listed at {path}:Terms:{first}"));
            else seen[Fold(t.Term)] = i;
            if (!Alert.TryParseSeverity(t.Severity, out _))
                problems.Add(new($"{at}:Severity", $"unknown severity '{t.Severity}': expected info, low, medium, high or critical"));
        }
        for (var i = 0; i < options.Allow.Count; i++)
            if (string.IsNullOrWhiteSpace(options.Allow[i])) problems.Add(new($"{path}:Allow:{i}", "empty allowed phrase"));
        return problems;
    }

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (!Options.Enabled || message.Sender != SenderKind.Agent || message.Event != ChatEventKind.Message || string.IsNullOrEmpty(message.Text)) return;
        // Nothing to fold when no term can even begin in the text (the common case).
        if (!message.Text.AsSpan().ContainsAny(_starts)) return;
        // Numerals are not converted: 100%有效 and 百分百有效 are listed as written.
        var text = PromoText.Fold(message.Text, convertNumerals: false);
        var s = text.Text;
        var matches = new List<(int Start, int Length, string Term, Severity Severity)>();
        foreach (var (key, term, severity) in _terms)
        {
            for (var at = s.IndexOf(key, StringComparison.Ordinal); at >= 0; at = s.IndexOf(key, at + 1, StringComparison.Ordinal))
            {
                var end = at + key.Length;
                if (matches.Any(m => at < m.Start + m.Length && m.Start < end) || IsAllowed(s, at, end)) continue;
                matches.Add((at, key.Length, term, severity));
            }
        }
        if (matches.Count == 0) return;
        matches.Sort((a, b) => a.Start.CompareTo(b.Start));

        var list = new JsonArray();
        foreach (var m in matches)
        {
            var (start, length) = text.ToOriginal(m.Start, m.Length);
            list.Add(new JsonObject { ["term"] = m.Term, ["start"] = start, ["length"] = length });
        }
        alerts.Add(new Alert
        {
            AlertId = AlertIds.ForConversation(RuleName, message.ConversationId, message.MessageId),
            Rule = RuleName,
            Severity = matches.Max(m => m.Severity),
            ShopId = context.Conversation?.ShopId ?? message.ShopId,
            ConversationId = message.ConversationId,
            AgentId = message.AgentId ?? message.SenderId,
            MessageIds = [message.MessageId],
            EventTime = message.SentAt,
            Summary = $"违规极限用语：{string.Join("、", matches.Select(m => m.Term).Distinct())}",
            Evidence = new JsonObject { ["matches"] = list },
        });
    }

    /// <summary>Whether [start, end) lies inside an occurrence of an allowed phrase.</summary>
    private bool IsAllowed(string s, int start, int end)
    {
        foreach (var phrase in _allow)
        {
            var from = Math.Max(0, end - phrase.Length);
            for (var at = s.IndexOf(phrase, from, StringComparison.Ordinal); at >= 0 && at <= start; at = s.IndexOf(phrase, at + 1, StringComparison.Ordinal))
                if (at + phrase.Length >= end) return true;
        }
        return false;
    }

    private static string Fold(string term) => PromoText.Fold(term, convertNumerals: false).Text;
}
