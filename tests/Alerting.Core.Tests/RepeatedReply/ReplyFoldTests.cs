using System.Text;
using Alerting.Core.Rules.RepeatedReply;
using Alerting.Core.Text;
using static Alerting.Core.Tests.TestKit.TextRuleKit;

namespace Alerting.Core.Tests.RepeatedReply;

/// <summary>
/// The one-pass reply fold against the normalizer it replaces (<see cref="PhraseMatcher.Normalize"/> with every fold on,
/// then everything outside the BMP but letters and digits dropped): the reply hashes in a checkpoint must keep matching.
/// </summary>
public sealed class ReplyFoldTests
{
    /// <summary>The former fold, kept here as the reference.</summary>
    private static string Reference(string text)
    {
        var folded = PhraseMatcher.Normalize(text, NormalizationSettings.All);
        var sb = new StringBuilder(folded.Length);
        foreach (var rune in folded.EnumerateRunes())
            if (rune.IsBmp || Rune.IsLetterOrDigit(rune)) sb.Append(rune.ToString());
        return sb.ToString();
    }

    public static TheoryData<string> Texts() =>
    [
        "亲，您好！这边帮您查询一下哦~", "好的😊", "好的👌", "Ｈｅｌｌｏ　Ｗｏｒｌｄ", "hello   world", "a 😊 b", "a😊 b", "sh*t happens", "f*u*c*k", "a ** b",
        "订单号：１２３４５６７８９０", "三百二十块钱呢?", "請問這個商品還有貨嗎？", "在吗在吗在吗！！！", "\u200b亲\u200d在的\ufeff", "line1\nline2\r\nline3",
        "𠀀𠀁 汉字扩展B", "😀😀😀", " 前后空格 ", "A.B.C", "ｗｗｗ．ｔａｏｂａｏ．ｃｏｍ", "价格 99 元 ok", "", "   ",
        "亲亲~~发货了哦呢", "Ｑ：包邮吗？Ａ：包邮的亲", "mixed 中文 and English 123 四五六", "tab\tseparated\ttext", "\u00a0nbsp\u00a0here",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Fold_MatchesTheNormalizerAndFilter(string text)
    {
        Assert.Equal(Reference(text), ReplyFold.Fold(text));
    }

    [Fact]
    public void Fold_OfLoneSurrogates_MatchesTheNormalizer()
    {
        // Kept out of the theory data: xunit cannot serialize an invalid UTF-16 string for discovery.
        foreach (var text in new[] { "\ud800 lone high", "lone low \udc00 x", "好\ud83d的", "\udc00\ud800" })
            Assert.Equal(Reference(text), ReplyFold.Fold(text));
    }

    [Fact]
    public void Fold_OnEveryCrossWozUtterance_MatchesTheNormalizerAndFilter()
    {
        var n = 0;
        foreach (var (line, _, text) in CrossWozUtterances())
        {
            Assert.True(Reference(text) == ReplyFold.Fold(text), $"line {line}: {text}");
            n++;
        }
        Assert.True(n > 1000, $"only {n} utterances read");
    }

    [Fact]
    public void Hash_IsTheFnv1aOfTheFoldedText_AndNeverZero()
    {
        // FNV-1a 64 of "ab": the stored hashes of a checkpoint were computed this way.
        var expected = unchecked((((14695981039346656037UL ^ 'a') * 1099511628211UL) ^ 'b') * 1099511628211UL);
        Assert.Equal(expected, ReplyFold.Hash("ab"));
        Assert.NotEqual(0UL, ReplyFold.Hash(""));
    }
}
