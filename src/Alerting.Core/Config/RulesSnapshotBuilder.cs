using System.Security.Cryptography;
using System.Text;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Rules.ForbiddenClaims;
using Alerting.Core.Rules.PromotionAnswers;
using Alerting.Core.Rules.RudeLanguage;
using Alerting.Core.Rules.SlowResponse;
using Alerting.Core.Rules.UnansweredBuyer;
using Microsoft.Extensions.Configuration;

namespace Alerting.Core.Config;

/// <summary>Outcome of building a snapshot: the snapshot, or every problem found.</summary>
public sealed record SnapshotBuildResult(RulesSnapshot? Snapshot, IReadOnlyList<ConfigProblem> Problems);

/// <summary>
/// Binds the <c>Rules</c> section into a <see cref="RulesSnapshot"/>, validating everything and
/// collecting all problems rather than stopping at the first.
/// </summary>
/// <remarks>
/// Per-store overrides (<c>Rules:Stores:&lt;shopId&gt;:…</c>) are laid over the global rule sections
/// key by key, so a store can change any single value. Lists are keyed by index in .NET config, so
/// stores extend lists through the rules' <c>Add…</c>/<c>Remove…</c> fields instead of re-listing them.
/// </remarks>
public static class RulesSnapshotBuilder
{
    public const string SectionName = "Rules";

    private static readonly string[] RuleSections = ["Conversation", "RudeLanguage", "WrongPromoAnswer", "ForbiddenClaim", "SlowResponse", "UnansweredBuyer", "BatchWrongPromoAnswer", "AgentResponseRate",
        "PersonalDataExposure", "OffPlatformContact", "BuyerComplaintRisk", "ForbiddenReviewInvitation", "RepeatedReply",
        "ResponseWarning"];
    private static readonly HashSet<string> KnownTopLevel = new(RuleSections.Concat(["EventTime", "Stores"]), StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, Type> SectionTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Conversation"] = typeof(ConversationOptions),
        ["RudeLanguage"] = typeof(RudeLanguageOptions),
        ["WrongPromoAnswer"] = typeof(WrongPromoAnswerOptions),
        ["ForbiddenClaim"] = typeof(ForbiddenClaimOptions),
        ["SlowResponse"] = typeof(SlowResponseOptions),
        ["UnansweredBuyer"] = typeof(UnansweredBuyerOptions),
        ["BatchWrongPromoAnswer"] = typeof(Rules.BatchWrongPromoAnswer.BatchWrongPromoAnswerOptions),
        ["AgentResponseRate"] = typeof(Rules.AgentResponseRate.AgentResponseRateOptions),
        ["PersonalDataExposure"] = typeof(Rules.PersonalDataExposure.PersonalDataExposureOptions),
        ["OffPlatformContact"] = typeof(Rules.OffPlatformContact.OffPlatformContactOptions),
        ["BuyerComplaintRisk"] = typeof(Rules.BuyerComplaintRisk.BuyerComplaintRiskOptions),
        ["ForbiddenReviewInvitation"] = typeof(Rules.ForbiddenReviewInvitation.ForbiddenReviewInvitationOptions),
        ["RepeatedReply"] = typeof(Rules.RepeatedReply.RepeatedReplyOptions),
        ["ResponseWarning"] = typeof(Rules.ResponseWarning.ResponseWarningOptions),
    };

