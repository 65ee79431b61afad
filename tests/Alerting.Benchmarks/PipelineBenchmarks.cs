using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using BenchmarkDotNet.Attributes;

namespace Alerting.Benchmarks;

/// <summary>
/// The whole per-partition path, UTF-8 Kafka value → <see cref="ChatMessageParser.Parse"/> →
/// <see cref="PartitionPipeline.Process"/> → alerts, every rule on, on generated Double 11 traffic
/// (default fault rates, the generator's promotions in the config). Each invocation replays the
/// same 50,000 records into a fresh pipeline, so conversation state grows and shrinks as live
/// (≈ 6,500 conversations, a few hundred open at a time). Targets: ≥ 500,000 messages/s on one core;
/// ≤ 100 bytes allocated per clean message.
/// </summary>
[Config(typeof(BenchConfig))]
public class PipelineBenchmarks
{
    public const int Count = 50_000;

    private static readonly Lazy<PipelineCorpus> Mixed = new(() => PipelineCorpus.Build(clean: false));
    private static readonly Lazy<PipelineCorpus> Clean = new(() => PipelineCorpus.Build(clean: true));

    private PipelineCorpus _mixed = null!, _clean = null!;
    private readonly List<Alert> _alerts = new(16);

    [GlobalSetup]
    public void Setup()
    {
        _mixed = Mixed.Value;
        _clean = Clean.Value;
    }

    /// <summary>The target: bytes in, alerts out, default fault mix.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public long ParseAndProcess_DefaultMix() => ParseAndProcess(_mixed);

    /// <summary>The same path on traffic with every fault rate 0 (no alert is raised): bytes per clean message.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public long ParseAndProcess_CleanTraffic() => ParseAndProcess(_clean);

    /// <summary>The parser alone (share of the whole path).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public long Parse_Only_DefaultMix()
    {
        long ok = 0;
        foreach (var bytes in _mixed.Utf8) if (ChatMessageParser.Parse(bytes).IsValid) ok++;
        return ok;
    }

    /// <summary>The pipeline and rules alone, on messages parsed in setup (share of the whole path).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public long Process_Only_DefaultMix()
    {
        var pipeline = new PartitionPipeline(_mixed.Rules, TimeProvider.System);
        long alerts = 0;
        foreach (var message in _mixed.Parsed)
        {
            pipeline.Process(message, _alerts);
            alerts += _alerts.Count;
            _alerts.Clear();
        }
        return alerts;
    }

    private long ParseAndProcess(PipelineCorpus corpus)
    {
        var pipeline = new PartitionPipeline(corpus.Rules, TimeProvider.System);
        long alerts = 0;
        foreach (var bytes in corpus.Utf8)
        {
            var parsed = ChatMessageParser.Parse(bytes);
            if (!parsed.IsValid) continue;
            pipeline.Process(parsed.Message!, _alerts);
            alerts += _alerts.Count;
            _alerts.Clear();
        }
        return alerts;
    }

    public sealed class PipelineCorpus
    {
        public required byte[][] Utf8 { get; init; }
        public required ChatMessage[] Parsed { get; init; }
        public required IRulesSource Rules { get; init; }

        public static PipelineCorpus Build(bool clean)
        {
            var (generator, messages) = Traffic.Generate(Count, clean);
            var utf8 = messages.Select(m => m.Utf8Json).ToArray();
            return new PipelineCorpus
            {
                Utf8 = utf8,
                Parsed = [.. utf8.Select(b => ChatMessageParser.Parse(b).Message!)],
                Rules = new FixedRulesSource(Traffic.Snapshot(Traffic.RulesJson(generator.Promotions))),
            };
        }
    }
}

/// <summary>Which rules are on, for splitting the pipeline's cost by rule.</summary>
public enum RuleSet
{
    None,
    All,
    RudeLanguageOnly,
    WrongPromoAnswerOnly,
    ForbiddenClaimOnly,
    TimingOnly,
    PersonalDataExposureOnly,
    OffPlatformContactOnly,
    BuyerComplaintRiskOnly,
    ForbiddenReviewInvitationOnly,
    RepeatedReplyOnly,
    ResponseWarningOnly,
}

/// <summary>
/// Where the time goes: <see cref="PartitionPipeline.Process"/> over the same pre-parsed
/// default-mix traffic with one rule set at a time (None = state tracking and deadlines only;
/// TimingOnly = slow_response + unanswered_buyer).
/// </summary>
[Config(typeof(BenchConfig))]
public class PipelineRuleSplitBenchmarks
{
    private ChatMessage[] _parsed = null!;
    private IRulesSource _rules = null!;
    private readonly List<Alert> _alerts = new(16);

