using Alerting.Core.Rules.PromotionAnswers;
using Xunit.Abstractions;
using static Alerting.Core.Tests.PromotionAnswers.PromoTestKit;

namespace Alerting.Core.Tests.PromotionAnswers;

/// <summary>
/// False alarms of <c>wrong_promo_answer</c> on clean text: every CrossWOZ validation utterance
/// (thu-coai/CrossWOZ, Apache 2.0; see tests/Alerting.Core.Tests/Data/README.md) is replayed as an agent reply one
/// minute after the buyer asked about a promotion that configures every term kind (so the reply is
/// checked even though it names nothing). Travel dialogue states no promotion terms, so every alert is a
/// false alarm; each one is printed for review.
/// </summary>
/// <remarks>
/// The corpus has no 送/赠/尾款 at all, so it shows that the gift and final-payment comparisons add
/// nothing on unrelated text by construction (they need those words); the table tests in
/// <see cref="GiftTermTests"/> and <see cref="FinalPaymentTermTests"/> carry the near misses.
/// </remarks>
public sealed class PromotionCrossWozFalseAlarmTests(ITestOutputHelper output)
{
    private static readonly WrongPromoAnswerRule EveryTerm = Rule(Promo(configure: p =>
    {
        p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 };
        p.PercentDiscount = new() { Zhe = 8.5m };
        p.Coupon = new() { FaceValue = 20, Threshold = 199 };
        p.Presale = new() { Deposit = 50, Offset = 100, FinalPaymentStart = "2026-11-10T20:00:00+08:00", FinalPaymentEnd = "2026-11-11T23:59:59+08:00" };
        p.Gift = new() { Item = "保温杯", Threshold = 199 };
        p.Prices = [new() { Product = "保湿面霜", Price = 199 }];
        p.Shipping = new() { WithinHours = 48 };
    }));

    [Fact]
    public void Evaluate_OnCrossWozUtterancesAsOnTopicAgentReplies_NoGiftOrFinalPaymentFalseAlarms()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "crosswoz-val-utterances.tsv");
        Assert.True(File.Exists(path), $"CrossWOZ data not found at {path}");

        var lines = File.ReadAllLines(path);
        int messages = 0, hits = 0, newKinds = 0;
        for (var i = 1; i < lines.Length; i++) // line 0 is the header "role<TAB>text"
        {
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) continue;
            messages++;
            var alerts = Run(EveryTerm, Buyer("双11有什么活动"), Agent(lines[i][(tab + 1)..], During.AddMinutes(1), $"crosswoz-{i}"));
            if (alerts.Count == 0) continue;
            hits++;
            var kind = Kind(alerts[0]);
            if (kind == "gift" || alerts[0].Summary.StartsWith("尾款", StringComparison.Ordinal)) newKinds++;
            output.WriteLine($"line {i + 1}: {kind} {alerts[0].Summary}");
        }
        var per10k = hits * 10_000.0 / messages;
        output.WriteLine($"{hits} false alarms ({newKinds} gift/final payment) in {messages} utterances = {per10k:F2} per 10,000");
        Assert.True(messages > 8000, $"expected the full file, read {messages} utterances");
        Assert.Equal(0, newKinds);
        Assert.True(per10k < 1.0, $"{hits} false alarms in {messages} utterances = {per10k:F2} per 10,000 (limit < 1)");
    }

    /// <summary>
    /// The store policy is judged on every agent message, named promotion or not, so it gets the harsher
    /// test: every utterance as an agent reply with no promotion asked, for a store whose policy sets every
    /// store-wide kind (shipping, prices, 包邮, returns) and whose live promotion carries a shipping promise.
    /// </summary>
    [Fact]
    public void Evaluate_OnCrossWozUtterancesWithStorePolicy_NoFalseAlarms()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "crosswoz-val-utterances.tsv");
        Assert.True(File.Exists(path), $"CrossWOZ data not found at {path}");
        var policy = new StorePolicyOptions
        {
            Shipping = new() { WithinHours = 48 },
            Prices = [new() { Product = "保湿面霜", Price = 199 }, new() { Product = "套装", Price = 150 }],
            FreeShipping = new() { Threshold = 99 },
            Returns = new() { NoReasonDays = 7 },
        };
        var rule = new WrongPromoAnswerRule(new WrongPromoAnswerOptions(), [Promo(configure: p => p.Shipping = new() { WithinHours = 72 })], policy);
        var lines = File.ReadAllLines(path);
        int messages = 0, hits = 0;
        for (var i = 1; i < lines.Length; i++)
        {
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) continue;
            messages++;
            var alerts = Run(rule, Agent(lines[i][(tab + 1)..], During, $"crosswoz-{i}"));
            if (alerts.Count == 0) continue;
            hits++;
            output.WriteLine($"line {i + 1}: {Kind(alerts[0])} {alerts[0].Summary} — {lines[i][(tab + 1)..]}");
        }
        output.WriteLine($"{hits} false alarms in {messages} utterances with a store policy");
        Assert.True(messages > 8000, $"expected the full file, read {messages} utterances");
        Assert.Equal(0, hits);
    }
}
