using System.Text.Json;
using Alerting.Core.Config;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Review;

/// <summary>Result of creating a suggestion: the suggestion, or the problem (status and reason) that refused it.</summary>
public sealed record SuggestionResult(RuleSuggestion? Suggestion, int Status = 200, string? Problem = null);

/// <summary>A suggestion as listed: with how often the same case fired after it was marked taken.</summary>
public sealed record SuggestionLine(RuleSuggestion Suggestion, int? FiredSinceTaken);

/// <summary>
/// Creates suggested rule changes from false-alarm verdicts, keeps them (one Redis hash per store,
/// <see cref="ConsoleKeys.Suggestions"/>) and records when a lead marks one taken. Reads the worker's config
/// only to find a promotion's position (<see cref="ConsoleOptions.WorkerConfigPath"/>), never writes it.
/// </summary>
public sealed class SuggestionStore
{
    /// <summary>Longest phrase accepted (the rules match terms of at most 64 characters).</summary>
    public const int MaxPhraseLength = 64;

    /// <summary>At most this many stream entries after the taken time are read to count repeats of the case.</summary>
    public const int MaxEntriesScanned = 10_000;

    private readonly IDatabase _db;
    private readonly ConsoleKeys _keys;
    private readonly ReviewStore _reviews;
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _time;

    public SuggestionStore(IConnectionMultiplexer redis, ConsoleKeys keys, ReviewStore reviews, ConsoleOptions options, TimeProvider time)
    {
        _db = redis.GetDatabase();
        _keys = keys;
        _reviews = reviews;
        _options = options;
        _time = time;
    }

    /// <summary>
    /// A suggestion from the false-alarm verdict on <paramref name="alertId"/>: the kind must fit the alert's rule, a
    /// whitelist or allowed phrase must contain a term the alert matched and be longer than it (the words around the match
    /// that make it harmless: a word inside the matched phrase does not excuse it, the bare term would allow it everywhere), an alias must be new text for a promotion of the store's
    /// worker config.
    /// </summary>
    public async Task<SuggestionResult> CreateAsync(string store, string alertId, string kind, string? phrase, string? promotion, string user)
    {
        if (!RuleSuggestion.RuleOfKind.TryGetValue(kind, out var rule))
            return Bad($"kind: expected one of {string.Join(", ", RuleSuggestion.RuleOfKind.Keys)}");
        phrase = phrase?.Trim() ?? "";
        if (phrase.Length is 0 or > MaxPhraseLength || phrase.Any(char.IsControl))
            return Bad($"phrase: 1 to {MaxPhraseLength} characters without control characters");
        var verdict = (await _reviews.VerdictsAsync(store)).FirstOrDefault(v => v.AlertId == alertId);
        if (verdict is null || verdict.Outcome != Verdict.FalseAlarm)
            return new SuggestionResult(null, 409, "a rule change is suggested from a false-alarm verdict; this alert has none");
        var ruleOk = verdict.Rule == rule || (kind == RuleSuggestion.Alias && verdict.Rule == "batch_wrong_promo_answer");
        if (!ruleOk) return Bad($"kind: a {kind} applies to {rule} alerts, this alert is {verdict.Rule}");

        string? term = null, promotionKey = null;
        if (kind is RuleSuggestion.Whitelist or RuleSuggestion.Allow)
        {
            var entry = await _reviews.GetEntryAsync(store, verdict.EntryId);
            var matched = MatchedTexts(entry).Concat(verdict.Terms).Distinct(StringComparer.Ordinal).ToList();
            // Compared as the rules compare text (width, case, traditional characters folded; symbols dropped).
            var folded = Fold(phrase);
            term = matched.Where(m => Fold(m).Length > 0 && folded.Contains(Fold(m), StringComparison.Ordinal)).OrderByDescending(m => Fold(m).Length).FirstOrDefault();
            if (term is null) return Bad($"phrase: must contain what the alert matched ({string.Join(", ", matched)})");
            if (folded.Length <= Fold(term).Length)
                return Bad($"phrase: must be longer than the match \"{term}\" (the words around it that make it harmless)");
        }
        else
        {
            promotion = promotion?.Trim();
            if (string.IsNullOrEmpty(promotion)) promotion = (verdict.Promotions.Count > 0 ? verdict.Promotions[0] : null);
            if (string.IsNullOrEmpty(promotion)) return Bad("promotion: name the promotion the alias belongs to");
            if (_options.WorkerConfigPath is not { Length: > 0 } path)
                return Bad("promotion: an alias needs the promotion's position in the worker's config; set Console:WorkerConfigPath (read-only)");
            var found = FindPromotion(path, store, promotion);
            if (found.Problem is not null) return Bad(found.Problem);
            if (found.Names.Contains(phrase, StringComparer.OrdinalIgnoreCase)) return Bad($"phrase: \"{phrase}\" already names promotion {promotion}");
            promotionKey = found.Key;
        }

        var s = new RuleSuggestion
        {
            Id = Guid.NewGuid().ToString("N")[..12],
            Store = store, Kind = kind, Rule = rule, AlertId = alertId, Phrase = phrase, Term = term,
            Promotion = kind == RuleSuggestion.Alias ? promotion : null, PromotionKey = promotionKey,
            CreatedBy = user, CreatedAt = _time.GetUtcNow(),
        };
        await _db.HashSetAsync(_keys.Suggestions(store), s.Id, JsonSerializer.Serialize(s, Silence.Json));
        return new SuggestionResult(s);
    }

