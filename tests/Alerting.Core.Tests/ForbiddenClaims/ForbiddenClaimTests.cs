using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Rules.ForbiddenClaims;

namespace Alerting.Core.Tests.ForbiddenClaims;

public class ForbiddenClaimTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 11, 0, 0, 5, TimeSpan.FromHours(8));
    private static readonly ForbiddenClaimRule Default = new(new ForbiddenClaimOptions());

    private static List<Alert> Run(ForbiddenClaimRule rule, string text, SenderKind sender = SenderKind.Agent)
    {
        var alerts = new List<Alert>();
        var message = new ChatMessage { MessageId = "m-9", ConversationId = "c1", ShopId = "shop-a", Sender = sender, SenderId = "agent-07", Text = text, SentAt = At };
        rule.Evaluate(message, new RuleContext { Conversation = new ConversationState { ConversationId = "c1", ShopId = "shop-a" } }, alerts);
        return alerts;
    }

    [Theory]
    [InlineData("这是全网最低价了亲", "全网最低价")]
    [InlineData("我们是史上最低", "史上最低")]
    [InlineData("销量全网第一", "全网第一")]
    [InlineData("我们是国内第一品牌", "第一品牌")]
    [InlineData("这款100%有效", "100%有效")]
    [InlineData("这款１００％有效", "100%有效")]
    [InlineData("这款百分百有效", "百分百有效")]
    [InlineData("国家级品质", "国家级")]
    [InlineData("现在买最便宜", "最便宜")]
    [InlineData("双11就是最低价", "最低价")]
    [InlineData("全 网 最 低", "全网最低")]
    [InlineData("这个能根治脱发", "根治")]
    public void AgentReply_WithAForbiddenClaim_Alerts(string text, string term)
    {
        var alert = Assert.Single(Run(Default, text));
        var match = alert.Evidence["matches"]!.AsArray()[0]!;
        Assert.Equal(term, (string)match["term"]!);
        Assert.Equal("forbidden_claim", alert.Rule);
        Assert.Equal(AlertIds.ForConversation("forbidden_claim", "c1", "m-9"), alert.AlertId);
        var span = text.Substring((int)match["start"]!, (int)match["length"]!);
        Assert.Equal(term, span.Replace(" ", "", StringComparison.Ordinal).Replace("１００％", "100%", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("第一次购买可以领券")]
    [InlineData("第一件原价，第二件半价")]
    [InlineData("您最好先拍下")]
    [InlineData("这个不是最低价，双11会更便宜")]
    [InlineData("这是国家级非物质文化遗产的工艺")]
    [InlineData("价格最低的是黑色款")]
    [InlineData("正品保证，假一赔十")]
    [InlineData("亲，满300减50哦")]
    public void EverydayWording_StaysSilent(string text) => Assert.Empty(Run(Default, text));

    [Fact]
    public void SeveralTerms_AreOneAlert_WithEveryMatch()
    {
        var alert = Assert.Single(Run(Default, "全网最低，100%有效"));
        Assert.Equal(2, alert.Evidence["matches"]!.AsArray().Count);
        Assert.Equal("违规极限用语：全网最低、100%有效", alert.Summary);
        Assert.Equal(Severity.High, alert.Severity);
    }

    [Fact]
    public void BuyerText_IsNotChecked() => Assert.Empty(Run(Default, "是全网最低价吗", SenderKind.Buyer));

    [Fact]
    public void ConfiguredTerms_AddAndOverride_AllowPhrasesCancel()
    {
        var rule = new ForbiddenClaimRule(new ForbiddenClaimOptions
        {
            Terms = [new() { Term = "顶级", Severity = "low" }, new() { Term = "最便宜", Severity = "critical" }],
            Allow = ["顶级域名"],
        });
        Assert.Equal(Severity.Low, Assert.Single(Run(rule, "顶级面料")).Severity);
        Assert.Empty(Run(rule, "顶级域名"));
        Assert.Equal(Severity.Critical, Assert.Single(Run(rule, "这款最便宜")).Severity);
    }

    [Fact]
    public void DefaultList_CanBeSwitchedOff()
        => Assert.Empty(Run(new ForbiddenClaimRule(new ForbiddenClaimOptions { UseDefaultTerms = false }), "全网最低"));

    [Fact]
    public void DisabledRule_IsSilent()
        => Assert.Empty(Run(new ForbiddenClaimRule(new ForbiddenClaimOptions { Enabled = false }), "全网最低"));

    [Fact]
    public void Validate_NamesPathAndReason()
    {
        var problems = ForbiddenClaimRule.Validate(new ForbiddenClaimOptions
        {
            Terms = [new() { Term = "" }, new() { Term = "最", Severity = "high" }, new() { Term = "顶级", Severity = "urgent" }, new() { Term = "顶 级" }],
        }, "Rules:ForbiddenClaim").Select(p => p.ToString()).ToList();
        Assert.Equal(
        [
            "Rules:ForbiddenClaim:Terms:0:Term: missing: the term to look for",
            "Rules:ForbiddenClaim:Terms:1:Term: '最' is a single character and would match everywhere (need at least 2)",
            "Rules:ForbiddenClaim:Terms:2:Severity: unknown severity 'urgent': expected info, low, medium, high or critical",
            "Rules:ForbiddenClaim:Terms:3:Term: '顶 级' is already listed at Rules:ForbiddenClaim:Terms:2",
        ], problems);
    }
}
