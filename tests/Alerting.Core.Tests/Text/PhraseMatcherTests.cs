using Alerting.Core.Text;

namespace Alerting.Core.Tests.Text;

public sealed class PhraseMatcherTests
{
    private static List<(string Phrase, string Matched)> Find(PhraseMatcher matcher, IReadOnlyList<string> phrases, string text)
    {
        List<PhraseMatch>? found = null;
        matcher.FindAll(text, ref found);
        return found is null ? [] : [.. found.Select(m => (phrases[m.Phrase], text.Substring(m.Start, m.Length)))];
    }

    [Fact]
    public void FindAll_OverlappingPhrases_AreAllReportedWithOriginalSpans()
    {
        string[] phrases = ["he", "she", "his", "hers"];
        var matcher = new PhraseMatcher(phrases, [], NormalizationSettings.None);
        Assert.Equal([("she", "she"), ("he", "he"), ("hers", "hers")], Find(matcher, phrases, "ushers"));
    }

    [Fact]
    public void FindAll_CleanText_ReturnsFalseAndLeavesListNull()
    {
        var matcher = new PhraseMatcher(["傻逼"], [], NormalizationSettings.All);
        List<PhraseMatch>? found = null;
        Assert.False(matcher.FindAll("您好，有什么可以帮您", ref found));
        Assert.Null(found);
    }

    [Theory]
    [InlineData("坏蛋", "坏蛋")]
    [InlineData("坏 . 蛋", "坏 . 蛋")]
    [InlineData("坏..蛋", null)]
    [InlineData("坏…蛋", null)]
    [InlineData("坏：蛋", null)]
    [InlineData("坏:蛋", "坏:蛋")]
    [InlineData("坏\r\n蛋", null)]
    [InlineData("坏坏坏蛋蛋", "坏坏坏蛋")]
    [InlineData("壞蛋", "壞蛋")]
    [InlineData("坏\u2060蛋", "坏\u2060蛋")]
    public void FindAll_NormalizesInsertedSymbolsButNotSentenceBreaks(string text, string? expected)
    {
        string[] phrases = ["坏蛋"];
        var matcher = new PhraseMatcher(phrases, [], NormalizationSettings.All);
        var found = Find(matcher, phrases, text);
        if (expected is null) Assert.Empty(found);
        else Assert.Equal(expected, Assert.Single(found).Matched);
    }

    [Theory]
    [InlineData("ab", true)]
    [InlineData("AB!", true)]
    [InlineData("你ab我", true)]
    [InlineData("abc", false)]
    [InlineData("cab", false)]
    [InlineData("ab1", false)]
    [InlineData("c.ab", false)]
    [InlineData("c ab", true)]
    [InlineData("abbb", true)]
    [InlineData("aab", true)]
    public void FindAll_LatinPhrase_MatchesOnlyAsAWholeToken(string text, bool expected)
    {
        string[] phrases = ["ab"];
        var matcher = new PhraseMatcher(phrases, [], NormalizationSettings.All);
        Assert.Equal(expected, Find(matcher, phrases, text).Count == 1);
    }

    [Fact]
    public void FindAll_SpaceBetweenLatinWords_IsPartOfThePhrase()
    {
        string[] phrases = ["shut up"];
        var matcher = new PhraseMatcher(phrases, [], NormalizationSettings.All);
        Assert.Single(Find(matcher, phrases, "please SHUT   UP now"));
        Assert.Empty(Find(matcher, phrases, "shutup"));
        Assert.Empty(Find(matcher, phrases, "shut, up"));
    }

    [Fact]
    public void FindAll_AstralCharacterInAPhrase_IsOneUnit()
    {
        string[] phrases = ["你🐴"];
        var matcher = new PhraseMatcher(phrases, [], NormalizationSettings.All);
        Assert.Equal("你🐴", Assert.Single(Find(matcher, phrases, "你🐴啊")).Matched);
        Assert.Empty(Find(matcher, phrases, "你🐶"));
    }

    [Fact]
    public void FindAll_AllowedWordOverlappingAMatch_SuppressesIt()
    {
        string[] phrases = ["操"];
        var matcher = new PhraseMatcher(phrases, ["操作"], NormalizationSettings.All);
        Assert.Empty(Find(matcher, phrases, "这样操作"));
        Assert.Single(Find(matcher, phrases, "操！"));
    }

    [Fact]
    public void FindAll_AllowedWordThatIsPartOfThePhrase_DoesNotSuppressIt()
    {
        string[] phrases = ["问那么多干嘛"];
        var matcher = new PhraseMatcher(phrases, ["干嘛"], NormalizationSettings.All);
        Assert.Single(Find(matcher, phrases, "问那么多干嘛"));
    }

    [Fact]
    public void FindAll_AllowedWordRevealedByCollapsedRepeats_SuppressesIt()
    {
        string[] phrases = ["你妈的"];
        var matcher = new PhraseMatcher(phrases, ["妈妈"], NormalizationSettings.All);
        Assert.Empty(Find(matcher, phrases, "你妈妈的"));
        Assert.Single(Find(matcher, phrases, "你妈的"));
    }

    [Fact]
    public void FindAll_PhraseWithADoubledCharacter_StillMatchesWithCollapseOn()
    {
        string[] phrases = ["呵呵"];
        var matcher = new PhraseMatcher(phrases, [], NormalizationSettings.All);
        Assert.Single(Find(matcher, phrases, "呵呵"));
        Assert.Empty(Find(matcher, phrases, "呵"));
    }

    [Theory]
    [InlineData("Ｓ Ｂ", "s b")]
    [InlineData("傻 * 逼", "傻逼")]
    [InlineData("幹\u200B你娘", "干你娘")]
    [InlineData("***", "")]
    [InlineData("shut   up", "shut up")]
    public void Normalize_ShowsTheComparedForm(string phrase, string expected)
        => Assert.Equal(expected, PhraseMatcher.Normalize(phrase, NormalizationSettings.All));
}
