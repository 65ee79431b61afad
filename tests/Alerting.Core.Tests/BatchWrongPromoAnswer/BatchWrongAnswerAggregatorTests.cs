using Alerting.Core.Alerts;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using static Alerting.Core.Tests.BatchWrongPromoAnswer.BatchTestKit;

namespace Alerting.Core.Tests.BatchWrongPromoAnswer;

public sealed class BatchWrongAnswerAggregatorTests
{
    [Fact]
    public void Observe_TwoAgentsInTwoConversations_NoAlert()
    {
        var aggregator = Aggregator();

        var raised = aggregator.Observe(DistinctAgents(2, Midnight));

        Assert.Empty(raised);
    }

    [Fact]
    public void Observe_ThirdDistinctAgent_RaisesOneCriticalAlertAtRevision0NamingTemplateAgentsCountAndFirstSeen()
    {
        var aggregator = Aggregator();
        Assert.Empty(aggregator.Observe(DistinctAgents(2, Midnight)));

        var raised = aggregator.Observe([Wrong("m-003", "agent-03", "c-3", Midnight.AddSeconds(3), statedText: "满两百减五十")]);

        var alert = Assert.Single(raised);
        Assert.Equal("batch_wrong_promo_answer", alert.Rule);
        Assert.Equal(Severity.Critical, alert.Severity);
        Assert.Equal(0, alert.Revision);
        Assert.Equal(AlertIds.ForGroup("batch_wrong_promo_answer", "shop-a", "d11-main|满200减50", Midnight), alert.AlertId);
        Assert.Equal(["m-001", "m-002", "m-003"], alert.MessageIds);
        Assert.Equal("c-1", alert.ConversationId);
        Assert.Null(alert.AgentId);
        Assert.Equal(Midnight.AddSeconds(3), alert.EventTime);
        Assert.Equal("2026-11-11T00:00:01.000+08:00", (string?)alert.Evidence["firstSeen"]);
        Assert.Equal("2026-11-11T00:00:00.000+08:00", (string?)alert.Evidence["windowStart"]);
        Assert.Equal(3, (int?)alert.Evidence["messageCount"]);
        Assert.Equal(3, (int?)alert.Evidence["agentCount"]);
        Assert.Equal(["agent-01", "agent-02", "agent-03"], alert.Evidence["agents"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["agents"], alert.Evidence["reached"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("满200减50", (string?)alert.Evidence["stated"]);
        Assert.Equal("满300减50", (string?)alert.Evidence["expected"]);
        Assert.Equal("批量营销解答错误：同一错误话术「满200减50」（活动d11-main为满300减50）10分钟内由3位客服（agent-01、agent-02、agent-03）在3个会话中发送，共3条，首次出现于00:00:01", alert.Summary);
        Assert.Equal("v1", alert.ConfigVersion);
    }

    [Fact]
    public void Observe_OneAgentInFiveConversations_FiresByConversationsWithOpeningAndRevisionFromBase()
    {
        var aggregator = Aggregator();
        var answers = Enumerable.Range(1, 5).Select(i => Wrong($"m-{i}", "agent-01", $"c-{i}", Midnight.AddSeconds(i))).ToList();

        Assert.Empty(aggregator.Observe(answers[..4]));
        var raised = aggregator.Observe(answers[4..]);

        // Base = min(3 agents, 5 conversations) = 3, so 5 members is revision 2; revision 0 opens the alert.
        Assert.Equal([0, 2], raised.Select(a => a.Revision));
        Assert.All(raised, a => Assert.Equal(5, a.MessageIds.Count));
        Assert.Equal(["conversations"], raised[1].Evidence["reached"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(5, (int?)raised[1].Evidence["conversationCount"]);
        Assert.Equal(1, (int?)raised[1].Evidence["agentCount"]);
    }

    [Fact]
    public void Observe_BatchGrows_SameAlertIdRevisionPlusOneAndMessagesSoFar()
    {
        var aggregator = Aggregator();
        var first = Assert.Single(aggregator.Observe(DistinctAgents(3, Midnight)));

        var second = Assert.Single(aggregator.Observe([Wrong("m-004", "agent-04", "c-4", Midnight.AddMinutes(5))]));
        var third = Assert.Single(aggregator.Observe([Wrong("m-005", "agent-02", "c-9", Midnight.AddMinutes(6))]));

        Assert.Equal(first.AlertId, second.AlertId);
        Assert.Equal(first.AlertId, third.AlertId);
        Assert.Equal(1, second.Revision);
        Assert.Equal(2, third.Revision);
        Assert.Equal(["m-001", "m-002", "m-003", "m-004", "m-005"], third.MessageIds);
        Assert.Equal(4, (int?)third.Evidence["agentCount"]);
        Assert.Equal(5, (int?)third.Evidence["conversationCount"]);
        Assert.Equal(["agents", "conversations"], third.Evidence["reached"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(Midnight.AddMinutes(6), third.EventTime);
        Assert.Equal("2026-11-11T00:00:01.000+08:00", (string?)third.Evidence["firstSeen"]);
    }

    [Fact]
    public void Observe_SameAlertsTwice_SecondTimeRaisesNothing()
    {
        var aggregator = Aggregator();
        var answers = DistinctAgents(4, Midnight);
        Assert.Equal(2, aggregator.Observe(answers).Count);

        Assert.Empty(aggregator.Observe(answers));
        Assert.Empty(aggregator.Observe([answers[2]]));
    }

    [Fact]
    public void Observe_MembersEitherSideOfWindowBoundary_AreSeparateBatches()
    {
        var aggregator = Aggregator();
        var boundary = Midnight.AddMinutes(10);
        var before = Enumerable.Range(1, 2).Select(i => Wrong($"b-{i}", $"agent-{i}", $"c-{i}", boundary.AddMilliseconds(-i))).ToList();
        var after = Enumerable.Range(3, 2).Select(i => Wrong($"a-{i}", $"agent-{i}", $"c-{i}", boundary.AddMilliseconds(i - 3))).ToList();

        Assert.Empty(aggregator.Observe([.. before, .. after]));
        Assert.Equal(2, aggregator.OpenGroups);

        var raised = Assert.Single(aggregator.Observe([Wrong("a-9", "agent-9", "c-9", boundary.AddMinutes(9).AddSeconds(59))]));
        Assert.Equal(AlertIds.ForGroup("batch_wrong_promo_answer", "shop-a", "d11-main|满200减50", boundary), raised.AlertId);
        Assert.Equal(["a-3", "a-4", "a-9"], raised.MessageIds);
        Assert.Equal("2026-11-11T00:10:00.000+08:00", (string?)raised.Evidence["windowStart"]);
    }

    [Theory]
    [InlineData("满200减50", "d11-other", "shop-a")]
    [InlineData("满250减50", "d11-main", "shop-a")]
    [InlineData("满200减50", "d11-main", "shop-b")]
    public void Observe_DifferentStatementPromotionOrStore_DoesNotJoinTheBatch(string stated, string promotion, string shop)
    {
        var aggregator = Aggregator();
        Assert.Empty(aggregator.Observe(DistinctAgents(2, Midnight)));

        Assert.Empty(aggregator.Observe([Wrong("x-1", "agent-09", "c-9", Midnight.AddMinutes(1), stated, promotion, shop)]));
    }

    [Fact]
    public void Observe_StatedWrittenDifferently_GroupsOnCanonicalStatedAndShowsEarliestText()
    {
        var aggregator = Aggregator();

        var raised = Assert.Single(aggregator.Observe([
            Wrong("m-3", "agent-03", "c-3", Midnight.AddSeconds(3), statedText: "满200-50"),
            Wrong("m-1", "agent-01", "c-1", Midnight.AddSeconds(1), statedText: "满两百减五十"),
            Wrong("m-2", "agent-02", "c-2", Midnight.AddSeconds(2), statedText: "满２００减５０"),
        ]));

        Assert.Equal("满两百减五十", (string?)raised.Evidence["statedText"]);
    }

    [Fact]
    public void Observe_AlertWithSeveralFindings_JoinsEachStatementsBatch()
    {
        var aggregator = Aggregator();
        var others = Enumerable.Range(1, 2).SelectMany(i => new[]
        {
            Wrong($"p-{i}", $"agent-{i}", $"c-{i}", Midnight.AddSeconds(i)),
            Wrong($"q-{i}", $"agent-{i}", $"c-{i}", Midnight.AddSeconds(i), stated: "8折", promotion: "d11-pct"),
        }).ToList();
        Assert.Empty(aggregator.Observe(others));
        var both = Wrong("m-3", "agent-03", "c-3", Midnight.AddSeconds(3));
        var pct = Wrong("m-3", "agent-03", "c-3", Midnight.AddSeconds(3), stated: "8折", promotion: "d11-pct");
        both.Evidence["findings"] = new System.Text.Json.Nodes.JsonArray(both.Evidence.DeepClone(), pct.Evidence.DeepClone());

        var raised = aggregator.Observe([both]);

        Assert.Equal(2, raised.Count);
        Assert.Equal(["d11-main", "d11-pct"], raised.Select(a => (string?)a.Evidence["promotion"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Observe_OtherRulesResolvedAlertsAndDisabledStores_AreIgnored()
    {
        var answers = DistinctAgents(3, Midnight);
        var aggregator = new BatchWrongAnswerAggregator(shop => new BatchWrongPromoAnswerOptions { Enabled = shop != "shop-a" }, Clock());
        Assert.Empty(aggregator.Observe(answers));

        var enabled = Aggregator();
        var rude = answers.Select(a => new Alert
        {
            AlertId = a.AlertId, Rule = "rude_language", Severity = a.Severity, ShopId = a.ShopId, ConversationId = a.ConversationId,
            AgentId = a.AgentId, MessageIds = a.MessageIds, EventTime = a.EventTime, Summary = a.Summary, Evidence = a.Evidence,
        }).ToList();
        var resolved = answers.Select(a => new Alert
        {
            AlertId = a.AlertId, Rule = a.Rule, Severity = a.Severity, ShopId = a.ShopId, ConversationId = a.ConversationId,
            AgentId = a.AgentId, MessageIds = a.MessageIds, EventTime = a.EventTime, Summary = a.Summary, Evidence = a.Evidence,
            Status = AlertStatus.Resolved,
        }).ToList();
        Assert.Empty(enabled.Observe([.. rude, .. resolved]));
    }

    [Fact]
    public void Observe_MoreMessagesThanListed_ListsEarliestAndCountsAll()
    {
        var aggregator = Aggregator(new BatchWrongPromoAnswerOptions { MaxListedMessages = 4 });

        var raised = aggregator.Observe(DistinctAgents(6, Midnight));

        var current = raised.MaxBy(a => a.Revision)!;
        Assert.Equal(["m-001", "m-002", "m-003", "m-004"], current.MessageIds);
        Assert.Equal(6, (int?)current.Evidence["messageCount"]);
    }

    [Fact]
    public void Observe_WindowLongPast_GroupIsEvicted()
    {
        var aggregator = new BatchWrongAnswerAggregator(_ => new BatchWrongPromoAnswerOptions(), Clock(), TimeSpan.FromHours(1));
        aggregator.Observe(DistinctAgents(2, Midnight));

        aggregator.Observe(DistinctAgents(1, Midnight.AddHours(2), "late"));

        Assert.Equal(1, aggregator.OpenGroups);
    }

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Observe_AnyArrivalOrderAndSplit_SameFinalAlertAtSameFinalRevision(int seed)
    {
        var clock = Clock();
        // 9 wrong answers: 2 agents over 6 conversations first (a conversation batch), then more agents.
        var answers = new List<Alert>();
        for (var i = 0; i < 9; i++)
            answers.Add(Wrong($"m-{i}", $"agent-{(i < 6 ? i % 2 : i)}", $"c-{i % 7}", Midnight.AddSeconds(10 * i)));
        var reference = Final(Aggregator(clock: clock).Observe(answers)).Values.Single();

        var random = new Random(seed);
        var shuffled = answers.OrderBy(_ => random.Next()).ToList();
        var aggregator = Aggregator(clock: clock);
        var events = new List<Alert>();
        for (var i = 0; i < shuffled.Count;)
        {
            var take = random.Next(1, 4);
            var slice = shuffled.Skip(i).Take(take).ToList();
            events.AddRange(aggregator.Observe(slice));
            if (random.Next(2) == 0) events.AddRange(aggregator.Observe(slice)); // redelivery
            i += take;
        }

        var final = Final(events).Values.Single();
        Assert.Equal(9 - 3, final.Revision);
        Assert.Equal(AlertJson.ToJson(reference), AlertJson.ToJson(final));
        Assert.Contains(events, e => e.Revision == 0);
        Assert.Equal(events.Count, events.Select(e => e.Revision).Distinct().Count());
    }
}
