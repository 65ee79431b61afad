using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Rules.PersonalDataExposure;
using Alerting.Core.Text;

namespace Alerting.Core.Rules.OffPlatformContact;

/// <summary>
/// <c>off_platform_contact</c>: an agent message that moves the buyer off the platform — another contact
/// channel (WeChat, QQ, a phone number, 加我 …, in the spellings agents use to slip past filters) or
/// payment outside the platform (私下转账, 不走平台 …). The store's official numbers and configured
/// phrases stay silent. Immutable once built; safe to share across threads.
/// </summary>
public sealed class OffPlatformContactRule : IChatRule
{
    public const string RuleName = "off_platform_contact";

    /// <summary>The rude-language normalizer minus whole-token Latin matching: 加vx123456 must match 加vx.</summary>
    private static readonly NormalizationSettings Normalization = NormalizationSettings.All with { LatinWholeTokens = false };

    private const string ClauseBreaks = "。！？!?；;\n\r";

    private readonly Severity _severity;
    private readonly PhraseMatcher _phrases;
    private readonly (string Term, string Category)[] _terms;
    private readonly PhraseMatcher _channels;
    private readonly HashSet<string> _allowedNumbers;

    public OffPlatformContactRule(OffPlatformContactOptions options)
    {
        Options = options;
        _severity = Alert.TryParseSeverity(options.Severity, out var s) ? s : Severity.High;
        var removed = options.RemoveTerms.Select(t => PhraseMatcher.Normalize(t, Normalization)).ToHashSet(StringComparer.Ordinal);
        var terms = new List<(string, string)>();
        if (options.UseDefaultTerms) terms.AddRange(DefaultContactLexicon.Terms());
        terms.AddRange(options.AddTerms.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => (t.Trim(), "contact")));
        _terms = [.. terms.Where(t => !removed.Contains(PhraseMatcher.Normalize(t.Item1, Normalization)))];
        var allow = (options.UseDefaultTerms ? DefaultContactLexicon.Allow : []).Concat(options.AddAllow.Where(a => !string.IsNullOrWhiteSpace(a))).ToList();
        _phrases = new PhraseMatcher([.. _terms.Select(t => t.Term)], allow, Normalization);
        _channels = new PhraseMatcher([.. DefaultContactLexicon.WeChat, .. DefaultContactLexicon.Qq], allow, Normalization);
        _allowedNumbers = new HashSet<string>(options.AllowNumbers.Select(DigitSequences.DigitsOf).Where(d => d.Length > 0), StringComparer.Ordinal);
    }

    public OffPlatformContactOptions Options { get; }

    public string Name => RuleName;

    public static IEnumerable<ConfigProblem> Validate(OffPlatformContactOptions options, string path)
    {
        var problems = new List<ConfigProblem>();
        RuleOptionChecks.Severity(options.Severity, path, nameof(options.Severity), problems);
        RuleOptionChecks.Phrases(options.AddTerms, path, nameof(options.AddTerms), Normalization, problems);
        RuleOptionChecks.Phrases(options.RemoveTerms, path, nameof(options.RemoveTerms), Normalization, problems, minLength: 1);
        RuleOptionChecks.Phrases(options.AddAllow, path, nameof(options.AddAllow), Normalization, problems);
        for (var i = 0; i < options.AllowNumbers.Count; i++)
            if (DigitSequences.DigitsOf(options.AllowNumbers[i]).Length < 5) problems.Add(new($"{path}:AllowNumbers:{i}", $"'{options.AllowNumbers[i]}' must hold at least 5 digits"));
        return problems;
    }

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (!Options.Enabled || message.Sender != SenderKind.Agent || message.Event != ChatEventKind.Message || string.IsNullOrEmpty(message.Text)) return;
        var text = message.Text;
        var found = Find(text);
        if (found is null) return;

        var list = new JsonArray();
        foreach (var f in found)
            list.Add(new JsonObject { ["term"] = f.Term, ["matched"] = f.Matched, ["category"] = f.Category, ["start"] = f.Start, ["length"] = f.Length });
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
            Summary = $"客服引导站外{(found.Any(f => f.Category == "payment") ? "交易" : "联系")}：{string.Join("、", found.Select(f => f.Term).Distinct())}",
            Evidence = new JsonObject { ["matches"] = list },
        });
    }

    /// <summary>One reason the message moves the buyer off the platform; numbers in <see cref="Matched"/> are masked.</summary>
    internal readonly record struct Found(string Term, string Matched, string Category, int Start, int Length);

    /// <summary>Every phrase, channel id and contact number in <paramref name="text"/>, in text order; null when none.</summary>
    internal List<Found>? Find(string text)
    {
        List<Found>? found = null;
        List<PhraseMatch>? matches = null;
        if (_phrases.FindAll(text, ref matches))
            foreach (var m in matches!)
                (found ??= []).Add(new Found(_terms[m.Phrase].Term, Masked(text.Substring(m.Start, m.Length)), _terms[m.Phrase].Category, m.Start, m.Length));

        // A channel named with an id right after it: 微信：abc_123, vx 13812345678, 扣扣 12345678.
        matches = null;
        if (_channels.FindAll(text, ref matches))
            foreach (var m in matches!)
                if (HandleAfter(text, m.End) is { } end && !Covered(found, m.Start, end) && !IsAllowedNumber(text, m.End, end))
                    (found ??= []).Add(new Found("联系方式+账号", Masked(text[m.Start..end]), "contact", m.Start, end - m.Start));

        if (Options.Phones && DigitSequences.HasAtLeast(text, 7, chineseNumerals: true))
            foreach (var run in DigitSequences.Find(text, 7, chineseNumerals: true))
            {
                var start = run[0].Start;
                var end = run[^1].End;
                var digits = string.Concat(run.Select(g => g.Digits));
                if (!IsPhoneLike(digits) || _allowedNumbers.Contains(digits) || _allowedNumbers.Contains(PersonalNumbers.AsPhone(digits) ?? "")) continue;
                if (Covered(found, start, end) || !(HasCueBefore(text, start) || HasCueAfter(text, end)) || IsBuyersNumber(text, start, end)) continue;
                (found ??= []).Add(new Found("电话号码", Masked(text[start..end]), "phone", start, end - start));
            }

        found?.Sort((a, b) => a.Start.CompareTo(b.Start));
        return found;
    }

    private static bool Covered(List<Found>? found, int start, int end)
        => found is not null && found.Any(f => f.Start <= start && f.Start + f.Length >= end);

    /// <summary>Where an account id after a channel name ends (≥ 5 digits, or ≥ 6 letters/digits/_/- with a letter), or null.</summary>
    private static int? HandleAfter(string text, int at)
    {
        var i = at;
        while (i < text.Length && i - at < 4 && (text[i] is ':' or '：' or ' ' or '\u3000' or '是' or '号' or '为' or '-' or '_' || TextFolding.IsInvisible(text[i]))) i++;
        var digits = 0;
        var latin = 0;
        var letters = 0;
        var j = i;
        while (j < text.Length)
        {
            var c = TextFolding.FoldWidthAndCase(text[j]);
            if (DigitSequences.DigitOf(text[j], chineseNumerals: true) >= 0) digits++;
            else if (c is (>= 'a' and <= 'z') or '_' or '-') { latin++; if (char.IsAsciiLetter(c)) letters++; }
            else if (c is ' ' && digits > 0 && j + 1 < text.Length && DigitSequences.DigitOf(text[j + 1], true) >= 0) { }
            else break;
            j++;
        }
        if (latin == 0 && digits >= 5) return j;
        if (letters > 0 && latin + digits >= 6) return j;
        return null;
    }

    private bool IsAllowedNumber(string text, int from, int to)
    {
        var digits = DigitSequences.DigitsOf(text[from..to]);
        return digits.Length > 0 && (_allowedNumbers.Contains(digits) || _allowedNumbers.Contains(PersonalNumbers.AsPhone(digits) ?? ""));
    }

    /// <summary>Mobile (11 digits, or with 86), landline with area code (0…, 10–12 digits) or 400/800 service number (10 digits).</summary>
    private static bool IsPhoneLike(string digits)
        => PersonalNumbers.AsPhone(digits) is not null
           || (digits.Length is >= 10 and <= 12 && digits[0] == '0' && digits[1] != '0')
           || (digits.Length == 10 && (digits.StartsWith("400", StringComparison.Ordinal) || digits.StartsWith("800", StringComparison.Ordinal)));

    /// <summary>Whether a first-person contact cue (加/打我/联系我/找我/私人/我的 …) stands in the 10 characters before the number, in its clause.</summary>
    private static bool HasCueBefore(string text, int start)
    {
        var from = start;
        while (from > 0 && start - from < 10 && !ClauseBreaks.Contains(text[from - 1])) from--;
        if (from == start) return false;
        var window = text[from..start].ToLowerInvariant();
        if (window.Contains("参加", StringComparison.Ordinal) || window.Contains("增加", StringComparison.Ordinal)) window = window.Replace("参加", "", StringComparison.Ordinal).Replace("增加", "", StringComparison.Ordinal);
        foreach (var cue in DefaultContactLexicon.PhoneCues) if (window.Contains(cue, StringComparison.Ordinal)) return true;
        return false;
    }

    private static bool HasCueAfter(string text, int end)
    {
        var after = text.AsSpan(end, Math.Min(8, text.Length - end));
        foreach (var cue in DefaultContactLexicon.PhoneCuesAfter) if (after.Contains(cue, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>A number the clause calls the buyer's (您的/收货人 …) is personal data, judged by <c>personal_data_exposure</c>.</summary>
    private static bool IsBuyersNumber(string text, int start, int end)
    {
        var from = start;
        while (from > 0 && !ClauseBreaks.Contains(text[from - 1])) from--;
        var clause = text.AsSpan(from, end - from);
        foreach (var cue in PersonalDataExposureRule.BuyerCues) if (clause.Contains(cue, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>The text with every digit of a run of 7 or more replaced by its masked form (first 3, last 4 kept).</summary>
    private static string Masked(string s)
    {
        if (!DigitSequences.HasAtLeast(s, 7, chineseNumerals: false)) return s;
        var chars = s.ToCharArray();
        var positions = new List<int>();
        for (var i = 0; i <= chars.Length; i++)
        {
            if (i < chars.Length && DigitSequences.DigitOf(chars[i], false) >= 0) { positions.Add(i); continue; }
            if (i < chars.Length && positions.Count > 0 && chars[i] is ' ' or '-') continue;
            if (positions.Count >= 7)
                for (var k = 3; k < positions.Count - 4; k++) chars[positions[k]] = '*';
            positions.Clear();
        }
        return new string(chars);
    }
}
