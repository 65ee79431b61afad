using Alerting.Core.Rules.PromotionAnswers;

namespace Alerting.Core.Tests.PromotionAnswers;

/// <summary>
/// The raw-text pre-check for store-wide terms must never skip a reply in which the store-wide patterns find a
/// term: checked on every agent answer of every promotion corpus, and on the phrasings it is meant to skip.
/// </summary>
public class StoreWidePrecheckTests
{
    private static readonly StorePolicyOptions AllKinds = new()
    {
        Shipping = new() { WithinHours = 48 },
        FreeShipping = new() { Threshold = 99 },
        Returns = new() { NoReasonDays = 7 },
        Prices = [new() { Product = "精华水", Price = 159 }],
    };

    private static readonly StoreWidePrecheck Check = new([], AllKinds);

    public static TheoryData<string> CorpusFiles() => new() { "promotion-cases.txt", "promotion-heldout.txt", "promotion-heldout2.txt", "promotion-heldout3.txt" };

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CanState_EveryAnswerWithAStoreWideTerm_IsTrue(string file)
    {
        var checkedAnswers = 0;
        foreach (var c in PromotionCorpusTests.LoadCases(file))
        {
            var text = PromoText.Fold(c.Agent);
            if (StatedTermExtractor.Extract(text, text, ["精华水"], storeWideOnly: true).Count == 0) continue;
            checkedAnswers++;
            Assert.True(Check.CanState(c.Agent), $"{file} line {c.Line}: the pre-check skips '{c.Agent}', whose folded form states a store-wide term");
        }
        Assert.True(checkedAnswers > 0, $"{file}: no answer states a store-wide term, so nothing was checked");
    }

    [Theory]
    [InlineData("48小时内发货")]
    [InlineData("四十八小時內就能給您發貨")]
    [InlineData("付款后72 小时以内都会发出")]
    [InlineData("发货时间一般是付款后48小时")]
    [InlineData("两到三天发货")]
    [InlineData("当天发")]
    [InlineData("11月12日前会陆续发出")]
    [InlineData("全场包邮哦")]
    [InlineData("满99免邮")]
    [InlineData("运费需要您自理")]
    [InlineData("需要补运费")]
    [InlineData("支持7天无理由")]
    [InlineData("精華水到手价159")]
    public void CanState_StoreWidePhrasings_IsTrue(string text) => Assert.True(Check.CanState(text), text);

    [Theory]
    [InlineData("如果11月16日还没收到，我这边直接给您补发")]
    [InlineData("发到长沙一般2天左右送达")]
    [InlineData("亲，赠品在订单里显示为0元商品，会一起发出")]
    [InlineData("已经帮您联系邮政EMS催件了")]
    [InlineData("运费我们承担，您申请退货就行")]
    [InlineData("牛仔裤有运费险，退货运费会自动理赔")]
    [InlineData("库存还有34件")]
    public void CanState_RepliesNoStoreWidePatternReads_IsFalse(string text) => Assert.False(Check.CanState(text), text);
}