    /// <summary>One suggestion, or null.</summary>
    public async Task<RuleSuggestion?> GetAsync(string store, string id)
    {
        var v = await _db.HashGetAsync(_keys.Suggestions(store), id);
        return v.IsNull ? null : JsonSerializer.Deserialize<RuleSuggestion>(v.ToString(), Silence.Json);
    }

    /// <summary>Marks a suggestion taken (the lead's word that ops deployed the layer); null when unknown.</summary>
    public async Task<RuleSuggestion?> MarkTakenAsync(string store, string id, string user)
    {
        if (await GetAsync(store, id) is not { } s) return null;
        if (s.TakenAt is not null) return s;
        var taken = s with { TakenBy = user, TakenAt = _time.GetUtcNow() };
        await _db.HashSetAsync(_keys.Suggestions(store), id, JsonSerializer.Serialize(taken, Silence.Json));
        return taken;
    }

    /// <summary>The store's suggestions, newest first; for taken ones, how many alerts of the same case arrived since.</summary>
    public async Task<List<SuggestionLine>> ListAsync(string store)
    {
        var all = (await _db.HashGetAllAsync(_keys.Suggestions(store)))
            .Select(h => JsonSerializer.Deserialize<RuleSuggestion>(h.Value.ToString(), Silence.Json)).OfType<RuleSuggestion>()
            .OrderByDescending(s => s.CreatedAt).ToList();
        var lines = new List<SuggestionLine>();
        foreach (var s in all) lines.Add(new SuggestionLine(s, s.TakenAt is { } at ? await FiredSinceAsync(s, at) : null));
        return lines;
    }

    /// <summary>
    /// Alerts of the suggestion's rule appended after <paramref name="since"/> whose evidence still holds the phrase
    /// (the case the layer was meant to silence), from at most <see cref="MaxEntriesScanned"/> entries.
    /// </summary>
    private async Task<int> FiredSinceAsync(RuleSuggestion s, DateTimeOffset since)
    {
        var page = await _db.StreamRangeAsync(_keys.Stream(s.Store), StreamIds.AtOrAfter(since), "+", MaxEntriesScanned);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in page)
        {
            if (AlertEntry.From(s.Store, raw) is not { } e || e.Rule != s.Rule || e.Status == "resolved") continue;
            var text = e.Evidence.ToJsonString(Silence.Json);
            var same = s.Kind == RuleSuggestion.Alias
                ? e.Promotions.Contains(s.Promotion ?? "") && text.Contains(s.Phrase, StringComparison.Ordinal)
                : e.Terms.Contains(s.Term ?? "") && (!e.Evidence.ContainsKey("text") || text.Contains(s.Phrase, StringComparison.Ordinal));
            if (same) ids.Add(e.AlertId);
        }
        return ids.Count;
    }

    /// <summary>The texts the alert matched: <c>evidence.matches[].matched</c>, or the span start/length of <c>evidence.text</c>, and the terms.</summary>
    private static IEnumerable<string> MatchedTexts(AlertEntry? entry)
    {
        if (entry is null) yield break;
        var text = (string?)entry.Evidence["text"];
        if (entry.Evidence["matches"] is not System.Text.Json.Nodes.JsonArray matches) yield break;
        foreach (var m in matches)
        {
            if (m is null) continue;
            if ((string?)m["matched"] is { Length: > 0 } matched) yield return matched;
            if ((string?)m["term"] is { Length: > 0 } t) yield return t;
            if (text is not null && m["start"] is System.Text.Json.Nodes.JsonValue sv && sv.TryGetValue<int>(out var start)
                && m["length"] is System.Text.Json.Nodes.JsonValue lv && lv.TryGetValue<int>(out var length)
                && start >= 0 && length > 0 && start + length <= text.Length)
                yield return text.Substring(start, length);
        }
    }

    private static (string? Key, IReadOnlyList<string> Names, string? Problem) FindPromotion(string path, string store, string promotion)
    {
        var loaded = ConfigFiles.Load(path);
        if (loaded.Root is null) return (null, [], $"promotion: the worker's config at Console:WorkerConfigPath cannot be read ({string.Join("; ", loaded.Problems)})");
        var list = loaded.Root.GetSection($"{RulesSnapshotBuilder.SectionName}:Stores:{store}:Promotions");
        foreach (var p in list.GetChildren())
        {
            if (!string.Equals(p["Id"], promotion, StringComparison.Ordinal)) continue;
            var names = p.GetSection("Aliases").GetChildren().Select(a => a.Value).OfType<string>().Append(p["Name"] ?? "").ToList();
            return (p.Key, names, null);
        }
        return (null, [], $"promotion: no promotion '{promotion}' in the worker's config for store '{store}'");
    }

    private static string Fold(string s) => Alerting.Core.Text.PhraseMatcher.Normalize(s, Alerting.Core.Text.NormalizationSettings.All);

    private static SuggestionResult Bad(string problem) => new(null, 400, problem);
}
