using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.OffPlatformContact;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static Alerting.Core.Tests.TestKit.TextRuleKit;

namespace Alerting.Core.Tests.OffPlatformContact;

public sealed class OffPlatformContactRuleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alerting-opc-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Evaluate_OnCrossWozUtterancesAsAgentReplies_NoFalseAlarm()
    {
        var (_, hits) = CrossWozHits(new OffPlatformContactRule(new OffPlatformContactOptions()), SenderKind.Agent, output);
        Assert.Equal(0, hits);
    }

    [Fact]
    public void Options_StoreHotlineAndPhrase_AreAllowedForThatStoreOnly()
    {
        File.WriteAllText(Path.Combine(_dir, "rules.json"), """
            { "Rules": { "Stores": { "shop-b": { "OffPlatformContact": {
                "AllowNumbers": [ "400-820-8820", "13800001111" ], "AddAllow": [ "加我们官方微信公众号" ], "AddTerms": [ "抖音私信" ] } } } } }
            """);
        var (snapshot, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.True(snapshot is not null, string.Join("; ", problems));
        Assert.Single(Run(snapshot, "shop-a", "有事打400-820-8820找我们"));
        Assert.Empty(Run(snapshot, "shop-b", "有事打400-820-8820找我们"));
        Assert.Empty(Run(snapshot, "shop-b", "售后可以拨 138 0000 1111 联系"));
        Assert.Single(Run(snapshot, "shop-b", "有事打13900001111找我"));
        Assert.Single(Run(snapshot, "shop-a", "加我们官方微信公众号领券"));
        Assert.Empty(Run(snapshot, "shop-b", "加我们官方微信公众号领券"));
        Assert.Single(Run(snapshot, "shop-b", "抖音私信我发链接"));
        Assert.Empty(Run(snapshot, "shop-a", "抖音私信"));
    }

    [Fact]
    public void Options_RemoveTerms_DropsABuiltInPhrase()
    {
        var rule = new OffPlatformContactRule(new OffPlatformContactOptions { RemoveTerms = ["加好友"] });
        Assert.Empty(Evaluate(rule, Message("加好友送小样")));
        Assert.Single(Evaluate(rule, Message("加我微信")));
    }

    [Theory]
    [InlineData("""{ "Severity": "max" }""", "Rules:OffPlatformContact:Severity", "unknown severity 'max'")]
    [InlineData("""{ "AddTerms": [ "加" ] }""", "Rules:OffPlatformContact:AddTerms:0", "single character")]
    [InlineData("""{ "AddAllow": [ " " ] }""", "Rules:OffPlatformContact:AddAllow:0", "empty phrase")]
    [InlineData("""{ "AllowNumbers": [ "12" ] }""", "Rules:OffPlatformContact:AllowNumbers:0", "at least 5 digits")]
    [InlineData("""{ "Allow": [ "x" ] }""", "Rules:OffPlatformContact:Allow", "unknown setting 'Allow'")]
    public void Options_Invalid_AreRefusedWithPathAndReason(string section, string path, string reason)
    {
        var problems = RefusedProblems(_dir, "OffPlatformContact", section);
        Assert.Contains(problems, p => p.Path == path && p.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Reload_StoreAddsItsHotline_TakesEffectAndABadChangeKeepsTheLastGood()
    {
        var file = Path.Combine(_dir, "rules.json");
        File.WriteAllText(file, """{ "Rules": { } }""");
        var (source, problems) = ReloadingRulesSource.Start(_dir, false, null, NullLogger.Instance, new FakeTimeProvider(), TimeSpan.Zero);
        Assert.Empty(problems);
        using var rules = source!;
        const string text = "有问题打我们热线4008208820";
        Assert.Single(Run(rules.Current, "shop-a", text));

        File.WriteAllText(file, """{ "Rules": { "Stores": { "shop-a": { "OffPlatformContact": { "AllowNumbers": [ "400 820 8820" ] } } } } }""");
        Assert.True(rules.CheckForChanges());
        Assert.Empty(Run(rules.Current, "shop-a", text));

        File.WriteAllText(file, """{ "Rules": { "OffPlatformContact": { "AddTerms": [ "" ] } } }""");
        Assert.False(rules.CheckForChanges());
        Assert.Empty(Run(rules.Current, "shop-a", text));
    }

    private static List<Alert> Run(RulesSnapshot snapshot, string shop, string text)
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(snapshot), TimeProvider.System);
        var alerts = new List<Alert>();
        pipeline.Process(new ChatMessage
        {
            MessageId = "m-1", ConversationId = "c-1", ShopId = shop, Sender = SenderKind.Agent, SenderId = "agent-07", AgentId = "agent-07", Text = text, SentAt = SentAt,
        }, alerts);
        return [.. alerts.Where(a => a.Rule == OffPlatformContactRule.RuleName)];
    }
}
