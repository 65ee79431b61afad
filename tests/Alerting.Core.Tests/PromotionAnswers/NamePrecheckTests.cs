using Alerting.Core.Rules.PromotionAnswers;
using static Alerting.Core.Tests.PromotionAnswers.PromoTestKit;

namespace Alerting.Core.Tests.PromotionAnswers;

/// <summary>
/// The raw-text pre-check that keeps folding off replies naming no promotion must never hide a name that folding
/// would find: traditional, full-width, upper-case and spaced spellings of a plain name, and numeral spellings of
/// a name with digits (the character table and the numeral grammar are folding's own limits, not the pre-check's).
/// </summary>
public class NamePrecheckTests
{
    private static readonly WrongPromoAnswerRule Store = Rule(
        Promo("vip", p => { p.Name = "会员满减"; p.Aliases = ["VIP日"]; p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 }; }),
        Promo("d11", p => { p.Name = "双11狂欢"; p.Aliases = ["618返场"]; p.ThresholdDiscount = new() { Threshold = 400, Amount = 60 }; }));

    [Theory]
    [InlineData("会员满减是满200减50哦")]
    [InlineData("會員滿減是满200减50哦")]          // traditional
    [InlineData("会 员 满 减是满200减50")]         // spaced
    [InlineData("会\u200b员满减满200减50")]        // zero-width space
    [InlineData("vip日满200减50")]                // lower case of an upper-case alias
    [InlineData("ＶＩＰ日满200减50")]             // full-width
    public void PlainName_InAnySpellingFoldingAccepts_IsFound(string text)
    {
        var alert = Single(Store, Agent(text));
        Assert.Equal("threshold_discount", Kind(alert));
    }

    [Theory]
    [InlineData("双十一狂欢满300减60")]
    [InlineData("雙11狂欢满300减60")]
    [InlineData("６１８返场满300减60")]        // full-width digits
    public void NameWithDigits_InNumeralOrTraditionalSpelling_IsFound(string text)
        => Assert.Equal("threshold_discount", Kind(Single(Store, Agent(text))));

    [Theory]
    [InlineData("会员可以满200减50")]   // no name: nothing is named or asked, so nothing is judged
    [InlineData("新款满200减50")]
    [InlineData("满减活动一般两天后到账")]
    public void RepliesNamingNoPromotion_StaySilent(string text) => Assert.Empty(Run(Store, Agent(text)));
}
