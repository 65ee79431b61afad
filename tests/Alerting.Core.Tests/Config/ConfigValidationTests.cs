using Alerting.Core.Config;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Core.Tests.Config;

public sealed class ConfigValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alerting-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void OutOfRangeValue_IsReportedWithFilePathAndReason()
    {
        var file = Write("10-global.json", """{ "Rules": { "SlowResponse": { "ThresholdSeconds": -5 } } }""");
        var (snapshot, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.Null(snapshot);
        var p = Assert.Single(problems);
        Assert.Equal(file, p.File);
        Assert.Equal("Rules:SlowResponse:ThresholdSeconds", p.Path);
        Assert.Contains("was -5", p.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentRateSettleShorterThanTheUnansweredThreshold_IsRefusedForTheStoreThatSetsIt()
    {
        var file = Write("20-stores/shop-b.json", """
            { "Rules": { "Stores": { "shop-b": { "AgentResponseRate": { "Enabled": true, "SettleSeconds": 120 } } } } }
            """);
        var (snapshot, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.Null(snapshot);
        var p = Assert.Single(problems);
        Assert.Equal(file, p.File);
        Assert.Equal("Rules:Stores:shop-b:AgentResponseRate:SettleSeconds", p.Path);
        Assert.Equal("must be at least UnansweredBuyer:ThresholdSeconds (180) while agent_response_rate_low is enabled, was 120", p.Reason);

        // Off (the default), or covering the threshold: accepted.
        Write("20-stores/shop-b.json", """{ "Rules": { "Stores": { "shop-b": { "AgentResponseRate": { "Enabled": true, "SettleSeconds": 180 } } } } }""");
        Assert.NotNull(ConfigFiles.LoadRules(_dir).Snapshot);
    }

    [Fact]
    public void UnknownField_IsRefused()
    {
        Write("10-global.json", """{ "Rules": { "UnansweredBuyer": { "ThresholdSecs": 60 } } }""");
        var (snapshot, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.Null(snapshot);
        Assert.Contains(problems, p => p.Path == "Rules:UnansweredBuyer:ThresholdSecs" && p.Reason.Contains("ThresholdSeconds", StringComparison.Ordinal));
    }

    [Fact]
    public void TypoAndThreeBadValues_AreAllReported_EachOnce_WithTheNearestKnownName()
    {
        var file = Write("10-global.json", """
            { "Rules": {
                "UnansweredBuyer": { "ThresholdSecs": 60, "Severity": "urgent" },
                "SlowResponse": { "ThresholdSeconds": "soon", "HighAfterSeconds": -1 },
                "Stores": { "shop-a": {}, "shop-b": {}, "shop-c": { "SlowResponse": { "Enabld": false } } } } }
            """);
        var (snapshot, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.Null(snapshot);
        var lines = problems.Select(p => $"{p.Path}: {p.Reason}").ToList();
        Assert.Contains("Rules:UnansweredBuyer:ThresholdSecs: unknown setting 'ThresholdSecs': did you mean 'ThresholdSeconds'?", lines);
        Assert.Contains("Rules:SlowResponse:ThresholdSeconds: 'soon' is not a number", lines);
        Assert.Contains(problems, p => p.Path == "Rules:UnansweredBuyer:Severity" && p.Reason.Contains("urgent", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "Rules:SlowResponse:HighAfterSeconds");
        Assert.Contains("Rules:Stores:shop-c:SlowResponse:Enabld: unknown setting 'Enabld': did you mean 'Enabled'?", lines);
        Assert.Equal(lines.Count, lines.Distinct().Count());
        // The global problems are not repeated for the stores that inherit them.
        Assert.DoesNotContain(problems, p => p.Path.StartsWith("Rules:Stores:shop-a", StringComparison.Ordinal) && !p.Reason.StartsWith("inherits", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Reason.Contains("was not found on type", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.Equal(file, p.File));
    }

    [Fact]
    public void UnknownPromotionField_IsReportedAtItsPath_AndThePromotionIsStillChecked()
    {
        Write("20-stores/shop-a.json", """
            { "Rules": { "Stores": { "shop-a": { "Promotions": [ { "Id": "p1", "Nmae": "双11", "Start": "2026-11-10T20:00:00+08:00",
                "End": "2026-11-11T23:59:59+08:00", "ThresholdDiscount": { "Threshold": 300, "Amount": 50 } } ] } } } }
            """);
        var (_, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.Contains(problems, p => p.Path == "Rules:Stores:shop-a:Promotions:0:Nmae" && p.Reason == "unknown setting 'Nmae': did you mean 'Name'?");
    }

    [Fact]
    public void UnknownSection_IsRefused()
    {
        Write("a.json", """{ "Rules": { "SlowResponses": { } } }""");
        var (_, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.Contains(problems, p => p.Path == "Rules:SlowResponses" && p.Reason.StartsWith("unknown section", StringComparison.Ordinal));
    }

    [Fact]
    public void BrokenJson_IsReportedWithFileAndLine()
    {
        var file = Write("20-stores/shop-a.json", "{\n  \"Rules\": {\n    \"Stores\": { \"shop-a\": { ]\n  }\n}");
        var (snapshot, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.Null(snapshot);
        var p = Assert.Single(problems);
        Assert.Equal(file, p.File);
        Assert.Contains("line 3", p.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreOverride_WinsForThatStoreOnly_AndLaterFilesOverrideEarlier()
    {
        Write("10-global.json", """{ "Rules": { "SlowResponse": { "ThresholdSeconds": 40 } } }""");
        Write("20-stores/shop-a.json", """{ "Rules": { "Stores": { "shop-a": { "SlowResponse": { "ThresholdSeconds": 20 } } } } }""");
        Write("30-tonight.json", """{ "Rules": { "SlowResponse": { "ThresholdSeconds": 45 } } }""");
        var (snapshot, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.Empty(problems);
        Assert.Equal(20, snapshot!.ForShop("shop-a").SlowResponse.Options.ThresholdSeconds);
        Assert.Equal(45, snapshot.ForShop("shop-b").SlowResponse.Options.ThresholdSeconds);
    }

    [Fact]
    public void Reload_RejectsABadChange_KeepsLastGood_ThenAcceptsAGoodOne()
    {
        var file = Write("rules.json", """{ "Rules": { "UnansweredBuyer": { "ThresholdSeconds": 120 } } }""");
        var (source, problems) = ReloadingRulesSource.Start(_dir, false, null, NullLogger.Instance, new FakeTimeProvider(), TimeSpan.Zero);
        Assert.Empty(problems);
        using var rules = source!;
        var good = rules.Current;

        File.WriteAllText(file, """{ "Rules": { "UnansweredBuyer": { "ThresholdSeconds": "soon" } } }""");
        Assert.False(rules.CheckForChanges());
        Assert.Same(good, rules.Current);
        Assert.Equal(1, rules.ReloadsRejected);
        Assert.Contains(rules.LastRejection, p => p.Path.StartsWith("Rules:UnansweredBuyer", StringComparison.Ordinal) && p.File == file);

        File.WriteAllText(file, """{ "Rules": { "UnansweredBuyer": { "ThresholdSeconds": 90 } } }""");
        Assert.True(rules.CheckForChanges());
        Assert.Equal(90, rules.Current.Defaults.UnansweredBuyer.Options.ThresholdSeconds);
        Assert.NotEqual(good.Version, rules.Current.Version);
        Assert.Empty(rules.LastRejection);
    }
}
