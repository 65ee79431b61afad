using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Rules.PromotionAnswers;
using Alerting.Core.Tests.PromotionAnswers;
using static Alerting.Core.Tests.BatchWrongPromoAnswer.BatchTestKit;

namespace Alerting.Core.Tests.BatchWrongPromoAnswer;

/// <summary>The real wrong_promo_answer rule feeding the aggregator: the same template in different spellings is one batch.</summary>
public sealed class FromRuleTests
{
    [Fact]
    public void WrongPromoAnswerAlerts_SameTemplateFromThreeAgents_OneBatchOnCanonicalStatement()
    {
        var rule = PromoTestKit.Rule(PromoTestKit.Promo("d11-main", p => p.ThresholdDiscount = new ThresholdDiscountTerms { Threshold = 300, Amount = 50 }));
        string[] texts = ["亲，双11满200减50哦", "亲，双11满两百减五十哦", "亲，双11满２００减５０哦"];
        var alerts = new List<Alert>();
        for (var i = 0; i < texts.Length; i++)
        {
            var context = new RuleContext { Conversation = new ConversationState { ConversationId = $"c-{i}", ShopId = "shop-a" } };
            rule.Evaluate(new ChatMessage
            {
                MessageId = $"m-{i}", ConversationId = $"c-{i}", ShopId = "shop-a", Sender = SenderKind.Agent,
                SenderId = $"agent-{i}", AgentId = $"agent-{i}", Text = texts[i], SentAt = PromoTestKit.During.AddSeconds(i),
            }, context, alerts);
        }
        Assert.Equal(3, alerts.Count);

        var batch = Assert.Single(Aggregator().Observe(alerts));

        Assert.Equal("d11-main|满200减50", (string?)batch.Evidence["promotion"] + "|" + (string?)batch.Evidence["stated"]);
        Assert.Equal(3, (int?)batch.Evidence["agentCount"]);
        Assert.Equal(["m-0", "m-1", "m-2"], batch.MessageIds);
    }
}
