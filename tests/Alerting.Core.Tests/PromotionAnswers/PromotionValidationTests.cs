using System.Text;
using Alerting.Core.Rules.PromotionAnswers;
using Microsoft.Extensions.Configuration;
using static Alerting.Core.Tests.PromotionAnswers.PromoTestKit;

namespace Alerting.Core.Tests.PromotionAnswers;

public class PromotionValidationTests
{
    private const string Store = "Rules:Stores:shop-a";

    private static List<string> Problems(params PromotionOptions[] promotions)
        => WrongPromoAnswerRule.Validate(new WrongPromoAnswerOptions(), promotions, Store).Select(p => p.ToString()).ToList();

    private static string One(params PromotionOptions[] promotions) => Assert.Single(Problems(promotions));

    [Fact]
    public void ValidPromotion_HasNoProblems()
        => Assert.Empty(Problems(Promo(configure: p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50 })));

    [Theory]
    [InlineData("Id", "", "Rules:Stores:shop-a:Promotions:0:Id: missing: every promotion needs an Id (reported as evidence.promotion)")]
    [InlineData("Start", "2026-13-01T00:00:00+08:00", "Rules:Stores:shop-a:Promotions:0:Start: cannot parse '2026-13-01T00:00:00+08:00' as an ISO-8601 date-time with offset, e.g. 2026-11-11T00:00:00+08:00")]
    [InlineData("End", "2026-11-12T00:00:00", "Rules:Stores:shop-a:Promotions:0:End: '2026-11-12T00:00:00' has no UTC offset: write an ISO-8601 date-time with offset, e.g. 2026-11-11T00:00:00+08:00")]
    [InlineData("End", "2026-10-01T00:00:00+08:00", "Rules:Stores:shop-a:Promotions:0:End: End 2026-10-01T00:00:00+08:00 is not after Start 2026-11-01T00:00:00+08:00; End is the first instant the promotion no longer applies")]
    [InlineData("TimeZone", "Beijing", "Rules:Stores:shop-a:Promotions:0:TimeZone: unknown time zone 'Beijing': expected an IANA id such as Asia/Shanghai")]
    [InlineData("Severity", "urgent", "Rules:Stores:shop-a:Promotions:0:Severity: unknown severity 'urgent': expected info, low, medium, high or critical")]
    [InlineData("Name", "双", "Rules:Stores:shop-a:Promotions:0:Name: '双' is too short to identify a promotion in chat (need at least 2 characters)")]
    public void Validate_FieldProblemsNamePathAndReason(string field, string value, string expected)
    {
        var p = Promo();
        typeof(PromotionOptions).GetProperty(field)!.SetValue(p, value);
        Assert.Equal(expected, One(p));
    }

    [Fact]
    public void DuplicateId_PointsAtTheFirstUse()
        => Assert.Equal("Rules:Stores:shop-a:Promotions:1:Id: duplicate id 'd11', already used by Rules:Stores:shop-a:Promotions:0",
            One(Promo(), Promo(configure: p => { p.Name = "另一个"; p.Aliases = []; })));

    [Fact]
    public void SameAliasOnOverlappingPromotions_IsAmbiguous()
        => Assert.Equal("Rules:Stores:shop-a:Promotions:1:Aliases:0: name '双十一' is also used by promotion 'd11' (Rules:Stores:shop-a:Promotions:0) and their time windows overlap, so a message naming it cannot be attributed",
            One(Promo(), Promo("d11-b", p => { p.Name = "双11返场"; p.Aliases = ["双十一"]; })));

    [Fact]
    public void SameAliasOnConsecutivePromotions_IsFine()
        => Assert.Empty(Problems(Promo(), Promo("d11-next", p => { p.Name = "双11返场"; p.Start = "2026-11-12T00:00:00+08:00"; p.End = "2026-11-14T00:00:00+08:00"; })));

    [Fact]
    public void PromotionWithoutAnyName_CannotBeTalkedAbout()
        => Assert.Equal("Rules:Stores:shop-a:Promotions:0:Name: missing: a promotion needs a Name or at least one alias, otherwise no message can name it",
            One(Promo(configure: p => { p.Name = null; p.Aliases = []; })));

    [Theory]
    [InlineData(300, 300, null, false, "Rules:Stores:shop-a:Promotions:0:ThresholdDiscount:Amount: amount 300 is not less than the threshold 300 (满300减300 would be free or better)")]
    [InlineData(0, 50, null, false, "Rules:Stores:shop-a:Promotions:0:ThresholdDiscount:Threshold: must be greater than 0, got 0")]
    [InlineData(300, 0, null, false, "Rules:Stores:shop-a:Promotions:0:ThresholdDiscount:Amount: must be greater than 0, got 0")]
    [InlineData(300, 50, 200, false, "Rules:Stores:shop-a:Promotions:0:ThresholdDiscount:Cap: a cap only applies to 每满 discounts: set PerEvery true or remove Cap")]
    [InlineData(300, 50, 30, true, "Rules:Stores:shop-a:Promotions:0:ThresholdDiscount:Cap: cap 30 is less than one discount of 50")]
    public void Validate_ThresholdDiscountProblems(int threshold, int amount, int? cap, bool perEvery, string expected)
        => Assert.Equal(expected, One(Promo(configure: p => p.ThresholdDiscount = new() { Threshold = threshold, Amount = amount, Cap = cap, PerEvery = perEvery })));

    [Fact]
    public void LadderTierProblems_AreIndexed()
        => Assert.Equal("Rules:Stores:shop-a:Promotions:0:ThresholdDiscount:Tiers:1:Amount: amount 900 is not less than the threshold 800 (满800减900 would be free or better)",
            One(Promo(configure: p => p.ThresholdDiscount = new() { Threshold = 300, Amount = 50, Tiers = [new() { Threshold = 600, Amount = 100 }, new() { Threshold = 800, Amount = 900 }] })));

    [Fact]
    public void Validate_OtherTermProblems()
    {
        var problems = Problems(Promo(configure: p =>
        {
            p.PercentDiscount = new() { Zhe = 85 };
            p.Coupon = new() { FaceValue = 300, Threshold = 300 };
            p.Presale = new() { Deposit = 100, Offset = 50, FinalPaymentStart = "11月11日" };
            p.Prices = [new() { Product = "面霜", Price = 199 }, new() { Product = "面 霜", Price = 0 }];
            p.Shipping = new() { WithinHours = 0 };
            p.Gift = new() { Item = "" };
        }));
        Assert.Equal(string.Join("\n",
        [
            "Rules:Stores:shop-a:Promotions:0:PercentDiscount:Zhe: must be a 折 value between 0 and 10 exclusive (8.5 = 8.5折 = 15% off), got 85",
            "Rules:Stores:shop-a:Promotions:0:Coupon:FaceValue: face value 300 is not less than the threshold 300; use Threshold 0 for 无门槛",
            "Rules:Stores:shop-a:Promotions:0:Presale:Offset: offset 50 is less than the deposit 100 (定金X抵Y needs Y ≥ X)",
            "Rules:Stores:shop-a:Promotions:0:Presale:FinalPaymentStart: cannot parse '11月11日' as an ISO-8601 date-time with offset, e.g. 2026-11-11T00:00:00+08:00",
            "Rules:Stores:shop-a:Promotions:0:Gift:Item: missing: name the gift",
            "Rules:Stores:shop-a:Promotions:0:Prices:1:Product: product '面 霜' already priced at Rules:Stores:shop-a:Promotions:0:Prices:0",
            "Rules:Stores:shop-a:Promotions:0:Prices:1:Price: must be greater than 0, got 0",
            "Rules:Stores:shop-a:Promotions:0:Shipping:WithinHours: must be greater than 0, got 0",
        ]), string.Join("\n", problems));
    }

    [Fact]
    public void OptionProblems_UseTheWrongPromoAnswerSectionUnderPath()
    {
        var problems = WrongPromoAnswerRule.Validate(new WrongPromoAnswerOptions { AskedPromotionWindow = TimeSpan.FromMinutes(-1) }, [], "Rules");
        Assert.Equal("Rules:WrongPromoAnswer:AskedPromotionWindow", Assert.Single(problems).Path);
    }

    /// <summary>The example of the README, bound by the real configuration binder.</summary>
    internal const string ReadmeExample = """
    {
      "Rules": {
        "WrongPromoAnswer": { "Enabled": true, "AskedPromotionWindow": "00:10:00", "CheckValidity": true },
        "Stores": {
          "shop-a": {
            "Promotions": [
              {
                "Id": "d11-main",
                "Name": "双11主会场",
                "Aliases": [ "双11", "双十一", "11.11大促" ],
                "Start": "2026-11-11T00:00:00+08:00",
                "End": "2026-11-12T00:00:00+08:00",
                "TimeZone": "Asia/Shanghai",
                "Severity": "high",
                "ThresholdDiscount": {
                  "Threshold": 300, "Amount": 50,
                  "Tiers": [ { "Threshold": 600, "Amount": 120 } ]
                },
                "Coupon": { "FaceValue": 20, "Threshold": 199, "HowToGet": "店铺首页领取" },
                "Prices": [ { "Product": "保湿面霜", "Price": 199 } ],
                "Shipping": { "WithinHours": 48 }
              },
              {
                "Id": "d11-presale",
                "Name": "双11预售",
                "Aliases": [ "预售" ],
                "Start": "2026-10-20T20:00:00+08:00",
                "End": "2026-11-11T00:00:00+08:00",
                "Severity": "critical",
                "Presale": {
                  "Deposit": 50, "Offset": 100,
                  "FinalPaymentStart": "2026-11-11T00:00:00+08:00",
                  "FinalPaymentEnd": "2026-11-12T00:00:00+08:00"
                },
                "Gift": { "Item": "旅行装小样", "Threshold": 0 }
              },
              {
                "Id": "d11-appliance",
                "Name": "家电专场",
                "Start": "2026-11-01T00:00:00+08:00",
                "End": "2026-11-12T00:00:00+08:00",
                "ThresholdDiscount": { "Threshold": 1000, "Amount": 100, "PerEvery": true, "Cap": 500 },
                "PercentDiscount": { "Zhe": 9.5, "MinItems": 2 }
              }
            ]
          }
        }
      }
    }
    """;

    [Fact]
    public void ReadmeExample_BindsValidatesAndWorks()
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(ReadmeExample))).Build();
        var options = config.GetSection("Rules:WrongPromoAnswer").Get<WrongPromoAnswerOptions>()!;
        var promotions = config.GetSection($"{Store}:Promotions").Get<List<PromotionOptions>>()!;
        Assert.Equal(3, promotions.Count);
        Assert.Equal(TimeSpan.FromMinutes(10), options.AskedPromotionWindow);
        Assert.Equal(120, promotions[0].ThresholdDiscount!.Tiers[0].Amount);
        Assert.Equal(9.5m, promotions[2].PercentDiscount!.Zhe);
        Assert.Empty(WrongPromoAnswerRule.Validate(options, promotions, Store));

        var rule = new WrongPromoAnswerRule(options, promotions);
        Assert.Equal("满减门槛说错：活动为满300减50，客服回复满200减50", Single(rule, Agent("双十一满两百减五十")).Summary);
        Assert.Equal("d11-presale", (string)Single(rule, Agent("预售定金50抵150", new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.FromHours(8)))).Evidence["promotion"]!);
        Assert.Empty(Run(rule, Agent("家电专场每满1000减100，满3000减300")));
        // How to get the coupon is not compared, but shown with the expected terms of a wrong coupon answer.
        var coupon = Single(rule, Agent("双11满99就能用20元券"));
        Assert.Equal("满199可用20元券（店铺首页领取）", (string)coupon.Evidence["expected"]!);
    }

    [Fact]
    public void CouponHowToGetLongerThan100Characters_IsRefused()
    {
        var p = Promo(configure: x => x.Coupon = new() { FaceValue = 20, HowToGet = new string('领', 101) });
        Assert.Equal("Rules:Stores:shop-a:Promotions:0:Coupon:HowToGet: at most 100 characters (it is shown in alerts), got 101", One(p));
    }
}
