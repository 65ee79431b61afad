using Alerting.Core.Config;
using Alerting.Core.Rules.RudeLanguage;

namespace Alerting.Core.Tests.RudeLanguage;

/// <summary>Validate: every problem names its config path and says what was expected.</summary>
public sealed class RudeLanguageValidateTests
{
    private const string Path = "Rules:RudeLanguage";

    private static List<ConfigProblem> Problems(RudeLanguageOptions options) => [.. RudeLanguageRule.Validate(options, Path)];

    private static RudeLanguageTerm Term(string term, string severity = "high", string category = "insult", params string[] variants)
        => new() { Term = term, Severity = severity, Category = category, Variants = [.. variants] };

    [Fact]
    public void Validate_DefaultOptions_HaveNoProblems() => Assert.Empty(Problems(new RudeLanguageOptions()));

    [Fact]
    public void Validate_DefaultLexicon_EveryLineIsWellFormed()
    {
        var terms = DefaultLexicon.Terms();
        Assert.True(terms.Count > 120, $"only {terms.Count} built-in terms");
        Assert.Empty(Problems(new RudeLanguageOptions { UseDefaultLexicon = false, Terms = terms, Whitelist = DefaultLexicon.Whitelist() }));
    }

    [Fact]
    public void Validate_UnknownSeverity_NamesTheFieldAndTheAllowedValues()
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { Terms = [Term("蠢驴"), Term("猪队友"), Term("坑货"), Term("差劲", severity: "hgh")] }));
        Assert.Equal("Rules:RudeLanguage:Terms:3:Severity", p.Path);
        Assert.Equal("unknown severity 'hgh': expected info, low, medium, high, critical", p.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_EmptyTerm_IsAProblem(string term)
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { AddTerms = [Term(term)] }));
        Assert.Equal("Rules:RudeLanguage:AddTerms:0:Term", p.Path);
        Assert.Equal("term is empty", p.Reason);
    }

    [Fact]
    public void Validate_TermOfOnlySymbols_CannotMatch()
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { Terms = [Term("*** ")] }));
        Assert.Equal("Rules:RudeLanguage:Terms:0:Term", p.Path);
        Assert.Contains("nothing left to match", p.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyCategory_IsAProblem()
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { Terms = [Term("蠢驴", category: "")] }));
        Assert.Equal("Rules:RudeLanguage:Terms:0:Category", p.Path);
        Assert.StartsWith("category is empty", p.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyVariant_NamesItsIndex()
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { Terms = [Term("蠢驴", "high", "insult", "春驴", "")] }));
        Assert.Equal("Rules:RudeLanguage:Terms:0:Variants:1", p.Path);
        Assert.Equal("variant is empty", p.Reason);
    }

    [Fact]
    public void Validate_TermWithSentencePunctuation_CanNeverMatch()
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { Terms = [Term("你好，傻瓜")] }));
        Assert.Equal("Rules:RudeLanguage:Terms:0:Term", p.Path);
        Assert.Contains("sentence punctuation '，'", p.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TooLongTerm_IsAProblem()
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { Terms = [Term(new string('坏', 65))] }));
        Assert.Contains("longer than 64", p.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyWhitelistAndRemoveEntries_AreProblems()
    {
        var problems = Problems(new RudeLanguageOptions { Whitelist = ["操作", ""], AddWhitelist = [" "], RemoveTerms = [""] });
        Assert.Equal(
            ["Rules:RudeLanguage:RemoveTerms:0", "Rules:RudeLanguage:Whitelist:1", "Rules:RudeLanguage:AddWhitelist:0"],
            problems.Select(p => p.Path));
        Assert.All(problems, p => Assert.Equal("entry is empty", p.Reason));
    }

    [Fact]
    public void Validate_WhitelistEntryCancellingAConfiguredTerm_PointsAtTheTerm()
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { AddTerms = [Term("蠢驴")], AddWhitelist = ["蠢驴"] }));
        Assert.Equal("Rules:RudeLanguage:AddTerms:0:Term", p.Path);
        Assert.Contains("can never fire", p.Reason, StringComparison.Ordinal);
        Assert.Contains("RemoveTerms", p.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhitelistEntryCancellingABuiltInTerm_PointsAtTheWhitelistEntry()
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { Whitelist = ["马甲", "自己想办法"] }));
        Assert.Equal("Rules:RudeLanguage:Whitelist:1", p.Path);
        Assert.Equal("whitelist entry '自己想办法' cancels the built-in term '自己想办法' entirely; to drop a term use RemoveTerms instead", p.Reason);
    }

    [Fact]
    public void Validate_WhitelistCoveringOnlySomeSpellings_IsFine()
        => Assert.Empty(Problems(new RudeLanguageOptions { AddTerms = [Term("蠢驴", "high", "insult", "春驴")], AddWhitelist = ["春驴"] }));

    [Fact]
    public void Validate_WhitelistCancellingARemovedTerm_IsFine()
        => Assert.Empty(Problems(new RudeLanguageOptions { Whitelist = ["自己想办法"], RemoveTerms = ["自己想办法"] }));

    [Fact]
    public void Validate_CancellationIsJudgedAfterNormalization()
    {
        var p = Assert.Single(Problems(new RudeLanguageOptions { AddWhitelist = ["ＨＵＯ该"], AddTerms = [Term("huo该")] }));
        Assert.Equal("Rules:RudeLanguage:AddTerms:0:Term", p.Path);
    }
}
