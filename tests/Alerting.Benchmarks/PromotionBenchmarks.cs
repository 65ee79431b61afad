using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Rules.PromotionAnswers;
using BenchmarkDotNet.Attributes;

namespace Alerting.Benchmarks;

/// <summary>
/// Speed and bytes of <see cref="WrongPromoAnswerRule.Evaluate"/> on generated traffic (buyer and agent
/// messages, the only senders it looks at), each message with its conversation's own state, the
/// store's rule taken from a snapshot built from the generator's promotions. Most messages name no
/// promotion; the split shows what those cost. Messages/s and bytes/message.
/// </summary>
[Config(typeof(BenchConfig))]
public class PromotionBenchmarks
{
    public const int MixCount = 16384;
    public const int NoMentionCount = 8192;
    public const int MentionCount = 1024;

    private static readonly Lazy<PromoCorpus> Corpus = new(PromoCorpus.Build);

    private Item[] _mix = null!, _noMention = null!, _mention = null!, _noMentionPolicy = null!;
    private readonly RuleContext _context = new();
    private readonly List<Alert> _alerts = new(4);

    public static double AverageCharsMix => Corpus.Value.Mix.Average(i => i.Message.Text.Length);
    public static double AverageCharsNoMention => Corpus.Value.NoMention.Average(i => i.Message.Text.Length);
    public static double AverageCharsMention => Corpus.Value.Mention.Average(i => i.Message.Text.Length);

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Corpus.Value;
        _mix = corpus.Mix;
        _noMention = corpus.NoMention;
        _mention = corpus.Mention;
        _noMentionPolicy = corpus.NoMentionWithPolicy;
    }

    [Benchmark(OperationsPerInvoke = MixCount), CharsPerOperation(nameof(AverageCharsMix))]
    public int Evaluate_BuyerAndAgentMix() => Evaluate(_mix);

    [Benchmark(OperationsPerInvoke = NoMentionCount), CharsPerOperation(nameof(AverageCharsNoMention))]
    public int Evaluate_NoPromotionNamed() => Evaluate(_noMention);

    /// <summary>
    /// The same no-mention messages for stores that also configure a store policy (shipping promise,
    /// 包邮, returns, two product prices), which is judged on every agent message that could state one.
    /// </summary>
    [Benchmark(OperationsPerInvoke = NoMentionCount), CharsPerOperation(nameof(AverageCharsNoMention))]
    public int Evaluate_NoPromotionNamed_WithStorePolicy() => Evaluate(_noMentionPolicy);

    [Benchmark(OperationsPerInvoke = MentionCount), CharsPerOperation(nameof(AverageCharsMention))]
    public int Evaluate_PromotionNamed() => Evaluate(_mention);

    private int Evaluate(Item[] items)
    {
        var alerts = 0;
        var setConversation = Traffic.ConversationSetter;
        foreach (var item in items)
        {
            setConversation(_context, item.State);
            item.Rule.Evaluate(item.Message, _context, _alerts);
            alerts += _alerts.Count;
            _alerts.Clear();
        }
        return alerts;
    }

    public sealed record Item(ChatMessage Message, ConversationState State, WrongPromoAnswerRule Rule);

    public sealed class PromoCorpus
    {
        public required Item[] Mix { get; init; }
        public required Item[] NoMention { get; init; }
        public required Item[] NoMentionWithPolicy { get; init; }
        public required Item[] Mention { get; init; }
        public required double MentionShare { get; init; }

        public static PromoCorpus Build()
        {
            var (generator, messages) = Traffic.Generate(40_000);
            var snapshot = Traffic.Snapshot(Traffic.RulesJson(generator.Promotions));
            var names = generator.Promotions.GroupBy(p => p.ShopId)
                .ToDictionary(g => g.Key, g => g.SelectMany(p => p.Aliases.Prepend(p.Name)).ToArray());
            var states = new Dictionary<string, ConversationState>(StringComparer.Ordinal);
            var all = new List<Item>();
            foreach (var sm in messages)
            {
                var m = sm.Message;
                if (m.Event != ChatEventKind.Message || m.Sender is not (SenderKind.Buyer or SenderKind.Agent) || m.Text.Length == 0) continue;
                if (!states.TryGetValue(m.ConversationId, out var state))
                    states[m.ConversationId] = state = new ConversationState { ConversationId = m.ConversationId, ShopId = m.ShopId };
                var rule = snapshot.ForShop(m.ShopId).Rules.OfType<WrongPromoAnswerRule>().Single();
                all.Add(new Item(m, state, rule));
            }
            // "Names a promotion": the store's promotion name or an alias appears as written (the rule
            // also folds 双十一 → 双11 etc.; the generator writes names as configured).
            bool Named(Item i) => names.TryGetValue(i.Message.ShopId, out var n) && n.Any(x => i.Message.Text.Contains(x, StringComparison.Ordinal));
            var noMention = all.Where(i => !Named(i)).ToList();
            var mention = all.Where(Named).ToList();
            if (all.Count < MixCount || noMention.Count < NoMentionCount || mention.Count < MentionCount)
                throw new InvalidOperationException($"corpus too small: {all.Count} messages, {noMention.Count} without a promotion name, {mention.Count} with one");
            var policy = new StorePolicyOptions
            {
                Shipping = new() { WithinHours = 48 },
                FreeShipping = new() { Threshold = 99 },
                Returns = new() { NoReasonDays = 7 },
                Prices = [new() { Product = "保湿面霜", Price = 199 }, new() { Product = "连衣裙", Price = 259 }],
            };
            var withPolicy = new Dictionary<WrongPromoAnswerRule, WrongPromoAnswerRule>();
            WrongPromoAnswerRule PolicyRule(WrongPromoAnswerRule r)
            {
                if (!withPolicy.TryGetValue(r, out var p)) withPolicy[r] = p = new WrongPromoAnswerRule(r.Options, r.Promotions, policy);
                return p;
            }
            return new PromoCorpus
            {
                Mix = [.. all.Take(MixCount)],
                NoMention = [.. noMention.Take(NoMentionCount)],
                NoMentionWithPolicy = [.. noMention.Take(NoMentionCount).Select(i => i with { Rule = PolicyRule(i.Rule) })],
                Mention = [.. mention.Take(MentionCount)],
                MentionShare = (double)mention.Count / all.Count,
            };
        }
    }
}
