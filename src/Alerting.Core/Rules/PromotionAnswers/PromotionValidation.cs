using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Core.Config;

namespace Alerting.Core.Rules.PromotionAnswers;

/// <summary>Config checks of <c>wrong_promo_answer</c>; see <see cref="WrongPromoAnswerRule.Validate"/> for the path scheme.</summary>
internal static class PromotionValidation
{
    private const string Example = "e.g. 2026-11-11T00:00:00+08:00";

    /// <summary>Kinds allowed in <see cref="WrongPromoAnswerOptions.AcceptBetterThanConfigured"/>.</summary>
    public static readonly string[] BetterKinds = ["shipping", "price", "returns"];

    public static IEnumerable<ConfigProblem> Validate(WrongPromoAnswerOptions options, IReadOnlyList<PromotionOptions> promotions, string path, StorePolicyOptions? policy = null)
    {
        var problems = new List<ConfigProblem>();
        var optionsPath = $"{path}:WrongPromoAnswer";
        if (options.AskedPromotionWindow < TimeSpan.Zero || options.AskedPromotionWindow > TimeSpan.FromDays(1))
            problems.Add(new($"{optionsPath}:AskedPromotionWindow", $"must be between 00:00:00 and 1.00:00:00 (0 turns topic tracking off), got {options.AskedPromotionWindow}"));

        for (var i = 0; i < options.AcceptBetterThanConfigured.Count; i++)
        {
            var kind = options.AcceptBetterThanConfigured[i];
            if (!BetterKinds.Contains(kind?.Trim() ?? "", StringComparer.OrdinalIgnoreCase))
                problems.Add(new($"{optionsPath}:AcceptBetterThanConfigured:{i}", $"unknown kind '{kind}': expected one of {string.Join(", ", BetterKinds)}"));
        }
        if (policy is not null) ValidatePolicy(policy, $"{path}:StorePolicy", problems);

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < promotions.Count; i++)
        {
            var p = promotions[i];
            var at = $"{path}:Promotions:{i}";
            if (p is null) { problems.Add(new(at, "empty promotion entry")); continue; }
            if (string.IsNullOrWhiteSpace(p.Id)) problems.Add(new($"{at}:Id", "missing: every promotion needs an Id (reported as evidence.promotion)"));
            else if (ids.TryGetValue(p.Id.Trim(), out var first)) problems.Add(new($"{at}:Id", $"duplicate id '{p.Id.Trim()}', already used by {path}:Promotions:{first}"));
            else ids[p.Id.Trim()] = i;

            ValidateNames(p, at, problems);
            var start = ValidateInstant(p.Start, $"{at}:Start", problems);
            var end = ValidateInstant(p.End, $"{at}:End", problems);
            if (start is { } s && end is { } e && e <= s)
                problems.Add(new($"{at}:End", $"End {p.End} is not after Start {p.Start}; End is the first instant the promotion no longer applies"));
            if (!PromotionTerms.TryFindZone(p.TimeZone, out _))
                problems.Add(new($"{at}:TimeZone", $"unknown time zone '{p.TimeZone}': expected an IANA id such as Asia/Shanghai"));
            if (!Alert.TryParseSeverity(p.Severity, out _))
                problems.Add(new($"{at}:Severity", $"unknown severity '{p.Severity}': expected info, low, medium, high or critical"));
            ValidateTerms(p, at, problems);
        }

