using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Rules.SlowResponse;
using Alerting.Core.Rules.UnansweredBuyer;

namespace Alerting.Core.Config;

/// <summary>
/// One immutable, validated version of the rule config: every rule built (lexicon automata,
/// promotion tables) for the global defaults and for each store with overrides. A reload builds a
/// new snapshot off the hot path and swaps it whole, so a rule never sees half a reload.
/// </summary>
public sealed class RulesSnapshot
{
    private readonly IReadOnlyDictionary<string, StoreRules> _stores;

    internal RulesSnapshot(string version, EventTimeOptions eventTime, StoreRules defaults, IReadOnlyDictionary<string, StoreRules> stores)
    {
        Version = version;
        EventTime = eventTime;
        Defaults = defaults;
        _stores = stores;
        AllowedDisorder = TimeSpan.FromSeconds(eventTime.AllowedDisorderSeconds);
        EvictIdleAfter = TimeSpan.FromMinutes(eventTime.EvictIdleAfterMinutes);
    }

    /// <summary>Content hash of the config that produced this snapshot (stable across processes).</summary>
    public string Version { get; }

    public EventTimeOptions EventTime { get; }

    public TimeSpan AllowedDisorder { get; }

    public TimeSpan EvictIdleAfter { get; }

    /// <summary>Rules for stores without overrides.</summary>
    public StoreRules Defaults { get; }

    /// <summary>Stores that have a section under <c>Rules:Stores</c>.</summary>
    public IEnumerable<string> ConfiguredStores => _stores.Keys;

    public StoreRules ForShop(string shopId) => _stores.TryGetValue(shopId, out var rules) ? rules : Defaults;

    /// <summary>The built-in defaults alone (no config files).</summary>
    public static RulesSnapshot BuiltInDefaults()
        => RulesSnapshotBuilder.Build(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).Snapshot!;
}

/// <summary>The rules in force for one store.</summary>
public sealed class StoreRules
{
    internal StoreRules(string? shopId, ConversationOptions conversation, SlowResponseRule slowResponse, UnansweredBuyerRule unansweredBuyer, IReadOnlyList<IChatRule> rules,
        Rules.BatchWrongPromoAnswer.BatchWrongPromoAnswerOptions batchWrongPromoAnswer, Rules.AgentResponseRate.AgentResponseRateOptions agentResponseRate)
    {
        AgentResponseRate = agentResponseRate;
        BatchWrongPromoAnswer = batchWrongPromoAnswer;
        ShopId = shopId;
        Conversation = conversation;
        SlowResponse = slowResponse;
        UnansweredBuyer = unansweredBuyer;
        Rules = rules;
    }

    /// <summary>The store, or null for the defaults.</summary>
    public string? ShopId { get; }

    public ConversationOptions Conversation { get; }

    public SlowResponseRule SlowResponse { get; }

    public UnansweredBuyerRule UnansweredBuyer { get; }

    /// <summary>Options of <c>batch_wrong_promo_answer</c> (evaluated across conversations, outside the partition pipeline).</summary>
    public Rules.BatchWrongPromoAnswer.BatchWrongPromoAnswerOptions BatchWrongPromoAnswer { get; }

    /// <summary>Options of <c>agent_response_rate_low</c> (facts from the pipeline, evaluated across partitions; off by default).</summary>
    public Rules.AgentResponseRate.AgentResponseRateOptions AgentResponseRate { get; }

    /// <summary>Whether the store is within business hours at <paramref name="at"/>.</summary>
    public bool IsOpen(DateTimeOffset at) => Conversation.Hours.IsOpen(at);

    /// <summary>Every enabled rule, evaluated in this order on each record.</summary>
    public IReadOnlyList<IChatRule> Rules { get; }
}

/// <summary>Gives the snapshot in force; implementations swap it atomically on reload.</summary>
public interface IRulesSource
{
    RulesSnapshot Current { get; }
}

/// <summary>A source that never changes (replay, tests).</summary>
public sealed class FixedRulesSource(RulesSnapshot snapshot) : IRulesSource
{
    public RulesSnapshot Current { get; } = snapshot;
}
