using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.PersonalDataExposure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static Alerting.Core.Tests.TestKit.TextRuleKit;

namespace Alerting.Core.Tests.PersonalDataExposure;

public sealed class PersonalDataExposureRuleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alerting-pde-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Evaluate_OnCrossWozUtterancesAsAgentReplies_NoFalseAlarm()
    {
        var (_, hits) = CrossWozHits(new PersonalDataExposureRule(new PersonalDataExposureOptions()), SenderKind.Agent, output);
        Assert.Equal(0, hits);
    }

    [Fact]
    public void Pipeline_RudeReplyQuotingAPhone_BothAlertsCarryOnlyTheMaskedNumber()
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(RulesSnapshot.BuiltInDefaults()), TimeProvider.System);
        var alerts = new List<Alert>();
        pipeline.Process(Message("您的手机号13812345678对吗，傻逼", messageId: "m-7"), alerts);
        Assert.Contains(alerts, a => a.Rule == "rude_language");
        Assert.Contains(alerts, a => a.Rule == PersonalDataExposureRule.RuleName);
        foreach (var a in alerts)
        {
            var json = AlertJson.ToJson(a);
            Assert.DoesNotContain("13812345678", json, StringComparison.Ordinal);
            output.WriteLine(json);
        }
        Assert.Contains(alerts, a => a.Rule == "rude_language" && a.Evidence.ToJsonString().Contains("138****5678", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_StoreSetsOrderPatternAndOwnNumber_OnlyThatStoreIsQuiet()
    {
        File.WriteAllText(Path.Combine(_dir, "rules.json"), """
            { "Rules": { "Stores": { "shop-b": { "PersonalDataExposure": {
                "OrderNumberPatterns": [ "^62220210\\d{11}$" ], "AllowNumbers": [ "138-1234-5678" ] } } } } }
            """);
        var (snapshot, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.True(snapshot is not null, string.Join("; ", problems));
        const string card = "退款到您的卡6222021001123456789";
        const string phone = "您的电话13812345678对吗";
        Assert.Single(Run(snapshot, "shop-a", card));
        Assert.Single(Run(snapshot, "shop-a", phone));
        Assert.Empty(Run(snapshot, "shop-b", card));
        Assert.Empty(Run(snapshot, "shop-b", phone));
    }

    [Theory]
    [InlineData("""{ "Severity": "urgent" }""", "Rules:PersonalDataExposure:Severity", "unknown severity 'urgent'")]
    [InlineData("""{ "OrderNumberPatterns": [ "^(\\d+$" ] }""", "Rules:PersonalDataExposure:OrderNumberPatterns:0", "not a valid regular expression")]
    [InlineData("""{ "AllowNumbers": [ "400" ] }""", "Rules:PersonalDataExposure:AllowNumbers:0", "at least 5 digits")]
    [InlineData("""{ "AddBankCardPrefixes": [ "6x" ] }""", "Rules:PersonalDataExposure:AddBankCardPrefixes:0", "1 to 8 digits")]
    [InlineData("""{ "Phone": false }""", "Rules:PersonalDataExposure:Phone", "unknown setting 'Phone'")]
    public void Options_Invalid_AreRefusedWithPathAndReason(string section, string path, string reason)
    {
        var problems = RefusedProblems(_dir, "PersonalDataExposure", section);
        Assert.Contains(problems, p => p.Path == path && p.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Reload_TurningTheRuleOffForAStore_TakesEffectAndABadChangeKeepsTheLastGood()
    {
        var file = Path.Combine(_dir, "rules.json");
        File.WriteAllText(file, """{ "Rules": { } }""");
        var (source, problems) = ReloadingRulesSource.Start(_dir, false, null, NullLogger.Instance, new FakeTimeProvider(), TimeSpan.Zero);
        Assert.Empty(problems);
        using var rules = source!;
        const string id = "您的身份证号110105199003071239";
        Assert.Single(Run(rules.Current, "shop-a", id));

        File.WriteAllText(file, """{ "Rules": { "Stores": { "shop-a": { "PersonalDataExposure": { "Enabled": false } } } } }""");
        Assert.True(rules.CheckForChanges());
        Assert.Empty(Run(rules.Current, "shop-a", id));
        Assert.Single(Run(rules.Current, "shop-z", id));

        File.WriteAllText(file, """{ "Rules": { "PersonalDataExposure": { "Severity": "loud" } } }""");
        Assert.False(rules.CheckForChanges());
        Assert.Empty(Run(rules.Current, "shop-a", id));
    }

    private static List<Alert> Run(RulesSnapshot snapshot, string shop, string text)
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(snapshot), TimeProvider.System);
        var alerts = new List<Alert>();
        var m = Message(text);
        pipeline.Process(new ChatMessage
        {
            MessageId = m.MessageId, ConversationId = m.ConversationId, ShopId = shop, Sender = m.Sender, SenderId = m.SenderId,
            AgentId = m.AgentId, Text = m.Text, SentAt = m.SentAt,
        }, alerts);
        return [.. alerts.Where(a => a.Rule == PersonalDataExposureRule.RuleName)];
    }
}