    private static readonly HashSet<string> KnownStoreLevel = new(RuleSections.Concat(["Promotions", "StorePolicy"]), StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds from a configuration root that holds a <c>Rules</c> section (missing means all defaults).</summary>
    public static SnapshotBuildResult Build(IConfiguration root)
    {
        var problems = new List<ConfigProblem>();
        var rules = root.GetSection(SectionName);

        foreach (var child in rules.GetChildren())
            if (!KnownTopLevel.Contains(child.Key))
                problems.Add(new ConfigProblem(child.Path, $"unknown section '{child.Key}': expected one of {string.Join(", ", KnownTopLevel.Order(StringComparer.Ordinal))}"));

        var eventTime = ConfigShape.Bind<EventTimeOptions>(rules.GetSection("EventTime"), problems);
        if (eventTime is not null) problems.AddRange(eventTime.Validate($"{SectionName}:EventTime"));

        // Global rule sections as flat key/values, the base every store overlays.
        var globalFlat = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        // Unknown keys and unconvertible values are reported once, where they are set, and left out of
        // the flat values, so binding never stops at them and the remaining values are still validated.
        var globalShape = RuleSections.SelectMany(section => ConfigShape.Check(rules.GetSection(section), SectionTypes[section])).ToList();
        problems.AddRange(globalShape);
        foreach (var section in RuleSections)
            Flatten(rules.GetSection(section), section, globalFlat);
        ConfigShape.Without(globalFlat, SectionName + ":", globalShape);

        var defaults = BuildStore(null, null, globalFlat, [], SectionName, problems);
        var stores = new Dictionary<string, StoreRules>(StringComparer.Ordinal);
        foreach (var store in rules.GetSection("Stores").GetChildren())
        {
            var storePath = store.Path;
            foreach (var child in store.GetChildren())
                if (!KnownStoreLevel.Contains(child.Key))
                    problems.Add(new ConfigProblem(child.Path, $"unknown section '{child.Key}': expected one of {string.Join(", ", KnownStoreLevel.Order(StringComparer.Ordinal))}"));

            var storeShape = RuleSections.SelectMany(section => ConfigShape.Check(store.GetSection(section), SectionTypes[section])).ToList();
            problems.AddRange(storeShape);
            var merged = new Dictionary<string, string?>(globalFlat, StringComparer.OrdinalIgnoreCase);
            foreach (var section in RuleSections)
                Flatten(store.GetSection(section), section, merged);
            ConfigShape.Without(merged, storePath + ":", storeShape);
            var promotions = ConfigShape.Bind<List<PromotionOptions>>(store.GetSection("Promotions"), problems) ?? [];
            var policy = store.GetSection("StorePolicy").Exists() ? ConfigShape.Bind<StorePolicyOptions>(store.GetSection("StorePolicy"), problems) : null;
            var built = BuildStore(store.Key, store, merged, promotions, storePath, problems, policy);
            if (built is not null) stores[store.Key] = built;
        }

        if (problems.Count > 0 || defaults is null || eventTime is null) return new SnapshotBuildResult(null, problems);
        return new SnapshotBuildResult(new RulesSnapshot(VersionOf(rules), eventTime, defaults, stores), problems);
    }

    private static bool SetByStore(IConfigurationSection store, string problemPath)
    {
        if (!problemPath.StartsWith(store.Path + ":", StringComparison.OrdinalIgnoreCase)) return false;
        var relative = problemPath[(store.Path.Length + 1)..];
        return store.GetSection(relative).Exists();
    }

    private static StoreRules? BuildStore(string? shopId, IConfigurationSection? storeSection, Dictionary<string, string?> flat, IReadOnlyList<PromotionOptions> promotions, string path, List<ConfigProblem> problems, StorePolicyOptions? policy = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(flat).Build();
        var before = problems.Count;
        var conversation = BindAt<ConversationOptions>(config, "Conversation", path, problems);
        var rude = BindAt<RudeLanguageOptions>(config, "RudeLanguage", path, problems);
        var promo = BindAt<WrongPromoAnswerOptions>(config, "WrongPromoAnswer", path, problems);
        var claims = BindAt<ForbiddenClaimOptions>(config, "ForbiddenClaim", path, problems);
        var batch = BindAt<Rules.BatchWrongPromoAnswer.BatchWrongPromoAnswerOptions>(config, "BatchWrongPromoAnswer", path, problems);
        var agentRate = BindAt<Rules.AgentResponseRate.AgentResponseRateOptions>(config, "AgentResponseRate", path, problems);
        var slow = BindAt<SlowResponseOptions>(config, "SlowResponse", path, problems);
        var unanswered = BindAt<UnansweredBuyerOptions>(config, "UnansweredBuyer", path, problems);
        var personalData = BindAt<Rules.PersonalDataExposure.PersonalDataExposureOptions>(config, "PersonalDataExposure", path, problems);
        var offPlatform = BindAt<Rules.OffPlatformContact.OffPlatformContactOptions>(config, "OffPlatformContact", path, problems);
        var complaintRisk = BindAt<Rules.BuyerComplaintRisk.BuyerComplaintRiskOptions>(config, "BuyerComplaintRisk", path, problems);
        var reviewInvitation = BindAt<Rules.ForbiddenReviewInvitation.ForbiddenReviewInvitationOptions>(config, "ForbiddenReviewInvitation", path, problems);
        var repeatedReply = BindAt<Rules.RepeatedReply.RepeatedReplyOptions>(config, "RepeatedReply", path, problems);
        var warning = BindAt<Rules.ResponseWarning.ResponseWarningOptions>(config, "ResponseWarning", path, problems);
        if (problems.Count > before || warning is null || repeatedReply is null || personalData is null || offPlatform is null || complaintRisk is null || reviewInvitation is null || conversation is null || rude is null || promo is null || claims is null || batch is null || agentRate is null || slow is null || unanswered is null)
            return null;

        // Values that came from the global sections are reported under the global path once (by the
        // defaults), not again for every store.
        var scope = shopId is null ? SectionName : path;
        var found = new List<ConfigProblem>();
        found.AddRange(conversation.Validate($"{scope}:Conversation"));
        found.AddRange(RudeLanguageRule.Validate(rude, $"{scope}:RudeLanguage"));
        found.AddRange(WrongPromoAnswerRule.Validate(promo, promotions, scope, policy));
        found.AddRange(ForbiddenClaimRule.Validate(claims, $"{scope}:ForbiddenClaim"));
        found.AddRange(batch.Validate($"{scope}:BatchWrongPromoAnswer"));
        found.AddRange(agentRate.Validate($"{scope}:AgentResponseRate"));
        // A wait is known to be unanswered only once its deadline fired: judging earlier would depend on
        // which partition happens to be ahead (see the rule README, "Measures").
        if (agentRate.Enabled && unanswered.Enabled && agentRate.SettleSeconds < unanswered.ThresholdSeconds)
            found.Add(new ConfigProblem($"{scope}:AgentResponseRate:SettleSeconds",
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"must be at least UnansweredBuyer:ThresholdSeconds ({unanswered.ThresholdSeconds:0.#}) while agent_response_rate_low is enabled, was {agentRate.SettleSeconds:0.#}")));
        found.AddRange(slow.Validate($"{scope}:SlowResponse"));
        found.AddRange(unanswered.Validate($"{scope}:UnansweredBuyer"));
        found.AddRange(Rules.PersonalDataExposure.PersonalDataExposureRule.Validate(personalData, $"{scope}:PersonalDataExposure"));
        found.AddRange(Rules.OffPlatformContact.OffPlatformContactRule.Validate(offPlatform, $"{scope}:OffPlatformContact"));
        found.AddRange(Rules.BuyerComplaintRisk.BuyerComplaintRiskRule.Validate(complaintRisk, $"{scope}:BuyerComplaintRisk"));
        found.AddRange(Rules.ForbiddenReviewInvitation.ForbiddenReviewInvitationRule.Validate(reviewInvitation, $"{scope}:ForbiddenReviewInvitation"));
        found.AddRange(Rules.RepeatedReply.RepeatedReplyRule.Validate(repeatedReply, $"{scope}:RepeatedReply"));
        found.AddRange(warning.Validate($"{scope}:ResponseWarning"));
        if (found.Count > 0)
        {
            // A store inherits the global values; a bad global value is reported once, by the
            // defaults, and a store reports only what its own section sets.
            if (storeSection is null) problems.AddRange(found);
            else problems.AddRange(found.Where(p => SetByStore(storeSection, p.Path)).DefaultIfEmpty(new ConfigProblem(path, "inherits an invalid global rule setting (see the Rules problems)")));
            return null;
        }

        try
        {
            var slowRule = new SlowResponseRule(slow);
            var unansweredRule = new UnansweredBuyerRule(unanswered);
            var list = new List<IChatRule>();
            if (rude.Enabled) list.Add(SharedRuleInstances.Get(rude, o => new RudeLanguageRule(o)));
            if (promo.Enabled) list.Add(new WrongPromoAnswerRule(promo, promotions, policy));
            if (claims.Enabled) list.Add(SharedRuleInstances.Get(claims, o => new ForbiddenClaimRule(o)));
            if (slow.Enabled) list.Add(slowRule);
            if (unanswered.Enabled) list.Add(unansweredRule);
            if (offPlatform.Enabled) list.Add(SharedRuleInstances.Get(offPlatform, o => new Rules.OffPlatformContact.OffPlatformContactRule(o)));
            if (complaintRisk.Enabled) list.Add(SharedRuleInstances.Get(complaintRisk, o => new Rules.BuyerComplaintRisk.BuyerComplaintRiskRule(o)));
            // After buyer_complaint_risk: an invitation is judged with the signals of the same record applied.
            if (reviewInvitation.Enabled) list.Add(SharedRuleInstances.Get(reviewInvitation, o => new Rules.ForbiddenReviewInvitation.ForbiddenReviewInvitationRule(o)));
            if (repeatedReply.Enabled) list.Add(new Rules.RepeatedReply.RepeatedReplyRule(repeatedReply));
            if (warning.Enabled) list.Add(new Rules.ResponseWarning.ResponseWarningRule(warning, slow));
            // Last: it masks its numbers in the evidence of the alerts the rules above raised on the same message.
            if (personalData.Enabled) list.Add(new Rules.PersonalDataExposure.PersonalDataExposureRule(personalData));
            return new StoreRules(shopId, conversation, slowRule, unansweredRule, list, batch, agentRate);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            problems.Add(new ConfigProblem(scope, $"rules could not be built: {ex.Message}"));
            return null;
        }
    }

    private static T? BindAt<T>(IConfiguration merged, string section, string path, List<ConfigProblem> problems) where T : class, new()
    {
        try
        {
            return merged.GetSection(section).Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            problems.Add(new ConfigProblem($"{path}:{section}", Describe(ex)));
            return null;
        }
    }

    private static string Describe(InvalidOperationException ex)
        => ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;

    private static void Flatten(IConfigurationSection section, string prefix, Dictionary<string, string?> into)
    {
        foreach (var child in section.GetChildren())
        {
            var key = $"{prefix}:{child.Key}";
            if (child.Value is not null) into[key] = child.Value;
            Flatten(child, key, into);
        }
    }

    private static string VersionOf(IConfigurationSection rules)
    {
        var flat = new Dictionary<string, string?>(StringComparer.Ordinal);
        Flatten(rules, "", flat);
        var sb = new StringBuilder();
        foreach (var (k, v) in flat.OrderBy(p => p.Key, StringComparer.Ordinal)) sb.Append(k).Append('=').Append(v).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..12];
    }
}
