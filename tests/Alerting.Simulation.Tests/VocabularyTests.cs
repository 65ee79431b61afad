using System.Text.RegularExpressions;
using Alerting.Core.Messages;

namespace Alerting.Simulation.Tests;

public partial class VocabularyTests
{
    /// <summary>Rude or prohibited phrases no clean line may contain (the injected ones plus common relatives).</summary>
    private static readonly string[] Forbidden =
    [
        .. Vocabulary.RudePhrases, "傻", "逼", "ｓｂ", "不知道", "煞笔", "尼玛", "特么", "滚", "你🐴", "垃圾", "神经病", "闭嘴", "爱买不买",
        "最低价", "全网第一", "100%有效", "自己看", "自己查", "真烦", "很烦",
    ];

    [GeneratedRegex(@"满(\d+)减(\d+)")]
    private static partial Regex PromoTerms();

    [GeneratedRegex(@"(?<![A-Za-z])(sb|SB|tmd|TMD|nmsl|NMSL|cnm)(?![A-Za-z])")]
    private static partial Regex LatinInsults();

    [Fact]
    public void AgentTexts_AreVaried()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 51, Conversations = null, MessageCount = 5_000 });
        var agentTexts = run.AgentMessages.Select(m => m.Message.Text).Distinct().Count();
        var buyerTexts = run.Messages.Where(m => m.Message.Sender == SenderKind.Buyer).Select(m => m.Message.Text).Distinct().Count();
        Assert.True(agentTexts >= 500, $"only {agentTexts} distinct agent texts in 5,000 messages");
        Assert.True(buyerTexts >= 500, $"only {buyerTexts} distinct buyer texts in 5,000 messages");
        var stores = run.Messages.Select(m => m.Message.ShopId).Distinct().ToList();
        Assert.Contains(stores, s => s.Contains("beauty", StringComparison.Ordinal));
        Assert.Contains(stores, s => s.Contains("apparel", StringComparison.Ordinal));
        Assert.Contains(stores, s => s.Contains("home", StringComparison.Ordinal));
    }

    [Fact]
    public void CleanTexts_ContainNoRudePhrase()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 52, Conversations = 10_000 });
        var clean = run.Messages.Where(m => !m.Fault.HasFlag(SimulatedFault.RudeLanguage)).Select(m => m.Message.Text).Distinct().ToList();
        foreach (var text in clean)
        {
            foreach (var bad in Forbidden) Assert.False(text.Contains(bad, StringComparison.Ordinal), $"clean text '{text}' contains '{bad}'");
            Assert.DoesNotMatch(LatinInsults(), text);
        }
        foreach (var template in Vocabulary.CleanAgentTemplates())
            foreach (var bad in Forbidden) Assert.False(template.Contains(bad, StringComparison.Ordinal), $"template '{template}' contains '{bad}'");
        // Innocent words that naive filters trip on are there on purpose.
        Assert.Contains(clean, t => t.Contains("操作", StringComparison.Ordinal));
        Assert.Contains(clean, t => t.Contains("手机", StringComparison.Ordinal));
        Assert.Contains(run.AgentMessages, m => m.Fault == SimulatedFault.None && m.Message.Text.Contains("操作", StringComparison.Ordinal));
    }

    [Fact]
    public void RudeTexts_CarryTheirPhraseAsAWholeToken()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 53, Conversations = 5_000, RudeReplyRate = 0.2 });
        var byId = run.ById();
        var phrases = run.Expected.Where(a => a.Rule == ExpectedAlert.RudeLanguage).Select(a => a.Evidence["phrase"]).Distinct().ToList();
        Assert.Equal(Vocabulary.RudePhrases.Order(StringComparer.Ordinal), phrases.Order(StringComparer.Ordinal));
        foreach (var a in run.Expected.Where(a => a.Rule == ExpectedAlert.RudeLanguage && a.Evidence["phrase"] == "ｓｂ"))
            Assert.Matches(new Regex("(?<![Ａ-Ｚａ-ｚA-Za-z])ｓｂ(?![Ａ-Ｚａ-ｚA-Za-z])"), byId[a.MessageIds[0]].Message.Text);
    }

    [Fact]
    public void PromotionStatements_InCleanReplies_MatchTheNamedPromotionExactly()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 54, Conversations = 10_000 });
        var promos = run.Generator.Promotions.ToLookup(p => p.ShopId);
        var cleanStatements = 0;
        foreach (var m in run.Messages.Where(m => m.Message.Sender is SenderKind.Agent or SenderKind.Bot))
        {
            var match = PromoTerms().Match(m.Message.Text);
            if (!match.Success) continue;
            Assert.Single(PromoTerms().Matches(m.Message.Text));
            var named = promos[m.Message.ShopId].Where(p => p.Aliases.Append(p.Name).Any(n => m.Message.Text.Contains(n, StringComparison.Ordinal))).ToList();
            Assert.Single(named);
            if (m.Fault.HasFlag(SimulatedFault.WrongPromoAnswer))
            {
                Assert.NotEqual(named[0].Terms, match.Value);
                Assert.DoesNotContain(promos[m.Message.ShopId], p => p.Terms == match.Value);
            }
            else
            {
                Assert.Equal(named[0].Terms, match.Value);
                cleanStatements++;
            }
        }
        Assert.True(cleanStatements > 100, $"only {cleanStatements} clean promotion statements");
    }

    [Fact]
    public void Promotions_AreOneOrTwoPerStore_WithBeijingTimesCoveringTheRun()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 55, Stores = 20, Conversations = 2_000 });
        Assert.Equal(20, run.Generator.Stores.Count);
        Assert.Equal(20, run.Generator.Stores.Select(s => s.ShopId).Distinct().Count());
        foreach (var store in run.Generator.Stores)
        {
            Assert.InRange(store.Promotions.Count, 1, 2);
            Assert.Equal(store.Promotions.Count, store.Promotions.Select(p => p.Id).Distinct().Count());
            Assert.Equal(store.Promotions.Count, store.Promotions.Select(p => p.Threshold).Distinct().Count());
            // Names of different promotions of one store never contain each other (a mention is unambiguous).
            var names = store.Promotions.SelectMany(p => p.Aliases.Append(p.Name).Select(n => (p.Id, Name: n))).ToList();
            foreach (var a in names)
                Assert.DoesNotContain(names, b => a.Id != b.Id && b.Name.Contains(a.Name, StringComparison.Ordinal));
            foreach (var p in store.Promotions)
            {
                Assert.Equal(store.ShopId, p.ShopId);
                Assert.True(p.Amount > 0 && p.Amount < p.Threshold);
                Assert.Equal($"满{p.Threshold}减{p.Amount}", p.Terms);
                Assert.Equal(TimeSpan.FromHours(8), p.Start.Offset);
                Assert.Equal(TimeSpan.FromHours(8), p.End.Offset);
                Assert.True(p.Start < run.Messages[0].Message.SentAt);
                Assert.True(p.End > run.Run.LastSentAt);
            }
        }
        Assert.Contains(run.Generator.Stores, s => s.Promotions.Count == 2);
        Assert.Equal(run.Generator.Stores.SelectMany(s => s.Promotions), run.Generator.Promotions);
    }

    [Fact]
    public void WrongTerms_NeverEqualALivePromotion()
    {
        var start = new DateTimeOffset(2026, 11, 10, 20, 0, 0, TimeSpan.FromHours(8));
        var p1 = new SimulatedPromotion("shop-x", "a", "店铺满减", [], 300, 50, start, start.AddDays(2));
        var p2 = new SimulatedPromotion("shop-x", "b", "会员专享满减", [], 200, 50, start, start.AddDays(2));
        for (int i = 0; i < 200; i++)
        {
            var (t, a) = ConversationPlanner.WrongTerms(p1, [p1, p2], SimRandom.Create(i, 9, i));
            Assert.False((t, a) == (300, 50) || (t, a) == (200, 50));
            Assert.True(a > 0 && a < t);
        }
    }
}
