using Alerting.Core.Pipeline;
using static Alerting.Core.Rules.UnansweredBuyer.UnansweredBuyerRule;

namespace Alerting.Core.Tests.Pipeline;

public class BusinessHoursTests
{
    private const string Slow = Alerting.Core.Rules.SlowResponse.SlowResponseRule.RuleName;

    private static ChatScript Store(string opens, string closes, string zone = "Asia/Shanghai")
        => new(("Rules:Conversation:BusinessHours:Opens", opens), ("Rules:Conversation:BusinessHours:Closes", closes), ("Rules:Conversation:BusinessHours:TimeZone", zone));

    private static double At(int hour, int minute = 0, int second = 0) => hour * 3600 + minute * 60 + second; // seconds after 2026-11-11 00:00 Beijing

    [Fact]
    public void BuyerWritingAtNight_StartsToWaitWhenTheStoreOpens()
    {
        var s = Store("09:00", "24:00").Buyer(At(3), "b1");
        s.ClockTo(At(8, 59));
        Assert.Empty(s.Alerts);
        s.ClockTo(At(9, 2, 59));
        Assert.Empty(s.Alerts);
        s.ClockTo(At(9, 3));
        var alert = Assert.Single(s.Of(RuleName));
        Assert.Equal(ChatScript.Origin.AddSeconds(At(9, 3)), alert.EventTime);
    }

    [Fact]
    public void ReplyJustAfterOpening_IsNotSlow_ForAMessageSentBeforeOpening()
    {
        var s = Store("09:00", "24:00").Buyer(At(8, 59, 50), "b1").Agent(At(9, 0, 20), "a1");
        Assert.Empty(s.Alerts);
    }

    [Fact]
    public void SlowResponse_CountsOnlyOpenTime()
    {
        var s = Store("09:00", "24:00").Buyer(At(8, 59, 50), "b1").Agent(At(9, 0, 45), "a1");
        var alert = Assert.Single(s.Of(Slow));
        Assert.Equal(45.0, (double)alert.Evidence["delaySeconds"]!);
    }

    [Fact]
    public void CloseOutsideHours_FiresOnlyIfCountedWaitReachedTheThreshold()
    {
        var quiet = Store("09:00", "24:00").Buyer(At(3), "b1").Close(At(4));
        Assert.Empty(quiet.Alerts);

        // 23:58 → closes at 24:00 (2 min counted) → conversation closed at 00:30 next day: 120 s < 180 s.
        var shortWait = Store("09:00", "24:00").Buyer(At(23, 58), "b1").Close(At(24, 30));
        Assert.Empty(shortWait.Alerts);
    }

    [Fact]
    public void CloseDuringHours_FiresAsUsual()
    {
        var s = Store("09:00", "24:00").Buyer(At(10), "b1").Close(At(10, 1));
        Assert.Single(s.Of(RuleName));
    }

    [Fact]
    public void HoursAcrossMidnight_CountWaitingOnBothSides()
    {
        // Open 20:00–02:00: a buyer at 01:59 has 60 s counted before closing, then 120 s after 20:00.
        var s = Store("20:00", "02:00").Buyer(At(1, 59), "b1");
        s.ClockTo(At(19, 59));
        Assert.Empty(s.Alerts);
        s.ClockTo(At(20, 2));
        var alert = Assert.Single(s.Of(RuleName));
        Assert.Equal(ChatScript.Origin.AddSeconds(At(20, 2)), alert.EventTime);
    }

    [Fact]
    public void HoursInAnotherTimeZone_AreConverted()
    {
        // Tokyo is UTC+9: 09:00 Tokyo = 08:00 Beijing.
        var s = Store("09:00", "18:00", "Asia/Tokyo").Buyer(At(7), "b1");
        s.ClockTo(At(8, 3));
        Assert.Equal(ChatScript.Origin.AddSeconds(At(8, 3)), Assert.Single(s.Of(RuleName)).EventTime);
    }

    [Fact]
    public void CountedBetween_AlwaysOpen_IsElapsedTime()
    {
        var t = ChatScript.Origin;
        Assert.Equal(TimeSpan.FromMinutes(5), BusinessHours.AlwaysOpen.CountedBetween(t, t.AddMinutes(5)));
        Assert.Equal(t.AddMinutes(3), BusinessHours.AlwaysOpen.AddCounted(t, TimeSpan.FromMinutes(3)));
    }

    [Theory]
    [InlineData("09:00", "", "set both Opens and Closes")]
    [InlineData("9am", "18:00", "expected a time of day HH:mm")]
    [InlineData("09:00", "25:00", "expected a time of day HH:mm or 24:00")]
    [InlineData("09:00", "09:00", "must differ from Opens")]
    public void InvalidHours_AreRefusedWithReason(string opens, string closes, string reason)
    {
        var problems = new BusinessHoursOptions { Opens = opens, Closes = closes }.Validate("Rules:Conversation:BusinessHours").ToList();
        Assert.Contains(problems, p => p.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownTimeZone_IsRefused()
    {
        var problems = new BusinessHoursOptions { TimeZone = "Mars/Olympus" }.Validate("x").ToList();
        Assert.Contains(problems, p => p.Path == "x:TimeZone");
    }
}
