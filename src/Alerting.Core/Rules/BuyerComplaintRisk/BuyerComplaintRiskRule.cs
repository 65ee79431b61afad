using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Text;

namespace Alerting.Core.Rules.BuyerComplaintRisk;

/// <summary>
/// <c>buyer_complaint_risk</c>: a buyer threatens a complaint or a public bad review (critical at once),
/// or shows strong negative emotion (medium, escalated to high when no human agent answers within the
/// configured time). One alert per conversation, updated in place by revision; resolved on close when
/// the store enables it and the buyer's last message was not negative. Pure: time comes from sentAt and
/// the pipeline's event-time timer. Immutable once built; safe to share across threads.
/// </summary>
public sealed partial class BuyerComplaintRiskRule : IChatRule
{
    public const string RuleName = "buyer_complaint_risk";

    /// <summary>Explicit complaint or public-review threats.</summary>
    internal static readonly string[] ThreatTerms =
    [
        "投诉", "12315", "12345", "工商", "消协", "消费者协会", "市场监管", "市监局", "曝光", "举报", "差评", "中差评", "给一星", "打一星", "一星评价",
        "律师", "起诉", "告你们", "法院", "报警", "315", "黑猫", "媒体", "维权", "找记者", "发微博", "发小红书", "发抖音",
    ];

    /// <summary>Strong negative emotion: insults aimed at the store, anger, repeated demands.</summary>
    internal static readonly string[] EmotionTerms =
    [
        "骗子", "是不是骗子", "是骗子吧", "骗人", "坑人", "黑店", "垃圾店", "破店", "垃圾客服", "垃圾东西", "什么垃圾", "垃圾商家", "无良商家", "奸商", "恶心", "气死我了", "气死了",
        "太过分了", "欺负人", "忽悠人", "糊弄人", "敷衍", "态度太差", "什么态度", "服务太差", "太差劲", "差劲", "到底有没有人", "一直没人回", "半天没人回",
        "没人管", "到底怎么回事", "到底什么时候", "还要等多久", "耐心被磨光", "受够了", "再也不买", "退钱", "还钱", "赔钱",
    ];

    /// <summary>Built-in exceptions: negations and pre-sales questions about other buyers' reviews.</summary>
    internal static readonly string[] DefaultAllow =
    [
        "不会投诉", "不想投诉", "不投诉", "没投诉", "不会给差评", "不给差评", "不打差评", "不会差评", "不差评", "没给差评", "不会给中差评",
        "差评多", "多差评", "有差评", "差评说", "看到差评", "看了差评", "看差评", "差评里", "差评是", "的差评", "差评都", "差评率", "没有差评", "好多差评", "很多差评",
        "差评区", "差评怎么", "工商银行", "工商局注册", "多媒体", "自媒体", "律师事务所地址", "不是骗子", "不骗人", "不恶心", "不敷衍", "不坑人",
        "一点都不差劲", "不差劲", "好评", "评价", "3150", "12315元",
    ];

    [GeneratedRegex(@"第\s*[二三四五六七八九十两2-9２-９]\s*[次遍]\s*(问|说|催|找|发|联系|咨询|来问)|(问|说|催)了\s*(好几|好多|多少|几|[二三四五六七八九十两2-9２-９])\s*[遍次]", RegexOptions.CultureInvariant)]
    private static partial Regex RepeatedDemand();

    private readonly PhraseMatcher _matcher;
    private readonly string[] _terms;
    private readonly int _threatCount;
    private readonly Severity _threatSeverity;
    private readonly Severity _emotionSeverity;

    public BuyerComplaintRiskRule(BuyerComplaintRiskOptions options)
    {
        Options = options;
        _threatSeverity = Alert.TryParseSeverity(options.ThreatSeverity, out var t) ? t : Severity.Critical;
        _emotionSeverity = Alert.TryParseSeverity(options.EmotionSeverity, out var e) ? e : Severity.Medium;
        var threats = ThreatTerms.Concat(options.AddThreatTerms.Where(x => !string.IsNullOrWhiteSpace(x))).ToArray();
        _threatCount = threats.Length;
        _terms = [.. threats, .. EmotionTerms.Concat(options.AddEmotionTerms.Where(x => !string.IsNullOrWhiteSpace(x)))];
        _matcher = new PhraseMatcher(_terms, [.. DefaultAllow, .. options.AddAllow.Where(x => !string.IsNullOrWhiteSpace(x))], NormalizationSettings.All);
        EscalateAfter = TimeSpan.FromSeconds(options.EscalateAfterSeconds);
    }