    [Params(RuleSet.None, RuleSet.All, RuleSet.RudeLanguageOnly, RuleSet.WrongPromoAnswerOnly, RuleSet.ForbiddenClaimOnly, RuleSet.TimingOnly,
        RuleSet.PersonalDataExposureOnly, RuleSet.OffPlatformContactOnly, RuleSet.BuyerComplaintRiskOnly, RuleSet.ForbiddenReviewInvitationOnly,
        RuleSet.RepeatedReplyOnly, RuleSet.ResponseWarningOnly)]
    public RuleSet Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (generator, messages) = Traffic.Generate(PipelineBenchmarks.Count);
        _parsed = [.. messages.Select(m => ChatMessageParser.Parse(m.Utf8Json).Message!)];
        // Every other rule off: the row is the state tracking plus this one rule.
        string Only(bool rude = false, bool promo = false, bool claims = false, bool timing = false, bool personalData = false, bool offPlatform = false,
            bool complaintRisk = false, bool reviewInvitation = false, bool repeatedReply = false, bool responseWarning = false)
            => Traffic.RulesJson(generator.Promotions, rude, promo, claims, timing, timing, personalData, offPlatform, complaintRisk, reviewInvitation, repeatedReply, responseWarning);
        var json = Rules switch
        {
            RuleSet.None => Only(),
            RuleSet.All => Traffic.RulesJson(generator.Promotions),
            RuleSet.RudeLanguageOnly => Only(rude: true),
            RuleSet.WrongPromoAnswerOnly => Only(promo: true),
            RuleSet.ForbiddenClaimOnly => Only(claims: true),
            RuleSet.PersonalDataExposureOnly => Only(personalData: true),
            RuleSet.OffPlatformContactOnly => Only(offPlatform: true),
            RuleSet.BuyerComplaintRiskOnly => Only(complaintRisk: true),
            RuleSet.ForbiddenReviewInvitationOnly => Only(reviewInvitation: true),
            RuleSet.RepeatedReplyOnly => Only(repeatedReply: true),
            RuleSet.ResponseWarningOnly => Only(responseWarning: true),
            _ => Only(timing: true),
        };
        _rules = new FixedRulesSource(Traffic.Snapshot(json));
    }

    [Benchmark(OperationsPerInvoke = PipelineBenchmarks.Count)]
    public long Process_PreParsed()
    {
        var pipeline = new PartitionPipeline(_rules, TimeProvider.System);
        long alerts = 0;
        foreach (var message in _parsed)
        {
            pipeline.Process(message, _alerts);
            alerts += _alerts.Count;
            _alerts.Clear();
        }
        return alerts;
    }
}

/// <summary>
/// Where the bytes go: one clean agent reply to an already open conversation (no state
/// growth), so the allocation is exactly that of one message: parse, the whole pipeline, and each
/// rule alone.
/// </summary>
[Config(typeof(BenchConfig))]
public class CleanMessageAllocationBenchmarks
{
    private byte[] _replyUtf8 = null!;
    private ChatMessage _reply = null!;
    private PartitionPipeline _pipeline = null!;
    private Dictionary<string, IChatRule> _rules = null!;
    private readonly RuleContext _context = new();
    private readonly List<Alert> _alerts = new(16);

    [GlobalSetup]
    public void Setup()
    {
        var (generator, messages) = Traffic.Generate(2_000, clean: true);
        var snapshot = Traffic.Snapshot(Traffic.RulesJson(generator.Promotions));
        // A typical clean agent answer that names no promotion, in a conversation that is open.
        var reply = messages.First(m => m.Message.Sender == SenderKind.Agent && m.Message.Event == ChatEventKind.Message
            && m.Message.Text.Length is >= 15 and <= 40 && !generator.Promotions.Any(p => m.Message.Text.Contains(p.Name, StringComparison.Ordinal)));
        _replyUtf8 = reply.Utf8Json;
        _reply = ChatMessageParser.Parse(_replyUtf8).Message!;
        _pipeline = new PartitionPipeline(new FixedRulesSource(snapshot), TimeProvider.System);
        foreach (var m in messages.TakeWhile(m => m != reply)) { _pipeline.Process(m.Message, _alerts); _alerts.Clear(); }
        _pipeline.Process(_reply, _alerts);
        _alerts.Clear();
        _rules = snapshot.ForShop(_reply.ShopId).Rules.ToDictionary(r => r.Name, StringComparer.Ordinal);
        Traffic.ConversationSetter(_context, _pipeline.Conversations.First(c => c.ConversationId == _reply.ConversationId));
        Console.WriteLine($"// clean reply ({_reply.Text.Length} chars, {_replyUtf8.Length} bytes): {System.Text.Encoding.UTF8.GetString(_replyUtf8)}");
    }

    public static IEnumerable<string> RuleNames() => ["rude_language", "wrong_promo_answer", "forbidden_claim", "slow_response", "unanswered_buyer",
        "personal_data_exposure", "off_platform_contact", "buyer_complaint_risk", "forbidden_review_invitation", "repeated_reply", "response_warning"];

    [Benchmark]
    public bool Parse() => ChatMessageParser.Parse(_replyUtf8).IsValid;

    [Benchmark]
    public int Process_AllRules()
    {
        _pipeline.Process(_reply, _alerts);
        var n = _alerts.Count;
        _alerts.Clear();
        return n;
    }

    [Benchmark]
    [ArgumentsSource(nameof(RuleNames))]
    public int Rule_Evaluate(string rule)
    {
        _rules[rule].Evaluate(_reply, _context, _alerts);
        var n = _alerts.Count;
        _alerts.Clear();
        return n;
    }
}
