using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;

namespace Alerting.Core.Rules.PersonalDataExposure;

/// <summary>
/// <c>personal_data_exposure</c>: an agent message carrying a buyer's full mobile number, resident id
/// (check character verified) or bank card number (Luhn verified). The alert shows each number masked
/// and nothing else of the text, and masks the numbers in the evidence of the other rules' alerts on the
/// same message, so no full number reaches Redis through an alert. Immutable once built; thread-safe.
/// </summary>
/// <remarks>Registered after every other per-message rule: it must see their alerts to mask them.</remarks>
public sealed class PersonalDataExposureRule : IChatRule
{
    public const string RuleName = "personal_data_exposure";

    /// <summary>Words that, just before a number, make it an order, tracking or other reference number.</summary>
    internal static readonly string[] DefaultNumberLabels =
    [
        "订单", "单号", "运单", "快递", "物流", "包裹", "退款编号", "退款单", "售后单", "工单", "编号", "交易号", "流水号", "条码", "条形码",
        "序列号", "sn", "imei", "型号", "券码", "兑换码", "会员号", "会员卡号", "批号", "货号", "款号", "发票", "税号", "支付宝交易", "商品id", "链接",
    ];

    /// <summary>Words before a phone that make it the store's or the agent's own number (a contact, not buyer data).</summary>
    internal static readonly string[] OwnNumberCues =
    [
        "我的", "我们的", "本店", "店铺", "官方", "客服", "售后电话", "热线", "厂家", "商家", "加我", "打我", "联系我", "我电话", "我手机", "我微信", "我号",
    ];

    /// <summary>Words in the clause that make a phone the buyer's.</summary>
    internal static readonly string[] BuyerCues =
    [
        "您的", "你的", "您留", "你留", "您填", "你填", "您预留", "您登记", "您提供", "您绑定", "您下单", "您这个号", "收货", "收件", "买家", "顾客",
        "客户", "联系人", "本人", "机主", "亲的",
    ];

    /// <summary>Words right after a phone that check it with the buyer (是138…吗).</summary>
    internal static readonly string[] ConfirmCues = ["吗", "么", "对吧", "是吧", "没错", "对不对", "对嘛", "对吗"];

    internal static readonly string[] DefaultBankCardPrefixes = ["62", "60", "4", "51", "52", "53", "54", "55", "35", "95"];

    private const string ClauseBreaks = "。！？!?；;\n\r";
    private const int LabelWindow = 12;

    private readonly Severity _severity;
    private readonly string[] _labels;
    private readonly string[] _cardPrefixes;
    private readonly HashSet<string> _allowed;
    private readonly Regex[] _orderPatterns;

