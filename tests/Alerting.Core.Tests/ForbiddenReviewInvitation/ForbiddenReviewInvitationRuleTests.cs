using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.ForbiddenReviewInvitation;
using Alerting.Core.Tests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static Alerting.Core.Tests.TestKit.TextRuleKit;

namespace Alerting.Core.Tests.ForbiddenReviewInvitation;

public sealed class ForbiddenReviewInvitationRuleTests(ITestOutputHelper output) : IDisposable
{
    private const string Rule = ForbiddenReviewInvitationRule.RuleName;
    private readonly string _dir = Directory.CreateTempSubdirectory("alerting-fri-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>CrossWOZ as chat: each user turn is a buyer message and the system turn after it the agent's reply, in one conversation per dialogue pair.</summary>
    [Fact]
    public void Pipeline_OnCrossWozDialoguesAsChats_NoFalseAlarm()
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(RulesSnapshot.BuiltInDefaults()), TimeProvider.System);
        var alerts = new List<Alert>();
        int agentMessages = 0, n = 0;
        var conversation = "cw-0";
        var at = ChatScript.Origin;
        foreach (var (line, role, text) in CrossWozUtterances())
        {
            if (role == "usr" && ++n % 6 == 0) conversation = $"cw-{line}";
            var sender = role == "usr" ? SenderKind.Buyer : SenderKind.Agent;
            if (sender == SenderKind.Agent) agentMessages++;
            at = at.AddSeconds(5);
            pipeline.Process(new ChatMessage
            {
                MessageId = $"cw-m-{line}", ConversationId = conversation, ShopId = "shop-a", Sender = sender, SenderId = sender == SenderKind.Agent ? "agent-1" : "b-1",
                AgentId = "agent-1", Text = text, SentAt = at,
            }, alerts);
        }
        var hits = alerts.Where(a => a.Rule == Rule).ToList();
        foreach (var h in hits) output.WriteLine($"{h.Summary} {h.Evidence.ToJsonString()}");
        output.WriteLine($"{hits.Count} false alarms in {agentMessages} agent messages");
        Assert.True(agentMessages > 4000);
        Assert.Empty(hits);
    }

    [Fact]
    public void Options_StoreAddsPaidTerm_AndAnException()
    {
        File.WriteAllText(Path.Combine(_dir, "rules.json"), """
            { "Rules": { "Stores": { "shop-b": { "ForbiddenReviewInvitation": { "AddPaidTerms": [ "好评领券" ], "AddAllow": [ "好评返现违规" ] } } } } }
            """);
        var (snapshot, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.True(snapshot is not null, string.Join("; ", problems));
        Assert.Empty(Run(snapshot, "shop-a", "好评领券哦"));
        Assert.Single(Run(snapshot, "shop-b", "好评领券哦"));
        Assert.Single(Run(snapshot, "shop-a", "提醒：好评返现违规"));
        Assert.Empty(Run(snapshot, "shop-b", "提醒：好评返现违规"));
    }

    [Theory]
    [InlineData("""{ "PaidReviewSeverity": "x" }""", "Rules:ForbiddenReviewInvitation:PaidReviewSeverity", "unknown severity 'x'")]
    [InlineData("""{ "AddInvitationTerms": [ "评" ] }""", "Rules:ForbiddenReviewInvitation:AddInvitationTerms:0", "single character")]
    [InlineData("""{ "AddPaidTerms": [ "" ] }""", "Rules:ForbiddenReviewInvitation:AddPaidTerms:0", "empty phrase")]
    [InlineData("""{ "Paid": true }""", "Rules:ForbiddenReviewInvitation:Paid", "unknown setting 'Paid'")]
    public void Options_Invalid_AreRefusedWithPathAndReason(string section, string path, string reason)
    {
        var problems = RefusedProblems(_dir, "ForbiddenReviewInvitation", section);
        Assert.Contains(problems, p => p.Path == path && p.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Reload_TurningTheRuleOff_TakesEffect_ABadChangeKeepsTheLastGood()
    {
        var file = Path.Combine(_dir, "rules.json");
        File.WriteAllText(file, """{ "Rules": { } }""");
        var (source, problems) = ReloadingRulesSource.Start(_dir, false, null, NullLogger.Instance, new FakeTimeProvider(), TimeSpan.Zero);
        Assert.Empty(problems);
        using var rules = source!;
        Assert.Single(Run(rules.Current, "shop-a", "好评返现哦"));
        File.WriteAllText(file, """{ "Rules": { "ForbiddenReviewInvitation": { "Enabled": false } } }""");
        Assert.True(rules.CheckForChanges());
        Assert.Empty(Run(rules.Current, "shop-a", "好评返现哦"));
        File.WriteAllText(file, """{ "Rules": { "ForbiddenReviewInvitation": { "ContextSeverity": "?" } } }""");
        Assert.False(rules.CheckForChanges());
        Assert.Empty(Run(rules.Current, "shop-a", "好评返现哦"));
    }

    [Fact]
    public void Checkpoint_ReviewContext_SurvivesARestart()
    {
        var first = new ChatScript().Buyer(0, "b1", "还是不行");
        var (changed, _) = first.Pipeline.TakeChanges();
        var second = new ChatScript();
        second.Pipeline.Restore(changed.Select(ConversationStateCodec.Encode).Select(ConversationStateCodec.Decode));
        second.Agent(10, "a1", "您再试试").Agent(12, "a2", "给个好评哦");
        Assert.Contains("problem_not_solved", Assert.Single(second.Of(Rule)).Evidence["reasons"]!.AsArray().Select(r => (string)r!));
    }

    private static List<Alert> Run(RulesSnapshot snapshot, string shop, string text)
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(snapshot), TimeProvider.System);
        var alerts = new List<Alert>();
        pipeline.Process(ChatScript.Msg("m-1", SenderKind.Agent, 0, text, shop: shop), alerts);
        return [.. alerts.Where(a => a.Rule == Rule)];
    }
}