    public BuyerComplaintRiskOptions Options { get; }

    /// <summary>How long an emotion alert waits for a human answer before escalating (zero: never).</summary>
    public TimeSpan EscalateAfter { get; }

    public string Name => RuleName;

    public static IEnumerable<ConfigProblem> Validate(BuyerComplaintRiskOptions options, string path)
    {
        var problems = new List<ConfigProblem>();
        RuleOptionChecks.Severity(options.ThreatSeverity, path, nameof(options.ThreatSeverity), problems);
        RuleOptionChecks.Severity(options.EmotionSeverity, path, nameof(options.EmotionSeverity), problems);
        if (options.EscalateAfterSeconds is < 0 or > 86400 || double.IsNaN(options.EscalateAfterSeconds))
            problems.Add(new($"{path}:EscalateAfterSeconds", string.Create(CultureInfo.InvariantCulture, $"must be between 0 (off) and 86400 seconds, was {options.EscalateAfterSeconds}")));
        if (options.PunctuationRun is < 0 or 1 or > 20)
            problems.Add(new($"{path}:PunctuationRun", $"must be 0 (off) or 2 to 20, was {options.PunctuationRun}"));
        RuleOptionChecks.Phrases(options.AddThreatTerms, path, nameof(options.AddThreatTerms), NormalizationSettings.All, problems);
        RuleOptionChecks.Phrases(options.AddEmotionTerms, path, nameof(options.AddEmotionTerms), NormalizationSettings.All, problems);
        RuleOptionChecks.Phrases(options.AddAllow, path, nameof(options.AddAllow), NormalizationSettings.All, problems);
        return problems;
    }

    /// <summary>A signal found in a buyer message: the term (or 重复催问 / ！！！), whether it is a threat, and its UTF-16 span.</summary>
    internal readonly record struct Signal(string Term, bool Threat, int Start, int Length);

    /// <summary>Every signal in <paramref name="text"/>, in text order; empty when none.</summary>
    internal List<Signal> Signals(string text)
    {
        var signals = new List<Signal>();
        List<PhraseMatch>? matches = null;
        if (_matcher.FindAll(text, ref matches))
            foreach (var m in matches!)
                signals.Add(new Signal(_terms[m.Phrase], m.Phrase < _threatCount, m.Start, m.Length));
        foreach (Match m in RepeatedDemand().Matches(text))
            signals.Add(new Signal("重复催问", false, m.Index, m.Length));
        if (Options.PunctuationRun > 0)
        {
            var run = 0;
            for (var i = 0; i <= text.Length; i++)
            {
                if (i < text.Length && text[i] is '!' or '！' or '?' or '？') { run++; continue; }
                if (i < text.Length && run > 0 && text[i] is ' ' or '\u3000') continue;
                if (run >= Options.PunctuationRun)
                {
                    var start = i - 1;
                    while (start > 0 && (text[start] is '!' or '！' or '?' or '？' or ' ' or '\u3000')) start--;
                    if (text[start] is not ('!' or '！' or '?' or '？')) start++;
                    signals.Add(new Signal("连续感叹/问号", false, start, i - start));
                }
                run = 0;
            }
        }
        signals.Sort((a, b) => a.Start.CompareTo(b.Start));
        return signals;
    }

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (!Options.Enabled) return;
        var state = context.Conversation;
        if (state is null) return;
        if (message.Event == ChatEventKind.Close)
        {
            if (state.BuyerSignals is { RiskMessageId: not null } closed && Options.ResolveOnClose && !closed.LastBuyerNegative)
                alerts.Add(Make(state, closed, message.MessageId, message.SentAt, AlertStatus.Resolved, [], "会话已结束，买家最后一条消息无负面情绪"));
            if (state.BuyerSignals is { } s) s.EscalateAt = default;
            return;
        }
        if (message.Event != ChatEventKind.Message) return;

