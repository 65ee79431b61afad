namespace Alerting.Simulation.Tests;

public class OptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        var o = new SimulationOptions();
        Assert.Empty(o.Validate());
        Assert.Equal(new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8)), o.Start);
        Assert.Equal(1_000, o.Conversations);
    }

    [Fact]
    public void InvalidOptions_AreRejectedNamingEachOption()
    {
        var o = new SimulationOptions
        {
            Stores = 0, RudeReplyRate = 1.5, Conversations = null, MessageCount = null,
            CleanReplyDelayMax = TimeSpan.FromSeconds(35), SlowReplyDelayMax = TimeSpan.FromSeconds(200),
        };
        var ex = Assert.Throws<ArgumentException>(() => new ChatTrafficGenerator(o));
        foreach (var name in new[] { "Stores", "RudeReplyRate", "Conversations or MessageCount", "CleanReplyDelayMax", "SlowReplyDelayMax" })
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_IsTruncatedToMilliseconds_AndItsOffsetIsKept()
    {
        var start = new DateTimeOffset(2026, 6, 18, 0, 0, 0, TimeSpan.FromHours(8)).AddTicks(12_345);
        var first = new ChatTrafficGenerator(new SimulationOptions { Start = start, Conversations = 1 }).Generate().First();
        Assert.Equal(new DateTimeOffset(2026, 6, 18, 0, 0, 0, 1, TimeSpan.FromHours(8)), first.Message.SentAt);
    }
}