    public PersonalDataExposureRule(PersonalDataExposureOptions options)
    {
        Options = options;
        _severity = Alert.TryParseSeverity(options.Severity, out var s) ? s : Severity.High;
        _labels = [.. DefaultNumberLabels.Concat(options.AddNumberLabels.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim().ToLowerInvariant())).Distinct()];
        _cardPrefixes = [.. DefaultBankCardPrefixes.Concat(options.AddBankCardPrefixes.Select(DigitSequences.DigitsOf).Where(p => p.Length > 0)).Distinct()];
        _allowed = new HashSet<string>(options.AllowNumbers.Select(DigitSequences.DigitsOf).Where(d => d.Length > 0), StringComparer.Ordinal);
        _orderPatterns = [.. options.OrderNumberPatterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50)))];
    }

    public PersonalDataExposureOptions Options { get; }

    public string Name => RuleName;

    public static IEnumerable<ConfigProblem> Validate(PersonalDataExposureOptions options, string path)
    {
        var problems = new List<ConfigProblem>();
        RuleOptionChecks.Severity(options.Severity, path, nameof(options.Severity), problems);
        for (var i = 0; i < options.OrderNumberPatterns.Count; i++)
        {
            var p = options.OrderNumberPatterns[i];
            if (string.IsNullOrWhiteSpace(p)) { problems.Add(new($"{path}:OrderNumberPatterns:{i}", "empty pattern")); continue; }
            try { _ = new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50)); }
            catch (ArgumentException ex) { problems.Add(new($"{path}:OrderNumberPatterns:{i}", $"not a valid regular expression: {ex.Message}")); }
        }
        for (var i = 0; i < options.AddNumberLabels.Count; i++)
            if (string.IsNullOrWhiteSpace(options.AddNumberLabels[i])) problems.Add(new($"{path}:AddNumberLabels:{i}", "empty label"));
        for (var i = 0; i < options.AddBankCardPrefixes.Count; i++)
        {
            var p = options.AddBankCardPrefixes[i]?.Trim() ?? "";
            if (p.Length is 0 or > 8 || !p.All(char.IsAsciiDigit)) problems.Add(new($"{path}:AddBankCardPrefixes:{i}", $"'{p}' must be 1 to 8 digits"));
        }
        for (var i = 0; i < options.AllowNumbers.Count; i++)
            if (DigitSequences.DigitsOf(options.AllowNumbers[i]).Length < 5) problems.Add(new($"{path}:AllowNumbers:{i}", $"'{options.AllowNumbers[i]}' must hold at least 5 digits"));
        return problems;
    }

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (!Options.Enabled || message.Sender != SenderKind.Agent || message.Event != ChatEventKind.Message || string.IsNullOrEmpty(message.Text)) return;
        var text = message.Text;
        // The clean path: fewer than 11 digits cannot hold any of the numbers.
        if (!DigitSequences.HasAtLeast(text, 11, chineseNumerals: true)) return;
        var found = Find(text);
        if (found.Count == 0) return;

        var list = new JsonArray();
        foreach (var f in found)
            list.Add(new JsonObject { ["kind"] = PersonalNumbers.Name(f.Kind), ["masked"] = f.Masked, ["start"] = f.Start, ["length"] = f.End - f.Start });
        alerts.Add(new Alert
        {
            AlertId = AlertIds.ForConversation(RuleName, message.ConversationId, message.MessageId),
            Rule = RuleName,
            Severity = _severity,
            ShopId = context.Conversation?.ShopId ?? message.ShopId,
            ConversationId = message.ConversationId,
            AgentId = message.AgentId ?? message.SenderId,
            MessageIds = [message.MessageId],
            EventTime = message.SentAt,
            Summary = $"客服消息含买家个人信息：{string.Join("、", found.Select(f => PersonalNumbers.Label(f.Kind) + f.Masked))}",
            Evidence = new JsonObject { ["matches"] = list },
        });
        MaskOtherAlerts(message, text, found, alerts);
    }

    /// <summary>A number found in the text: kind, digits, masked form and UTF-16 span in the original text.</summary>
    internal readonly record struct Found(PersonalNumberKind Kind, string Digits, string Masked, int Start, int End);

    /// <summary>Every personal number in <paramref name="text"/>, in text order.</summary>
    internal List<Found> Find(string text)
    {
        var found = new List<Found>();
        foreach (var run in DigitSequences.Find(text, 11, chineseNumerals: true))
        {
            // A number glued to Latin letters is a code (SF1234…, vx138…: the latter is off_platform_contact's).
            var first = run[0].Start;
            var last = run[^1].End;
            if (first > 0 && char.IsAsciiLetter(text[first - 1])) continue;
            if (last < text.Length && char.IsAsciiLetter(text[last]) && !run[^1].Digits.EndsWith('X')) continue;
            // Try the longest combination of adjacent groups first; a number never splits a group.
            var i = 0;
            while (i < run.Length)
            {
                var matched = false;
                for (var j = run.Length - 1; j >= i && !matched; j--)
                {
                    var digits = string.Concat(run[i..(j + 1)].Select(g => g.Digits));
                    if (digits.Length is < 11 or > 19) continue;
                    if (Classify(text, digits, run[i].Start, run[j].End) is { } kind)
                    {
                        var number = kind == PersonalNumberKind.Phone ? PersonalNumbers.AsPhone(digits)! : digits;
                        found.Add(new Found(kind, number, PersonalNumbers.Mask(kind, number), run[i].Start, run[j].End));
                        i = j + 1;
                        matched = true;
                    }
                }
                if (!matched) i++;
            }
        }
        return found;
    }

    private PersonalNumberKind? Classify(string text, string digits, int start, int end)
    {
        if (_allowed.Contains(digits)) return null;
        foreach (var p in _orderPatterns)
        {
            try { if (p.IsMatch(digits)) return null; }
            catch (RegexMatchTimeoutException) { return null; }
        }
        if (HasLabelBefore(text, start)) return null;

        if (Options.Phones && PersonalNumbers.AsPhone(digits) is { } phone)
        {
            if (_allowed.Contains(phone) || HasBefore(text, start, OwnNumberCues)) return null;
            if (!Options.PhoneNeedsBuyerCue || HasBuyerCue(text, start, end)) return PersonalNumberKind.Phone;
            return null;
        }
        if (Options.ResidentIds && PersonalNumbers.IsResidentId(digits)) return PersonalNumberKind.ResidentId;
        if (Options.BankCards && digits.Length is >= 16 and <= 19 && !digits.EndsWith('X')
            && _cardPrefixes.Any(p => digits.StartsWith(p, StringComparison.Ordinal)) && PersonalNumbers.PassesLuhn(digits))
            return PersonalNumberKind.BankCard;
        return null;
    }

    /// <summary>Words that name a personal number; nearer to the number than a reference label, they win (您的订单收货电话138…).</summary>
    internal static readonly string[] PersonalLabels = ["电话", "手机", "号码", "联系方式", "身份证", "证件", "银行卡", "卡号", "储蓄卡", "信用卡", "tel", "phone"];

    /// <summary>Whether the nearest label before the number names a reference (订单号, 单号 …) rather than a personal number.</summary>
    private bool HasLabelBefore(string text, int start)
    {
        var from = start;
        while (from > 0 && start - from < LabelWindow && !ClauseBreaks.Contains(text[from - 1]) && !char.IsAsciiDigit(text[from - 1])) from--;
        if (from == start) return false;
        var window = text[from..start].ToLowerInvariant();
        var reference = LastEnd(window, _labels);
        // A tie is a reference label that contains a personal one (会员卡号 over 卡号).
        return reference >= 0 && reference >= LastEnd(window, PersonalLabels);
    }

    private static int LastEnd(string window, string[] words)
    {
        var last = -1;
        foreach (var w in words)
        {
            var at = window.LastIndexOf(w, StringComparison.Ordinal);
            if (at >= 0) last = Math.Max(last, at + w.Length);
        }
        return last;
    }

    /// <summary>Whether one of <paramref name="words"/> occurs in the few characters before <paramref name="start"/>, within the clause.</summary>
    private static bool HasBefore(string text, int start, string[] words)
    {
        var from = start;
        while (from > 0 && start - from < LabelWindow && !ClauseBreaks.Contains(text[from - 1]) && !char.IsAsciiDigit(text[from - 1])) from--;
        if (from == start) return false;
        var window = text[from..start].ToLowerInvariant();
        foreach (var w in words) if (window.Contains(w, StringComparison.Ordinal)) return true;
        return false;
    }

    private static bool HasBuyerCue(string text, int start, int end)
    {
        var from = start;
        while (from > 0 && !ClauseBreaks.Contains(text[from - 1])) from--;
        var to = end;
        while (to < text.Length && !ClauseBreaks.Contains(text[to])) to++;
        var clause = text.AsSpan(from, to - from);
        foreach (var cue in BuyerCues) if (clause.Contains(cue, StringComparison.Ordinal)) return true;
        var after = text.AsSpan(end, Math.Min(8, text.Length - end));
        foreach (var cue in ConfirmCues) if (after.Contains(cue, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// Masks the numbers in the evidence of the other rules' alerts on this message (rude_language quotes
    /// the text), so the full number is written nowhere. Summaries quote matched terms, never free text.
    /// </summary>
    private static void MaskOtherAlerts(ChatMessage message, string text, List<Found> found, List<Alert> alerts)
    {
        var replacements = new List<(string From, string To)>();
        foreach (var f in found)
        {
            replacements.Add((text[f.Start..f.End], f.Masked));
            replacements.Add((f.Digits, f.Masked));
        }
        replacements.Sort((a, b) => b.From.Length.CompareTo(a.From.Length));
        foreach (var alert in alerts)
        {
            if (alert.Rule == RuleName || !alert.MessageIds.Contains(message.MessageId)) continue;
            MaskNode(alert.Evidence, replacements);
        }
    }

    private static void MaskNode(JsonNode? node, List<(string From, string To)> replacements)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonValue v && v.TryGetValue<string>(out var s)) obj[key] = Replace(s, replacements);
                    else MaskNode(obj[key], replacements);
                }
                break;
            case JsonArray arr:
                for (var i = 0; i < arr.Count; i++)
                {
                    if (arr[i] is JsonValue v && v.TryGetValue<string>(out var s)) arr[i] = Replace(s, replacements);
                    else MaskNode(arr[i], replacements);
                }
                break;
        }
    }

    private static string Replace(string s, List<(string From, string To)> replacements)
    {
        foreach (var (from, to) in replacements)
            if (from.Length > 0 && s.Contains(from, StringComparison.Ordinal)) s = s.Replace(from, to, StringComparison.Ordinal);
        return s;
    }
}
