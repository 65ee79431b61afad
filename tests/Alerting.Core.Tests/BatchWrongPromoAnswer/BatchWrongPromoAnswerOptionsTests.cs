using Alerting.Core.Rules.BatchWrongPromoAnswer;
using static Alerting.Core.Tests.BatchWrongPromoAnswer.BatchTestKit;

namespace Alerting.Core.Tests.BatchWrongPromoAnswer;

public sealed class BatchWrongPromoAnswerOptionsTests
{
    [Fact]
    public void Defaults_AreValidAndAsDocumented()
    {
        var o = new BatchWrongPromoAnswerOptions();

        Assert.Empty(o.Validate("Rules:BatchWrongPromoAnswer"));
        Assert.True(o.Enabled);
        Assert.Equal((3, 5, 10, "critical", 200), (o.MinAgents, o.MinConversations, o.WindowMinutes, o.Severity, o.MaxListedMessages));
        Assert.Equal(3, o.RevisionBase);
    }

    [Theory]
    [InlineData(1, 5, 10, "critical", 200, "Rules:BatchWrongPromoAnswer:MinAgents")]
    [InlineData(-1, 5, 10, "critical", 200, "Rules:BatchWrongPromoAnswer:MinAgents")]
    [InlineData(3, 1, 10, "critical", 200, "Rules:BatchWrongPromoAnswer:MinConversations")]
    [InlineData(0, 0, 10, "critical", 200, "Rules:BatchWrongPromoAnswer:MinAgents")]
    [InlineData(3, 5, 0, "critical", 200, "Rules:BatchWrongPromoAnswer:WindowMinutes")]
    [InlineData(3, 5, 7, "critical", 200, "Rules:BatchWrongPromoAnswer:WindowMinutes")]
    [InlineData(3, 5, 2880, "critical", 200, "Rules:BatchWrongPromoAnswer:WindowMinutes")]
    [InlineData(3, 5, 10, "urgent", 200, "Rules:BatchWrongPromoAnswer:Severity")]
    [InlineData(3, 5, 10, "critical", 0, "Rules:BatchWrongPromoAnswer:MaxListedMessages")]
    public void Validate_BadValue_NamesThePath(int agents, int conversations, int window, string severity, int listed, string path)
    {
        var o = new BatchWrongPromoAnswerOptions { MinAgents = agents, MinConversations = conversations, WindowMinutes = window, Severity = severity, MaxListedMessages = listed };

        var problem = Assert.Single(o.Validate("Rules:BatchWrongPromoAnswer"));

        Assert.Equal(path, problem.Path);
    }

    [Theory]
    [InlineData(3, 5, 3)]
    [InlineData(6, 4, 4)]
    [InlineData(0, 4, 4)]
    [InlineData(2, 0, 2)]
    public void RevisionBase_IsTheLowestActiveThreshold(int agents, int conversations, int expected)
        => Assert.Equal(expected, new BatchWrongPromoAnswerOptions { MinAgents = agents, MinConversations = conversations }.RevisionBase);

    [Fact]
    public void Observe_AgentCriterionOff_OnlyConversationsCount()
    {
        var aggregator = Aggregator(new BatchWrongPromoAnswerOptions { MinAgents = 0, MinConversations = 4 });

        Assert.Empty(aggregator.Observe(DistinctAgents(3, Midnight)));
        var raised = Assert.Single(aggregator.Observe(DistinctAgents(4, Midnight)));
        Assert.Equal(0, raised.Revision);
    }
}
