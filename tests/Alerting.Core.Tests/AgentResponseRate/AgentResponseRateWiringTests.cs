using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Replay;
using Alerting.Core.Rules.AgentResponseRate;
using Microsoft.Extensions.Configuration;

namespace Alerting.Core.Tests.AgentResponseRate;

/// <summary>agent_response_rate_low wired: config section, facts from the pipeline, alerts from replay.</summary>
public sealed class AgentResponseRateWiringTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    private static RulesSnapshot Rules(params (string Key, string Value)[] settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        var built = RulesSnapshotBuilder.Build(config);
        Assert.True(built.Snapshot is not null, string.Join("; ", built.Problems));
        return built.Snapshot!;
    }

    private static RulesSnapshot Enabled(params (string Key, string Value)[] more)
        => Rules([("Rules:AgentResponseRate:Enabled", "true"), .. more]);

    private static ChatMessage Msg(string id, string conversation, SenderKind sender, double at, ChatEventKind kind = ChatEventKind.Message, string text = "在吗")
        => new()
        {
            MessageId = id, ConversationId = conversation, ShopId = "shop-a", Sender = sender,
            SenderId = sender == SenderKind.Buyer ? "b-" + conversation : "agent-7", AgentId = "agent-7",
            Text = text, SentAt = T0.AddSeconds(at), Event = kind,
        };

    [Fact]
    public void OffByDefault_AndTheSectionIsValidated()
    {
        Assert.False(RulesSnapshot.BuiltInDefaults().Defaults.AgentResponseRate.Enabled);
        var config = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Rules:AgentResponseRate:StepMinutes", (string?)"7")]).Build();
        var built = RulesSnapshotBuilder.Build(config);
        Assert.Null(built.Snapshot);
        Assert.Contains(built.Problems, p => p.Path == "Rules:AgentResponseRate:StepMinutes");
        var store = Rules(("Rules:Stores:shop-b:AgentResponseRate:Enabled", "true"));
        Assert.True(store.ForShop("shop-b").AgentResponseRate.Enabled);
        Assert.False(store.ForShop("shop-a").AgentResponseRate.Enabled);
    }

    [Fact]
    public void Pipeline_EmitsAgentMessages_AnsweredWaits_AndUnansweredWaits()
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(Enabled()), TimeProvider.System);
        var alerts = new List<Alert>();
        pipeline.Process(Msg("m1", "c1", SenderKind.Buyer, 0), alerts);
        pipeline.Process(Msg("m2", "c1", SenderKind.Buyer, 2), alerts);
        pipeline.Process(Msg("m3", "c1", SenderKind.Agent, 10, text: "在的"), alerts);
        pipeline.Process(Msg("m4", "c2", SenderKind.Buyer, 20), alerts);
        pipeline.Process(Msg("m5", "c2", SenderKind.System, 30, ChatEventKind.Close, ""), alerts);
        pipeline.Process(Msg("m6", "c3", SenderKind.Buyer, 40), alerts);
        pipeline.AdvanceWatermark(T0.AddSeconds(40 + 600), alerts);

        var facts = new List<AgentActivity>();
        pipeline.DrainActivity(facts);
        Assert.Equal(0, pipeline.PendingActivity);
        Assert.Equal(4, facts.Count);
        Assert.Equal(new AgentActivity("shop-a", "agent-7", "c1", AgentActivityKind.AgentMessage, "m3", T0.AddSeconds(10)), facts[0]);
        Assert.Equal(new AgentActivity("shop-a", "agent-7", "c1", AgentActivityKind.WaitAnswered, "m1", T0, 2, TimeSpan.FromSeconds(10), T0.AddSeconds(10)), facts[1]);
        Assert.Equal(new AgentActivity("shop-a", "agent-7", "c2", AgentActivityKind.WaitUnanswered, "m4", T0.AddSeconds(20), 1), facts[2]);
        Assert.Equal(new AgentActivity("shop-a", "agent-7", "c3", AgentActivityKind.WaitUnanswered, "m6", T0.AddSeconds(40), 1), facts[3]);
    }

    [Fact]
    public void Pipeline_EmitsNothing_WhenTheRuleIsOff()
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(RulesSnapshot.BuiltInDefaults()), TimeProvider.System);
        var alerts = new List<Alert>();
        pipeline.Process(Msg("m1", "c1", SenderKind.Buyer, 0), alerts);
        pipeline.Process(Msg("m2", "c1", SenderKind.Agent, 10), alerts);
        Assert.Equal(0, pipeline.PendingActivity);
    }

    private static string Script()
    {
        // Five conversations, every buyer answered after 60 s: a 30-second response rate of 0.
        var sb = new StringBuilder();
        for (var i = 0; i < 5; i++)
        {
            sb.AppendLine(Encoding.UTF8.GetString(ChatMessageJson.ToUtf8(Msg($"b{i}", $"c{i}", SenderKind.Buyer, i * 60))));
            sb.AppendLine(Encoding.UTF8.GetString(ChatMessageJson.ToUtf8(Msg($"a{i}", $"c{i}", SenderKind.Agent, (i * 60) + 60, text: "在的"))));
        }
        return sb.ToString();
    }

    [Fact]
    public void Replay_RaisesOneAlertPerAgentAndWindow_WhenEnabled()
    {
        var rules = Enabled(("Rules:AgentResponseRate:MinWaits", "3"), ("Rules:AgentResponseRate:MinReplyRate", "0"), ("Rules:AgentResponseRate:MinAnswerRatio", "0"));
        var alerts = new List<Alert>();
        var summary = ReplayRunner.Run(new StringReader(Script()), rules, alerts.Add, (_, e) => Assert.Fail(e), T0.AddHours(2));

        var alert = Assert.Single(alerts, a => a.Rule == AgentResponseRates.RuleName);
        Assert.Equal("agent-7", alert.AgentId);
        Assert.Equal(AlertIds.ForGroup(AgentResponseRates.RuleName, "shop-a", "agent-7", T0), alert.AlertId);
        Assert.Equal(T0.AddMinutes(5), alert.EventTime);
        Assert.Equal(["response_rate"], alert.Evidence!["below"]!.AsArray().Select(n => (string)n!).ToArray());
        Assert.Equal(1, summary.AlertsByRule[AgentResponseRates.RuleName]);

        // Off (the default): the same input raises no agent alert.
        var off = new List<Alert>();
        ReplayRunner.Run(new StringReader(Script()), RulesSnapshot.BuiltInDefaults(), off.Add, (_, e) => Assert.Fail(e), T0.AddHours(2));
        Assert.DoesNotContain(off, a => a.Rule == AgentResponseRates.RuleName);
    }
}
