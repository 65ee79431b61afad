using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules;
using Alerting.Core.Rules.RudeLanguage;
using Alerting.Core.Text;
using BenchmarkDotNet.Attributes;

namespace Alerting.Benchmarks;

/// <summary>
/// The rude-language matcher alone and the whole <see cref="RudeLanguageRule.Evaluate"/> on
/// the generator's agent replies (default mix: 2 % rude replies per human agent message), with the
/// full built-in lexicon and every normalization on. Targets: ≥ 100 M chars/s on one core; no
/// allocation when nothing matches.
/// </summary>
[Config(typeof(BenchConfig))]
public class RudeLanguageBenchmarks
{
    public const int AllCount = 8192;
    public const int CleanCount = 8192;
    public const int RudeCount = 256;

    private static readonly Lazy<RudeCorpus> Corpus = new(RudeCorpus.Build);

    private RudeLanguageRule _rule = null!;
    private PhraseMatcher _matcher = null!;
    private ChatMessage[] _all = null!, _clean = null!, _rude = null!;
    private readonly RuleContext _context = new(); // the rule reads nothing from it
    private readonly List<Alert> _alerts = new(4);

    /// <summary>Average text length of the mixed corpus (UTF-16 chars).</summary>
    public static double AverageCharsAll => Corpus.Value.All.Average(m => m.Text.Length);
    public static double AverageCharsClean => Corpus.Value.Clean.Average(m => m.Text.Length);
    public static double AverageCharsRude => Corpus.Value.Rude.Average(m => m.Text.Length);

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Corpus.Value;
        _rule = corpus.Rule;
        _matcher = corpus.Matcher;
        _all = corpus.All;
        _clean = corpus.Clean;
        _rude = corpus.Rude;
    }

    [Benchmark(OperationsPerInvoke = AllCount), CharsPerOperation(nameof(AverageCharsAll))]
    [BenchmarkCategory("matcher")]
    public int Matcher_FindAll_MixedAgentReplies() => FindAll(_all);

    [Benchmark(OperationsPerInvoke = CleanCount), CharsPerOperation(nameof(AverageCharsClean))]
    [BenchmarkCategory("matcher")]
    public int Matcher_FindAll_CleanReplies() => FindAll(_clean);

    [Benchmark(OperationsPerInvoke = AllCount), CharsPerOperation(nameof(AverageCharsAll))]
    [BenchmarkCategory("rule")]
    public int Rule_Evaluate_MixedAgentReplies() => Evaluate(_all);

    [Benchmark(OperationsPerInvoke = CleanCount), CharsPerOperation(nameof(AverageCharsClean))]
    [BenchmarkCategory("rule")]
    public int Rule_Evaluate_CleanReplies() => Evaluate(_clean);

    [Benchmark(OperationsPerInvoke = RudeCount), CharsPerOperation(nameof(AverageCharsRude))]
    [BenchmarkCategory("rule")]
    public int Rule_Evaluate_RudeReplies_AlertPath() => Evaluate(_rude);

    private int FindAll(ChatMessage[] messages)
    {
        var hits = 0;
        foreach (var m in messages)
        {
            List<PhraseMatch>? found = null;
            if (_matcher.FindAll(m.Text, ref found)) hits++;
        }
        return hits;
    }

    private int Evaluate(ChatMessage[] messages)
    {
        var alerts = 0;
        foreach (var m in messages)
        {
            _rule.Evaluate(m, _context, _alerts);
            alerts += _alerts.Count;
            _alerts.Clear();
        }
        return alerts;
    }

    /// <summary>The corpus: agent replies of generated traffic, split by what the rule says about them.</summary>
    public sealed class RudeCorpus
    {
        public required RudeLanguageRule Rule { get; init; }
        public required PhraseMatcher Matcher { get; init; }
        public required ChatMessage[] All { get; init; }
        public required ChatMessage[] Clean { get; init; }
        public required ChatMessage[] Rude { get; init; }

        public static RudeCorpus Build()
        {
            var rule = new RudeLanguageRule(new RudeLanguageOptions());
            // The matcher as the rule builds it: every spelling of the built-in lexicon, the built-in whitelist, all normalizations.
            var lexicon = DefaultLexicon.Terms();
            var phrases = lexicon.SelectMany(t => t.Variants.Prepend(t.Term)).ToList();
            var matcher = new PhraseMatcher(phrases, DefaultLexicon.Whitelist(), NormalizationSettings.All);

            var agent = Traffic.Generate(80_000).Messages
                .Select(m => m.Message)
                .Where(m => m.Sender == SenderKind.Agent && m.Event == ChatEventKind.Message && m.Text.Length > 0)
                .ToList();
            var context = new RuleContext();
            var alerts = new List<Alert>();
            var clean = new List<ChatMessage>();
            var rude = new List<ChatMessage>();
            foreach (var m in agent)
            {
                rule.Evaluate(m, context, alerts);
                (alerts.Count == 0 ? clean : rude).Add(m);
                alerts.Clear();
            }
            if (agent.Count < AllCount || clean.Count < CleanCount || rude.Count == 0)
                throw new InvalidOperationException($"corpus too small: {agent.Count} agent replies, {clean.Count} clean, {rude.Count} rude");
            return new RudeCorpus
            {
                Rule = rule,
                Matcher = matcher,
                All = [.. agent.Take(AllCount)],
                Clean = [.. clean.Take(CleanCount)],
                Rude = [.. Enumerable.Range(0, RudeCount).Select(i => rude[i % rude.Count])],
            };
        }
    }
}
