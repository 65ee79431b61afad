using System.Security.Cryptography;

namespace Alerting.Simulation.Tests;

public class DeterminismTests
{
    private static string Digest(SimulationOptions options)
    {
        var generator = new ChatTrafficGenerator(options);
        var run = generator.CreateRun();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var m in run.Messages)
        {
            sha.AppendData(m.Utf8Json);
            sha.AppendData("\n"u8);
        }
        foreach (var a in run.ExpectedAlerts) sha.AppendData(GroundTruthFile.ToUtf8(a));
        foreach (var p in run.Promotions) sha.AppendData(System.Text.Encoding.UTF8.GetBytes(p.ToString()));
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    [Fact]
    public void Generate_WithSameOptions_IsByteIdentical()
    {
        var a = Digest(new SimulationOptions { Seed = 7, Conversations = 800 });
        var b = Digest(new SimulationOptions { Seed = 7, Conversations = 800 });
        Assert.Equal(a, b);
    }

    [Fact]
    public void Generate_WithDisorderAndMessageCount_IsByteIdentical()
    {
        SimulationOptions Make() => new() { Seed = 99, Conversations = null, MessageCount = 3_000, MaxDisorder = TimeSpan.FromSeconds(3) };
        Assert.Equal(Digest(Make()), Digest(Make()));
    }

    [Fact]
    public void Generate_WithDifferentSeeds_Differs()
    {
        Assert.NotEqual(Digest(new SimulationOptions { Seed = 1, Conversations = 200 }), Digest(new SimulationOptions { Seed = 2, Conversations = 200 }));
    }

    [Fact]
    public void Generate_EnumeratedTwice_GivesTheSameStream()
    {
        var generator = new ChatTrafficGenerator(new SimulationOptions { Seed = 3, Conversations = 300 });
        var first = generator.Generate().Select(m => Convert.ToHexString(m.Utf8Json)).ToList();
        var second = generator.Generate().Select(m => Convert.ToHexString(m.Utf8Json)).ToList();
        Assert.Equal(first, second);
    }

    [Fact]
    public void SimulationRun_Messages_CanBeEnumeratedOnlyOnce()
    {
        var run = new ChatTrafficGenerator(new SimulationOptions { Conversations = 5 }).CreateRun();
        _ = run.Messages.Count();
        Assert.Throws<InvalidOperationException>(() => run.Messages);
    }

    [Fact]
    public void SimRandom_Ln_MatchesMathLog()
    {
        foreach (var x in new[] { 1e-12, 0.001, 0.1, 0.3, 0.5, 0.7, 0.999999, 1.0 })
            Assert.Equal(Math.Log(x), SimRandom.Ln(x), 12);
    }
}
