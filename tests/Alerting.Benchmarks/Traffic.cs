using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Simulation;
using Microsoft.Extensions.Configuration;

namespace Alerting.Benchmarks;

/// <summary>
/// Generated Double 11 traffic (Alerting.Simulation, default fault rates unless told otherwise) and
/// the rules config that matches it. Deterministic: the same seed gives the same corpus in the
/// BenchmarkDotNet host and in every benchmark process.
/// </summary>
public static class Traffic
{
    public const int Seed = 20261111;

    /// <summary>Generates <paramref name="messages"/> records of default-mix traffic (or clean traffic: every fault rate 0).</summary>
    public static (ChatTrafficGenerator Generator, List<SimulatedMessage> Messages) Generate(int messages, bool clean = false, int seed = Seed)
    {
        var options = new SimulationOptions { Seed = seed, Conversations = null, MessageCount = messages };
        if (clean)
        {
            options.RudeReplyRate = 0;
            options.WrongPromoRate = 0;
            options.SlowReplyRate = 0;
            options.UnansweredRate = 0;
        }
        var generator = new ChatTrafficGenerator(options);
        return (generator, generator.Generate().ToList());
    }

    /// <summary>The generator's promotions as a rules config, the shape of <c>DemoVerb.DemoRulesJson</c> (everything else default).</summary>
    public static string RulesJson(IEnumerable<SimulatedPromotion> promotions, bool rude = true, bool promo = true, bool claims = true, bool slow = true, bool unanswered = true,
        bool personalData = true, bool offPlatform = true, bool complaintRisk = true, bool reviewInvitation = true, bool repeatedReply = true, bool responseWarning = true)
    {
        var stores = new Dictionary<string, object>();
        foreach (var group in promotions.GroupBy(p => p.ShopId))
        {
            stores[group.Key] = new
            {
                Promotions = group.Select(p => new
                {
                    p.Id,
                    p.Name,
                    p.Aliases,
                    Start = p.Start.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
                    End = p.End.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
                    ThresholdDiscount = new { p.Threshold, p.Amount },
                }).ToArray(),
            };
        }
        return JsonSerializer.Serialize(new
        {
            Rules = new
            {
                RudeLanguage = new { Enabled = rude },
                WrongPromoAnswer = new { Enabled = promo },
                ForbiddenClaim = new { Enabled = claims },
                SlowResponse = new { Enabled = slow },
                UnansweredBuyer = new { Enabled = unanswered },
                PersonalDataExposure = new { Enabled = personalData },
                OffPlatformContact = new { Enabled = offPlatform },
                BuyerComplaintRisk = new { Enabled = complaintRisk },
                ForbiddenReviewInvitation = new { Enabled = reviewInvitation },
                RepeatedReply = new { Enabled = repeatedReply },
                // Off by default in the worker; on here so "All" is every per-message rule.
                ResponseWarning = new { Enabled = responseWarning },
                Stores = stores,
            },
        });
    }

    /// <summary>Builds a snapshot through the public config path (throws with every problem if the config is refused).</summary>
    public static RulesSnapshot Snapshot(string rulesJson)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(rulesJson));
        var root = new ConfigurationBuilder().AddJsonStream(stream).Build();
        var result = RulesSnapshotBuilder.Build(root);
        return result.Snapshot ?? throw new InvalidOperationException("rules config refused: " + string.Join("; ", result.Problems));
    }

    /// <summary>
    /// <see cref="RuleContext.Conversation"/> has an internal setter (the pipeline owns the context). A
    /// rule benchmarked alone still needs one state per conversation, so the setter is bound once,
    /// as a delegate, in setup; calling it costs a plain indirect call.
    /// </summary>
    public static Action<RuleContext, ConversationState> ConversationSetter { get; } =
        typeof(RuleContext).GetProperty(nameof(RuleContext.Conversation), BindingFlags.Public | BindingFlags.Instance)!
            .GetSetMethod(nonPublic: true)!
            .CreateDelegate<Action<RuleContext, ConversationState>>();

    /// <summary>Agent replies (sender agent, event message) of generated default-mix traffic: the rude-language corpus.</summary>
    public static string[] AgentTexts(int messages)
        => [.. Generate(messages).Messages
            .Where(m => m.Message.Sender == SenderKind.Agent && m.Message.Event == ChatEventKind.Message && m.Message.Text.Length > 0)
            .Select(m => m.Message.Text)];
}