        if (message.Sender == SenderKind.Agent)
        {
            // A human answer: nothing left to escalate for what was said so far. One that came after the
            // deadline (late in arrival, within the allowed disorder) escalates first, as the timer would have.
            if (state.BuyerSignals is { } answered && answered.EscalateAt != default)
            {
                if (message.SentAt >= answered.EscalateAt) OnEscalationDue(state, alerts);
                answered.EscalateAt = default;
            }
            return;
        }
        if (message.Sender != SenderKind.Buyer) return;

        var signals = string.IsNullOrEmpty(message.Text) ? [] : Signals(message.Text);
        if (signals.Count == 0)
        {
            if (state.BuyerSignals is { } calm) calm.LastBuyerNegative = false;
            return;
        }
        var signal = state.BuyerSignals ??= new BuyerSignalState();
        signal.LastBuyerNegative = true;
        var severity = signals.Any(s => s.Threat) ? _threatSeverity : _emotionSeverity;
        if (signal.RiskMessageId is null)
        {
            signal.RiskMessageId = message.MessageId;
            signal.RiskSince = message.SentAt;
            signal.RiskLevel = severity;
            signal.RiskRevision = 0;
            alerts.Add(Make(state, signal, message.MessageId, message.SentAt, AlertStatus.Firing, signals, Describe(signals)));
        }
        else if (severity > signal.RiskLevel)
        {
            signal.RiskLevel = severity;
            signal.RiskRevision++;
            alerts.Add(Make(state, signal, message.MessageId, message.SentAt, AlertStatus.Firing, signals, Describe(signals)));
        }
        // The clock starts at the first signal nobody has answered yet.
        if (signal.RiskLevel < Severity.High && EscalateAfter > TimeSpan.Zero && signal.EscalateAt == default)
            signal.EscalateAt = message.SentAt + EscalateAfter;
    }

    /// <summary>
    /// The pipeline's event-time timer reached <see cref="BuyerSignalState.EscalateAt"/> with no human
    /// answer since: the alert's next revision is <c>high</c>, eventTime the deadline.
    /// </summary>
    public void OnEscalationDue(ConversationState state, List<Alert> alerts)
    {
        if (state.BuyerSignals is not { RiskMessageId: not null, EscalateAt: var due } signal || due == default) return;
        signal.EscalateAt = default;
        if (!Options.Enabled || signal.RiskLevel >= Severity.High) return;
        signal.RiskLevel = Severity.High;
        signal.RiskRevision++;
        alerts.Add(Make(state, signal, signal.RiskMessageId, due, AlertStatus.Firing, [],
            string.Create(CultureInfo.InvariantCulture, $"买家负面情绪{Options.EscalateAfterSeconds:0.#}秒内无人工回复，升级为高风险")));
    }

    private static string Describe(List<Signal> signals)
    {
        var threat = signals.Any(s => s.Threat);
        return $"{(threat ? "买家威胁投诉/差评" : "买家情绪激动")}：{string.Join("、", signals.Select(s => s.Term).Distinct())}";
    }

    private static Alert Make(ConversationState state, BuyerSignalState signal, string messageId, DateTimeOffset at, AlertStatus status, List<Signal> signals, string summary)
    {
        var list = new JsonArray();
        foreach (var s in signals)
            list.Add(new JsonObject { ["term"] = s.Term, ["category"] = s.Threat ? "threat" : "emotion", ["start"] = s.Start, ["length"] = s.Length, ["messageId"] = messageId });
        var ids = messageId == signal.RiskMessageId ? new[] { signal.RiskMessageId! } : [signal.RiskMessageId!, messageId];
        return new Alert
        {
            AlertId = AlertIds.ForConversation(RuleName, state.ConversationId, signal.RiskMessageId!),
            Rule = RuleName,
            Severity = signal.RiskLevel,
            ShopId = state.ShopId,
            ConversationId = state.ConversationId,
            AgentId = state.OwnerAgentId,
            MessageIds = ids,
            EventTime = at,
            Summary = summary,
            Status = status,
            Revision = signal.RiskRevision,
            Evidence = new JsonObject
            {
                ["signals"] = list,
                ["level"] = Alert.SeverityName(signal.RiskLevel),
                ["since"] = AlertJson.FormatTime(signal.RiskSince),
            },
        };
    }
}
