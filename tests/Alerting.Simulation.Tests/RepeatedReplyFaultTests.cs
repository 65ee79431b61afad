using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Replay;

namespace Alerting.Simulation.Tests;

/// <summary>The <c>repeated_reply</c> fault: its rate, its labels, its ground truth, and the rule scoring it.</summary>
public class RepeatedReplyFaultTests
{
    [Fact]
    public void Rate_IsPerConversation_AndEveryBurstIsThreeIdenticalCopiesBeforeTheBuyerSpeaksAgain()
    {
        const int conversations = 6_000;
        var run = CompletedRun.Of(new SimulationOptions { Seed = 71, Conversations = conversations, RepeatedReplyRate = 0.1 });
        var bursts = run.Messages.Where(m => m.Fault.HasFlag(SimulatedFault.RepeatedReply)).GroupBy(m => m.Message.ConversationId).ToList();
        var mean = 0.1 * conversations;
        Assert.InRange(bursts.Count, mean - 5 * Math.Sqrt(mean * 0.9), mean + 5 * Math.Sqrt(mean * 0.9));
        var byConversation = run.Messages.ToLookup(m => m.Message.ConversationId);
        foreach (var burst in bursts)
        {
            var copies = burst.Select(m => m.Message).ToList();
            Assert.Equal(3, copies.Count);
            Assert.Single(copies.Select(c => c.Text).Distinct());
            Assert.All(copies, c => Assert.Equal(SenderKind.Agent, c.Sender));
            Assert.True(copies[2].SentAt - copies[0].SentAt <= TimeSpan.FromSeconds(5));
            // No buyer message falls between the copies.
            Assert.DoesNotContain(byConversation[burst.Key], m => m.Message.Sender == SenderKind.Buyer && m.Message.SentAt > copies[0].SentAt && m.Message.SentAt < copies[2].SentAt);
        }
        var expected = run.Expected.Where(a => a.Rule == ExpectedAlert.RepeatedReply).ToList();
        Assert.Equal(bursts.Count, expected.Count);
        foreach (var alert in expected)
        {
            var ids = bursts.Single(b => b.Key == alert.ConversationId).Select(m => m.Message.MessageId);
            Assert.Equal(ids, alert.MessageIds);
            Assert.Equal(AlertIds.ForConversation(ExpectedAlert.RepeatedReply, alert.ConversationId, alert.MessageIds[0]), alert.AlertId);
        }
    }

    [Fact]
    public void ZeroRate_LeavesTheOutputOfOlderRunsUnchanged()
    {
        var before = CompletedRun.Of(new SimulationOptions { Seed = 72, Conversations = 800 });
        var zero = CompletedRun.Of(new SimulationOptions { Seed = 72, Conversations = 800, RepeatedReplyRate = 0 });
        var on = CompletedRun.Of(new SimulationOptions { Seed = 72, Conversations = 800, RepeatedReplyRate = 0.2 });
        Assert.Equal(before.Messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)), zero.Messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)));
        Assert.DoesNotContain(before.Expected, a => a.Rule == ExpectedAlert.RepeatedReply);
        Assert.Contains(on.Expected, a => a.Rule == ExpectedAlert.RepeatedReply);
    }

    [Fact]
    public void MessageCount_CutInsideABurst_ExpectsNothingForIt()
    {
        // Cut the stream right after the second copy of the first burst.
        var full = CompletedRun.Of(new SimulationOptions { Seed = 73, Conversations = 300, RepeatedReplyRate = 0.5 });
        var second = full.Messages.Where(m => m.Fault.HasFlag(SimulatedFault.RepeatedReply)).GroupBy(m => m.Message.ConversationId).First().ElementAt(1);
        var cut = CompletedRun.Of(new SimulationOptions { Seed = 73, Conversations = 300, RepeatedReplyRate = 0.5, MessageCount = second.Sequence + 1 });
        Assert.Equal(second.Message.MessageId, cut.Messages[^1].Message.MessageId);
        Assert.DoesNotContain(cut.Expected, a => a.Rule == ExpectedAlert.RepeatedReply && a.ConversationId == second.Message.ConversationId);
    }

    [Theory]
    [InlineData(74, 0)]
    [InlineData(75, 3)]
    public void Replay_WithBuiltInDefaults_MatchesTheGroundTruthForRepeatedReply(int seed, int disorderSeconds)
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = seed, Conversations = 3_000, RepeatedReplyRate = 0.05, MaxDisorder = TimeSpan.FromSeconds(disorderSeconds) });
        var alerts = new List<Alert>();
        var jsonl = string.Join('\n', run.Messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)));
        ReplayRunner.Run(new StringReader(jsonl), RulesSnapshot.BuiltInDefaults(), alerts.Add, (line, reason) => Assert.Fail($"line {line}: {reason}"));
        var score = Evaluation.Compare(run.Expected, alerts, run.Run.LastSentAt).Single(s => s.Rule == ExpectedAlert.RepeatedReply);
        Assert.True(score.Expected > 100, $"only {score.Expected} expected");
        Assert.Equal(score.Expected, score.Matched);
        Assert.Equal(1.0, score.Precision);
        Assert.Equal(1.0, score.Recall);
    }
}
