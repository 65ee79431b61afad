using Alerting.Core.Config;
using Alerting.Core.Rules.RudeLanguage;

namespace Alerting.Core.Tests.Config;

/// <summary>
/// A rule compiled from options alone is built once per distinct options: stores with the same settings share it,
/// a store with its own settings gets its own, and a reload that did not change them keeps the compiled rule.
/// </summary>
public sealed class SharedRuleInstancesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alerting-shared-rules-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static RudeLanguageRule Rude(RulesSnapshot snapshot, string shop) => snapshot.ForShop(shop).Rules.OfType<RudeLanguageRule>().Single();

    [Fact]
    public void StoresWithTheSameSettings_ShareOneCompiledRule_AndAStoreWithItsOwnGetsItsOwn()
    {
        File.WriteAllText(Path.Combine(_dir, "10-stores.json"), """
            { "Rules": { "Stores": {
                "shop-a": { "SlowResponse": { "ThresholdSeconds": 90 } },
                "shop-b": { "SlowResponse": { "ThresholdSeconds": 120 } },
                "shop-c": { "RudeLanguage": { "AddWhitelist": [ "傻瓜式操作" ] } } } } }
            """);
        var (first, problems, _) = ConfigFiles.LoadRules(_dir);
        Assert.Empty(problems);
        Assert.NotNull(first);
        Assert.Same(Rude(first, "shop-a"), Rude(first, "shop-b"));
        Assert.Same(Rude(first, "shop-a"), first.Defaults.Rules.OfType<RudeLanguageRule>().Single());
        Assert.NotSame(Rude(first, "shop-a"), Rude(first, "shop-c"));

        Assert.Contains("傻瓜式操作", Rude(first, "shop-c").Options.AddWhitelist);
        Assert.Empty(Rude(first, "shop-a").Options.AddWhitelist);

        // A reload that changed another rule keeps the compiled rude-language rule; one that changed it does not.
        File.WriteAllText(Path.Combine(_dir, "10-stores.json"), """
            { "Rules": { "Stores": {
                "shop-a": { "SlowResponse": { "ThresholdSeconds": 60 } },
                "shop-c": { "RudeLanguage": { "AddWhitelist": [ "傻瓜式操作", "二百五元" ] } } } } }
            """);
        var second = ConfigFiles.LoadRules(_dir).Snapshot!;
        Assert.Same(Rude(first, "shop-a"), Rude(second, "shop-a"));
        Assert.NotSame(Rude(first, "shop-c"), Rude(second, "shop-c"));
    }
}
