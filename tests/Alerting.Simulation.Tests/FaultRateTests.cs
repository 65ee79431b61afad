using System.Text.RegularExpressions;
using Alerting.Core.Messages;

namespace Alerting.Simulation.Tests;

public partial class FaultRateTests
{
    [GeneratedRegex(@"满\d+减\d+")]
    private static partial Regex PromoTerms();

    private static CompletedRun Run(SimulationOptions options) => CompletedRun.Of(options);

    [Fact]
    public void DefaultRates_AreRoughlyRespected()
    {
        var options = new SimulationOptions { Seed = 41, Conversations = 20_000 };
        var run = Run(options);
        var agent = run.AgentMessages.ToList();
        var rude = agent.Count(m => m.Fault.HasFlag(SimulatedFault.RudeLanguage));
        AssertRate(options.RudeReplyRate, rude, agent.Count, "rude per agent message");

        var promoStatements = agent.Count(m => PromoTerms().IsMatch(m.Message.Text));
        var wrong = agent.Count(m => m.Fault.HasFlag(SimulatedFault.WrongPromoAnswer));
        AssertRate(options.WrongPromoRate, wrong, promoStatements, "wrong promo per promo statement");

        var answeredTurns = CountAnsweredTurns(run);
        var slow = run.Expected.Count(a => a.Rule == ExpectedAlert.SlowResponse);
        AssertRate(options.SlowReplyRate, slow, answeredTurns, "slow per answered buyer turn");

        var unanswered = run.Expected.Count(a => a.Rule == ExpectedAlert.UnansweredBuyer);
        AssertRate(options.UnansweredRate, unanswered, 20_000, "unanswered per conversation");
    }

    [Fact]
    public void ZeroRates_GiveNoAlerts()
    {
        var run = Run(new SimulationOptions { Seed = 42, Conversations = 3_000, RudeReplyRate = 0, WrongPromoRate = 0, SlowReplyRate = 0, UnansweredRate = 0 });
        Assert.Empty(run.Expected);
        Assert.All(run.Messages, m => Assert.Equal(SimulatedFault.None, m.Fault));
    }

    [Fact]
    public void HighRates_AreRespectedToo()
    {
        var options = new SimulationOptions { Seed = 43, Conversations = 5_000, RudeReplyRate = 0.2, WrongPromoRate = 0.5, SlowReplyRate = 0.3, UnansweredRate = 0.25 };
        var run = Run(options);
        var agent = run.AgentMessages.ToList();
        AssertRate(0.2, agent.Count(m => m.Fault.HasFlag(SimulatedFault.RudeLanguage)), agent.Count, "rude");
        AssertRate(0.25, run.Expected.Count(a => a.Rule == ExpectedAlert.UnansweredBuyer), 5_000, "unanswered");
        AssertRate(0.3, run.Expected.Count(a => a.Rule == ExpectedAlert.SlowResponse), CountAnsweredTurns(run), "slow");
    }

    private static int CountAnsweredTurns(CompletedRun run)
    {
        var turns = 0;
        foreach (var conv in run.Messages.GroupBy(m => m.Message.ConversationId))
        {
            var waiting = false;
            foreach (var m in conv.Select(x => x.Message))
            {
                if (m.Sender == SenderKind.Buyer && m.Event == ChatEventKind.Message) waiting = true;
                else if (m.Sender == SenderKind.Agent && m.Event == ChatEventKind.Message && waiting)
                {
                    turns++;
                    waiting = false;
                }
            }
        }
        return turns;
    }

    /// <summary>Within 5 binomial standard deviations (and at least ±20 % of the expectation for tiny counts).</summary>
    private static void AssertRate(double rate, int hits, int trials, string what)
    {
        Assert.True(trials > 0, what + ": no opportunities");
        var mean = rate * trials;
        var tolerance = Math.Max(5 * Math.Sqrt(trials * rate * (1 - rate)), 0.2 * mean);
        Assert.True(Math.Abs(hits - mean) <= tolerance, $"{what}: {hits}/{trials} = {(double)hits / trials:P2}, expected about {rate:P2}");
    }
}