        ValidateSharedNames(promotions, path, problems);
        return problems;
    }

    private static void ValidateNames(PromotionOptions p, string at, List<ConfigProblem> problems)
    {
        var hasName = !string.IsNullOrWhiteSpace(p.Name);
        if (!hasName && !p.Aliases.Any(a => !string.IsNullOrWhiteSpace(a)))
            problems.Add(new($"{at}:Name", "missing: a promotion needs a Name or at least one alias, otherwise no message can name it"));
        if (hasName && PromotionTerms.FoldName(p.Name!).Length < 2)
            problems.Add(new($"{at}:Name", $"'{p.Name}' is too short to identify a promotion in chat (need at least 2 characters)"));
        for (var j = 0; j < p.Aliases.Count; j++)
        {
            var alias = p.Aliases[j];
            if (string.IsNullOrWhiteSpace(alias)) problems.Add(new($"{at}:Aliases:{j}", "empty alias"));
            else if (PromotionTerms.FoldName(alias).Length < 2)
                problems.Add(new($"{at}:Aliases:{j}", $"alias '{alias}' is too short to identify a promotion in chat (need at least 2 characters)"));
        }
    }

    private static DateTimeOffset? ValidateInstant(string? text, string at, List<ConfigProblem> problems)
    {
        switch (PromotionTerms.TryParseInstant(text, out var value))
        {
            case PromotionTerms.InstantParse.Ok: return value;
            case PromotionTerms.InstantParse.NoOffset:
                problems.Add(new(at, $"'{text}' has no UTC offset: write an ISO-8601 date-time with offset, {Example}"));
                return null;
            case PromotionTerms.InstantParse.Invalid:
                problems.Add(new(at, $"cannot parse '{text}' as an ISO-8601 date-time with offset, {Example}"));
                return null;
            default:
                return null;
        }
    }

    private static void ValidateTerms(PromotionOptions p, string at, List<ConfigProblem> problems)
    {
        if (p.ThresholdDiscount is { } td)
        {
            var tp = $"{at}:ThresholdDiscount";
            ValidateTier(td.Threshold, td.Amount, tp, problems);
            for (var j = 0; j < td.Tiers.Count; j++)
                ValidateTier(td.Tiers[j].Threshold, td.Tiers[j].Amount, $"{tp}:Tiers:{j}", problems);
            var thresholds = new[] { td.Threshold }.Concat(td.Tiers.Select(t => t.Threshold)).ToList();
            for (var j = 0; j < td.Tiers.Count; j++)
                if (thresholds.IndexOf(td.Tiers[j].Threshold) != j + 1)
                    problems.Add(new($"{tp}:Tiers:{j}:Threshold", $"threshold {Money(td.Tiers[j].Threshold)} appears twice in the ladder"));
            if (td.Cap is { } cap)
            {
                if (!td.PerEvery) problems.Add(new($"{tp}:Cap", "a cap only applies to 每满 discounts: set PerEvery true or remove Cap"));
                else if (cap < td.Amount) problems.Add(new($"{tp}:Cap", $"cap {Money(cap)} is less than one discount of {Money(td.Amount)}"));
            }
            if (td.PerEvery && td.Tiers.Count > 0)
                problems.Add(new($"{tp}:Tiers", "a 每满 discount cannot also have tiers; configure one or the other"));
        }
        if (p.PercentDiscount is { } pd)
        {
            if (pd.Zhe <= 0 || pd.Zhe >= 10)
                problems.Add(new($"{at}:PercentDiscount:Zhe", $"must be a 折 value between 0 and 10 exclusive (8.5 = 8.5折 = 15% off), got {Money(pd.Zhe)}"));
            else if (decimal.Round(pd.Zhe, 2) != pd.Zhe)
                problems.Add(new($"{at}:PercentDiscount:Zhe", $"at most two decimals (8.85), got {pd.Zhe.ToString(CultureInfo.InvariantCulture)}"));
            if (pd.MinItems is { } n && n < 1)
                problems.Add(new($"{at}:PercentDiscount:MinItems", $"must be at least 1, got {n}"));
        }
        if (p.Coupon is { } c)
        {
            if (c.FaceValue <= 0) problems.Add(new($"{at}:Coupon:FaceValue", $"must be greater than 0, got {Money(c.FaceValue)}"));
            if (c.Threshold < 0) problems.Add(new($"{at}:Coupon:Threshold", $"must be 0 (无门槛) or more, got {Money(c.Threshold)}"));
            if (c.HowToGet is { Length: > 100 }) problems.Add(new($"{at}:Coupon:HowToGet", $"at most 100 characters (it is shown in alerts), got {c.HowToGet.Length}"));
            else if (c.Threshold > 0 && c.FaceValue >= c.Threshold)
                problems.Add(new($"{at}:Coupon:FaceValue", $"face value {Money(c.FaceValue)} is not less than the threshold {Money(c.Threshold)}; use Threshold 0 for 无门槛"));
        }
        if (p.Presale is { } ps)
        {
            if (ps.Deposit <= 0) problems.Add(new($"{at}:Presale:Deposit", $"must be greater than 0, got {Money(ps.Deposit)}"));
            if (ps.Offset is { } o && o < ps.Deposit)
                problems.Add(new($"{at}:Presale:Offset", $"offset {Money(o)} is less than the deposit {Money(ps.Deposit)} (定金X抵Y needs Y ≥ X)"));
            var fs = ValidateInstant(ps.FinalPaymentStart, $"{at}:Presale:FinalPaymentStart", problems);
            var fe = ValidateInstant(ps.FinalPaymentEnd, $"{at}:Presale:FinalPaymentEnd", problems);
            if (fs is { } a && fe is { } b && b <= a)
                problems.Add(new($"{at}:Presale:FinalPaymentEnd", $"FinalPaymentEnd {ps.FinalPaymentEnd} is not after FinalPaymentStart {ps.FinalPaymentStart}"));
        }
        if (p.Gift is { } g)
        {
            if (string.IsNullOrWhiteSpace(g.Item)) problems.Add(new($"{at}:Gift:Item", "missing: name the gift"));
            if (g.Threshold < 0) problems.Add(new($"{at}:Gift:Threshold", $"must be 0 (买就送) or more, got {Money(g.Threshold)}"));
        }
        var products = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < p.Prices.Count; j++)
        {
            var pr = p.Prices[j];
            var pp = $"{at}:Prices:{j}";
            if (string.IsNullOrWhiteSpace(pr.Product)) problems.Add(new($"{pp}:Product", "missing: name the product as agents write it"));
            else if (PromotionTerms.FoldName(pr.Product).Length < 2)
                problems.Add(new($"{pp}:Product", $"'{pr.Product}' is too short to find in chat (need at least 2 characters)"));
            else if (products.TryGetValue(PromotionTerms.FoldName(pr.Product), out var k))
                problems.Add(new($"{pp}:Product", $"product '{pr.Product}' already priced at {at}:Prices:{k}"));
            else products[PromotionTerms.FoldName(pr.Product)] = j;
            if (pr.Price <= 0) problems.Add(new($"{pp}:Price", $"must be greater than 0, got {Money(pr.Price)}"));
        }
        if (p.FreeShipping is { } free && free.Threshold < 0)
            problems.Add(new($"{at}:FreeShipping:Threshold", $"must be 0 (every order) or more, got {Money(free.Threshold)}"));
        if (p.Returns is { } rt && (rt.NoReasonDays < 0 || rt.NoReasonDays > 90))
            problems.Add(new($"{at}:Returns:NoReasonDays", $"must be between 0 (not offered) and 90, got {rt.NoReasonDays}"));
        if (p.Shipping is { } sh)
        {
            if (sh.WithinHours is null && string.IsNullOrWhiteSpace(sh.ShipBy))
                problems.Add(new($"{at}:Shipping", "set WithinHours or ShipBy (or remove Shipping)"));
            if (sh.WithinHours is { } h && h <= 0) problems.Add(new($"{at}:Shipping:WithinHours", $"must be greater than 0, got {h}"));
            ValidateInstant(sh.ShipBy, $"{at}:Shipping:ShipBy", problems);
        }
    }

    private static void ValidatePolicy(StorePolicyOptions policy, string at, List<ConfigProblem> problems)
    {
        if (!PromotionTerms.TryFindZone(policy.TimeZone, out _))
            problems.Add(new($"{at}:TimeZone", $"unknown time zone '{policy.TimeZone}': expected an IANA id such as Asia/Shanghai"));
        if (!Alert.TryParseSeverity(policy.Severity, out _))
            problems.Add(new($"{at}:Severity", $"unknown severity '{policy.Severity}': expected info, low, medium, high or critical"));
        // The shared checks (prices, shipping, 包邮, returns) read the same fields of a promotion.
        ValidateTerms(new PromotionOptions { Shipping = policy.Shipping, Prices = policy.Prices, FreeShipping = policy.FreeShipping, Returns = policy.Returns }, at, problems);
    }

    private static void ValidateTier(decimal threshold, decimal amount, string at, List<ConfigProblem> problems)
    {
        if (threshold <= 0) problems.Add(new($"{at}:Threshold", $"must be greater than 0, got {Money(threshold)}"));
        if (amount <= 0) problems.Add(new($"{at}:Amount", $"must be greater than 0, got {Money(amount)}"));
        else if (threshold > 0 && amount >= threshold)
            problems.Add(new($"{at}:Amount", $"amount {Money(amount)} is not less than the threshold {Money(threshold)} (满{Money(threshold)}减{Money(amount)} would be free or better)"));
    }

    /// <summary>Two promotions live at the same time under the same name/alias make a mention ambiguous.</summary>
    private static void ValidateSharedNames(IReadOnlyList<PromotionOptions> promotions, string path, List<ConfigProblem> problems)
    {
        var compiled = promotions.Select(p => p is null ? null : new PromotionTerms(p)).ToArray();
        for (var i = 0; i < promotions.Count; i++)
        {
            if (promotions[i] is not { } p || compiled[i] is not { } ci) continue;
            var names = new[] { p.Name }.Concat(p.Aliases).ToList();
            for (var j = 0; j < i; j++)
            {
                if (compiled[j] is not { } cj || !ci.Overlaps(cj)) continue;
                var shared = ci.NameKeys.Intersect(cj.NameKeys, StringComparer.Ordinal).ToList();
                foreach (var key in shared)
                {
                    var index = names.FindIndex(n => !string.IsNullOrWhiteSpace(n) && PromotionTerms.FoldName(n) == key);
                    var field = index <= 0 ? (index == 0 && !string.IsNullOrWhiteSpace(p.Name) ? "Name" : "Aliases") : $"Aliases:{index - 1}";
                    problems.Add(new($"{path}:Promotions:{i}:{field}",
                        $"name '{names[Math.Max(index, 0)]}' is also used by promotion '{promotions[j].Id}' ({path}:Promotions:{j}) and their time windows overlap, so a message naming it cannot be attributed"));
                }
            }
        }
    }

    private static string Money(decimal v) => PromotionTerms.Money(v);
}
