using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Text;

namespace Alerting.Core.Rules.RudeLanguage;

/// <summary><c>rude_language</c>: rude words and bad-attitude phrases in an agent's reply.</summary>
/// <remarks>
/// The lexicon is compiled into one <see cref="PhraseMatcher"/> in the constructor (once per config
/// version, off the hot path); the instance is immutable afterwards and shared by all partitions.
/// A clean message costs one pass over its text and allocates nothing.
/// </remarks>
public sealed class RudeLanguageRule : IChatRule
{
    public const string RuleName = "rude_language";

    /// <summary>Characters that may surround a <see cref="RudeLanguageTerm.WholeMessage"/> term: subject, address and modal particles.</summary>
    public const string WholeMessageFillers = "我亲啊呀呢吧哦噢喔嘛啦了哈额呃嗯哎唉诶也哟呦耶";

    private static readonly string[] KnownSeverities = ["info", "low", "medium", "high", "critical"];

    private readonly PhraseMatcher _matcher;
    private readonly CompiledTerm[] _terms;     // by canonical term
    private readonly int[] _phraseTerm;         // phrase index → index into _terms
    private readonly NormalizationSettings _settings;
    private readonly bool _enabled;

    public RudeLanguageRule(RudeLanguageOptions options)
    {
        Options = options;
        _enabled = options.Enabled;
        _settings = ToSettings(options.Normalization ?? new RudeLanguageNormalizationOptions());
        var lexicon = EffectiveTerms(options, _settings);
        var phrases = new List<string>();
        var phraseTerm = new List<int>();
        var terms = new List<CompiledTerm>();
        foreach (var entry in lexicon)
        {
            if (!Alert.TryParseSeverity(entry.Term.Severity, out var severity)) severity = Severity.Medium; // refused by Validate
            var index = terms.Count;
            terms.Add(new CompiledTerm(entry.Term.Term.Trim(), entry.Term.Category.Trim(), severity, entry.Term.WholeMessage));
            foreach (var form in entry.Forms.Concat(entry.Generated))
            {
                phrases.Add(form);
                phraseTerm.Add(index);
            }
        }
        _terms = [.. terms];
        _phraseTerm = [.. phraseTerm];
        _matcher = new PhraseMatcher(phrases, EffectiveWhitelist(options).Select(w => w.Word).ToList(), _settings);
    }

    public RudeLanguageOptions Options { get; }

    public string Name => RuleName;

    /// <summary>Number of canonical terms in the compiled lexicon.</summary>
    public int TermCount => _terms.Length;

    /// <summary>
    /// Checks an options object: unknown severities, empty terms or variants, terms that cannot match
    /// after normalization, and terms that the whitelist cancels entirely. Paths are relative to
    /// <paramref name="path"/>, e.g. <c>Rules:RudeLanguage:Terms:3:Severity</c>.
    /// </summary>
    public static IEnumerable<ConfigProblem> Validate(RudeLanguageOptions options, string path)
    {
        var problems = new List<ConfigProblem>();
        var settings = ToSettings(options.Normalization ?? new RudeLanguageNormalizationOptions());
        ValidateTerms(options.Terms, $"{path}:Terms", settings, problems);
        ValidateTerms(options.AddTerms, $"{path}:AddTerms", settings, problems);
        ValidateWords(options.RemoveTerms, $"{path}:RemoveTerms", settings, problems);
        ValidateWords(options.Whitelist, $"{path}:Whitelist", settings, problems);
        ValidateWords(options.AddWhitelist, $"{path}:AddWhitelist", settings, problems);

        // A whitelist entry equal to every spelling of a term silences it for good: say so, and
        // point at RemoveTerms, which is the honest way to drop a term.
        var whitelist = new Dictionary<string, WhitelistEntry>();
        foreach (var entry in EffectiveWhitelist(options))
        {
            var normalized = PhraseMatcher.Normalize(entry.Word, settings);
            if (normalized.Length > 0) whitelist[normalized] = entry;
        }
        foreach (var entry in EffectiveTerms(options, settings))
        {
            if (entry.Forms.Count == 0) continue;
            var cancelling = entry.Forms.Select(f => whitelist.GetValueOrDefault(PhraseMatcher.Normalize(f, settings))).ToList();
            if (cancelling.Any(w => w is null)) continue;
            var userEntry = cancelling.FirstOrDefault(w => w!.Path is not null);
            var words = string.Join("、", cancelling.Select(w => w!.Word).Distinct());
            if (entry.Path is not null)
                problems.Add(new ConfigProblem($"{path}:{entry.Path}:Term",
                    $"term '{entry.Term.Term}' can never fire: the whitelist entry '{words}' cancels every spelling of it; remove the whitelist entry or drop the term with RemoveTerms"));
            else if (userEntry is not null)
                problems.Add(new ConfigProblem($"{path}:{userEntry.Path}",
                    $"whitelist entry '{userEntry.Word}' cancels the built-in term '{entry.Term.Term}' entirely; to drop a term use RemoveTerms instead"));
        }
        return problems;
    }

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (message.Sender != SenderKind.Agent || message.Event != ChatEventKind.Message) return;
        if (!_enabled || message.Text.Length == 0) return;
        List<PhraseMatch>? found = null;
        if (!_matcher.FindAll(message.Text, ref found)) return;

        var matches = SelectMatches(message.Text, found!);
        if (matches.Count == 0) return;
        alerts.Add(BuildAlert(message, matches));
    }

    /// <summary>Drops whole-message terms that are not the whole message, and matches inside a longer, at least as severe one.</summary>
    private List<PhraseMatch> SelectMatches(string text, List<PhraseMatch> found)
    {
        found.RemoveAll(m => TermOf(m).WholeMessage && !IsWholeMessage(text, m, found));
        // Longest first at each start, then most severe, so a contained or duplicate match is seen after its container.
        found.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start)
            : a.Length != b.Length ? b.Length.CompareTo(a.Length)
            : TermOf(b).Severity.CompareTo(TermOf(a).Severity));
        var kept = new List<PhraseMatch>(found.Count);
        foreach (var m in found)
        {
            // A match inside a longer one adds nothing, unless it is more severe (then it is shown,
            // so the alert's severity is always explained by its evidence).
            var covered = false;
            foreach (var k in kept)
                if (k.Start <= m.Start && m.End <= k.End && TermOf(k).Severity >= TermOf(m).Severity) covered = true;
            if (!covered) kept.Add(m);
        }
        return kept;
    }

    /// <summary>
    /// True when everything outside <paramref name="m"/> is punctuation, emoji, a filler character or
    /// part of another match ("不知道，随便你" is two curt replies, not an innocent sentence).
    /// </summary>
    private static bool IsWholeMessage(string text, PhraseMatch m, List<PhraseMatch> all)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (TextFolding.RoleOf(c) != CharRole.Word) continue;
            if (WholeMessageFillers.Contains(TraditionalChinese.ToSimplified(c))) continue;
            var covered = false;
            foreach (var other in all)
            {
                if (other.Start <= i && i < other.End)
                {
                    covered = true;
                    break;
                }
            }
            if (!covered) return false;
        }
        return true;
    }

    private Alert BuildAlert(ChatMessage message, List<PhraseMatch> matches)
    {
        var text = message.Text;
        var evidenceMatches = new JsonArray();
        var severity = Severity.Info;
        var named = new List<string>();
        foreach (var m in matches)
        {
            var term = TermOf(m);
            if (term.Severity > severity) severity = term.Severity;
            var label = $"{term.Term}（{CategoryName(term.Category)}）";
            if (!named.Contains(label)) named.Add(label);
            evidenceMatches.Add(new JsonObject
            {
                ["term"] = term.Term,
                ["matched"] = text.Substring(m.Start, m.Length),
                ["category"] = term.Category,
                ["severity"] = Alert.SeverityName(term.Severity),
                ["start"] = m.Start,
                ["length"] = m.Length,
            });
        }
        return new Alert
        {
            AlertId = AlertIds.ForConversation(RuleName, message.ConversationId, message.MessageId),
            Rule = RuleName,
            Severity = severity,
            ShopId = message.ShopId,
            ConversationId = message.ConversationId,
            AgentId = message.AgentId ?? message.SenderId,
            MessageIds = [message.MessageId],
            EventTime = message.SentAt,
            Summary = "客服回复含不当用语：" + string.Join("、", named),
            Evidence = new JsonObject
            {
                ["matches"] = evidenceMatches,
                ["text"] = text,
            },
        };
    }

    private CompiledTerm TermOf(PhraseMatch m) => _terms[_phraseTerm[m.Phrase]];

    /// <summary>Chinese name of a category for the alert summary; unknown categories are shown as written.</summary>
    public static string CategoryName(string category) => category switch
    {
        "insult" => "辱骂",
        "bad_attitude" => "服务态度",
        "profanity" => "脏话",
        "threat" => "威胁",
        "sexual" => "低俗",
        "discrimination" => "歧视",
        _ => category,
    };

    private static NormalizationSettings ToSettings(RudeLanguageNormalizationOptions n) => new(
        n.FoldWidthAndCase, n.StripInvisible, n.TraditionalToSimplified, n.SkipInsertedSymbols, n.CollapseRepeats, n.LatinWholeTokens);

    /// <summary>Built-in + Terms + AddTerms − RemoveTerms, each with its matchable spellings; equal terms: the later wins.</summary>
    private static List<LexiconEntry> EffectiveTerms(RudeLanguageOptions options, NormalizationSettings settings)
    {
        var entries = new List<LexiconEntry>();
        if (options.UseDefaultLexicon)
            entries.AddRange(DefaultLexicon.Terms().Select(t => new LexiconEntry(t, null)));
        entries.AddRange((options.Terms ?? []).Select((t, i) => new LexiconEntry(t, $"Terms:{i}")));
        entries.AddRange((options.AddTerms ?? []).Select((t, i) => new LexiconEntry(t, $"AddTerms:{i}")));

        var removed = new HashSet<string>((options.RemoveTerms ?? [])
            .Select(r => PhraseMatcher.Normalize(r ?? "", settings)).Where(r => r.Length > 0));
        var byTerm = new Dictionary<string, int>();
        var result = new List<LexiconEntry>();
        foreach (var entry in entries)
        {
            if (entry.Term is null || string.IsNullOrWhiteSpace(entry.Term.Term)) continue;
            var key = PhraseMatcher.Normalize(entry.Term.Term, settings);
            if (key.Length == 0 || removed.Contains(key)) continue;
            foreach (var form in (string?[])[entry.Term.Term, .. entry.Term.Variants ?? []])
            {
                if (string.IsNullOrWhiteSpace(form)) continue;
                var normalized = PhraseMatcher.Normalize(form, settings);
                // A template's length is that of its pieces (checked by Validate), not of the whole pattern text.
                if (normalized.Length == 0 || (normalized.Length > PhraseMatcher.MaxPhraseLength && !PhraseTemplate.IsTemplate(form)) || removed.Contains(normalized)) continue;
                if (!entry.Forms.Contains(form)) entry.Forms.Add(form);
                // English terms: their spaced-out and digit spellings too (s h i t, sh1t), unless removed by name.
                if (settings.SkipInsertedSymbols && !PhraseTemplate.IsTemplate(form))
                    foreach (var evasion in LatinEvasions.Variants(form))
                        if (!removed.Contains(PhraseMatcher.Normalize(evasion, settings)) && !entry.Forms.Contains(evasion)) entry.Generated.Add(evasion);
            }
            if (byTerm.TryGetValue(key, out var earlier)) result[earlier] = entry; // a store's AddTerms replaces the built-in entry
            else
            {
                byTerm[key] = result.Count;
                result.Add(entry);
            }
        }
        return result;
    }

    private static List<WhitelistEntry> EffectiveWhitelist(RudeLanguageOptions options)
    {
        var list = new List<WhitelistEntry>();
        if (options.UseDefaultLexicon) list.AddRange(DefaultLexicon.Whitelist().Select(w => new WhitelistEntry(w, null)));
        list.AddRange((options.Whitelist ?? []).Select((w, i) => new WhitelistEntry(w ?? "", $"Whitelist:{i}")));
        list.AddRange((options.AddWhitelist ?? []).Select((w, i) => new WhitelistEntry(w ?? "", $"AddWhitelist:{i}")));
        list.RemoveAll(w => string.IsNullOrWhiteSpace(w.Word));
        return list;
    }

    private static void ValidateTerms(List<RudeLanguageTerm>? terms, string path, NormalizationSettings settings, List<ConfigProblem> problems)
    {
        if (terms is null) return;
        for (var i = 0; i < terms.Count; i++)
        {
            var t = terms[i];
            var p = $"{path}:{i}";
            if (t is null)
            {
                problems.Add(new ConfigProblem(p, "empty entry: expected Term, Category and Severity"));
                continue;
            }
            CheckPhrase(t.Term, $"{p}:Term", "term", settings, problems);
            if (string.IsNullOrWhiteSpace(t.Category))
                problems.Add(new ConfigProblem($"{p}:Category",
                    "category is empty: expected one of insult, bad_attitude, profanity, threat, sexual, discrimination (or your own snake_case name)"));
            if (!Alert.TryParseSeverity(t.Severity, out _))
                problems.Add(new ConfigProblem($"{p}:Severity",
                    $"unknown severity '{t.Severity}': expected {string.Join(", ", KnownSeverities)}"));
            var variants = t.Variants ?? [];
            for (var j = 0; j < variants.Count; j++)
                CheckPhrase(variants[j], $"{p}:Variants:{j}", "variant", settings, problems);
        }
    }

    private static void ValidateWords(List<string>? words, string path, NormalizationSettings settings, List<ConfigProblem> problems)
    {
        if (words is null) return;
        for (var i = 0; i < words.Count; i++) CheckPhrase(words[i], $"{path}:{i}", "entry", settings, problems);
    }

    private static void CheckPhrase(string? phrase, string path, string what, NormalizationSettings settings, List<ConfigProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(phrase))
        {
            problems.Add(new ConfigProblem(path, $"{what} is empty"));
            return;
        }
        if (PhraseTemplate.IsTemplate(phrase))
        {
            // 这么{0,6}都(不会|不懂)(吗|$): checked as a template; its fragments must each be matchable.
            if (!PhraseTemplate.TryParse(phrase, out var template, out var error))
                problems.Add(new ConfigProblem(path, $"{what} '{phrase}' is not a valid template: {error}"));
            else
                foreach (var fragment in template!.Pieces.SelectMany(p => p).Select(a => a.Text).Where(t => t.Length > 0).Distinct())
                {
                    var f = PhraseMatcher.Normalize(fragment, settings);
                    if (f.Length == 0 || f.Length > PhraseMatcher.MaxPhraseLength || fragment.Any(c => TextFolding.RoleOf(c) == CharRole.Break))
                    {
                        problems.Add(new ConfigProblem(path, $"{what} '{phrase}': piece '{fragment}' cannot match (empty after normalization, longer than {PhraseMatcher.MaxPhraseLength}, or holding sentence punctuation)"));
                        break;
                    }
                }
            return;
        }
        var normalized = PhraseMatcher.Normalize(phrase, settings);
        if (normalized.Length == 0)
            problems.Add(new ConfigProblem(path, $"{what} '{phrase}' has nothing left to match once symbols, spaces and invisible characters are skipped"));
        else if (normalized.Length > PhraseMatcher.MaxPhraseLength)
            problems.Add(new ConfigProblem(path, $"{what} '{phrase}' is longer than {PhraseMatcher.MaxPhraseLength} characters"));
        var breaks = phrase.Where(c => TextFolding.RoleOf(c) == CharRole.Break).Distinct().ToArray();
        if (breaks.Length > 0)
            problems.Add(new ConfigProblem(path,
                $"{what} '{phrase.ReplaceLineEndings(" ")}' contains sentence punctuation '{new string(breaks).ReplaceLineEndings("\\n")}', which always separates words, so it could never match as written"));
    }

    private sealed record LexiconEntry(RudeLanguageTerm Term, string? Path)
    {
        public List<string> Forms { get; } = [];

        /// <summary>Evasion spellings generated from <see cref="Forms"/> (not validated, not needed to cancel the term).</summary>
        public HashSet<string> Generated { get; } = [];
    }

    private sealed record WhitelistEntry(string Word, string? Path);

    private readonly record struct CompiledTerm(string Term, string Category, Severity Severity, bool WholeMessage);
}
