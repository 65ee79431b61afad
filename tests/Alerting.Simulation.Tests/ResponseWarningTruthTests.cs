using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Replay;
using Microsoft.Extensions.Configuration;

namespace Alerting.Simulation.Tests;

/// <summary>The <c>response_warning</c> ground truth (near-miss replies, slow and unanswered waits) against the rule.</summary>
public class ResponseWarningTruthTests
{
    private static RulesSnapshot WarningsOn()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Rules:ResponseWarning:Enabled", (string?)"true")]).Build();
        return RulesSnapshotBuilder.Build(config).Snapshot!;
    }

    [Theory]
    [InlineData(81, 0)]
    [InlineData(82, 4)]
    public void Replay_MatchesTheGroundTruthForResponseWarning(int seed, int disorderSeconds)
    {
        var run = CompletedRun.Of(new SimulationOptions
        {
            Seed = seed, Conversations = 3_000, ResponseWarningShare = 0.667, NearMissReplyRate = 0.05, MaxDisorder = TimeSpan.FromSeconds(disorderSeconds),
        });
        var alerts = new List<Alert>();
        var jsonl = string.Join('\n', run.Messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)));
        ReplayRunner.Run(new StringReader(jsonl), WarningsOn(), alerts.Add, (line, reason) => Assert.Fail($"line {line}: {reason}"));
        var score = Evaluation.Compare(run.Expected, alerts, run.Run.LastSentAt).Single(s => s.Rule == ExpectedAlert.ResponseWarning);
        Assert.True(score.Expected > 200, $"only {score.Expected} expected");
        Assert.True(score.Precision == 1 && score.Recall == 1, Evaluation.Format([score]));
        // Every labelled near miss is among them, and each warning of a replied wait is resolved once.
        var nearMisses = run.Expected.Count(e => e.Rule == ExpectedAlert.ResponseWarning && e.Evidence["endedBy"] == "near_miss");
        Assert.True(nearMisses > 50, $"{nearMisses} near misses");
        var resolved = alerts.Where(a => a.Rule == ExpectedAlert.ResponseWarning && a.Status == AlertStatus.Resolved).GroupBy(a => a.AlertId).ToList();
        Assert.All(resolved, g => Assert.Single(g));
        Assert.Equal(run.Expected.Count(e => e.Rule == ExpectedAlert.ResponseWarning && e.Evidence["endedBy"] is "near_miss" or "reply" or "close"), resolved.Count);
    }

    [Fact]
    public void NearMissReplies_FallBetweenTheWarningPointAndTheThreshold()
    {
        var options = new SimulationOptions { Seed = 83, Conversations = 2_000, ResponseWarningShare = 0.667, NearMissReplyRate = 0.2 };
        var run = CompletedRun.Of(options);
        var warnings = run.Expected.Where(e => e.Rule == ExpectedAlert.ResponseWarning && e.Evidence["endedBy"] == "near_miss").ToList();
        Assert.NotEmpty(warnings);
        var byId = run.ById();
        var replies = run.Messages.Where(m => m.Fault.HasFlag(SimulatedFault.NearMissReply)).ToList();
        Assert.Equal(replies.Count, warnings.Count);
        foreach (var w in warnings)
        {
            var waitStart = byId[w.MessageIds[0]].Message.SentAt;
            var reply = replies.Single(r => r.Message.ConversationId == w.ConversationId && r.Message.SentAt > waitStart && r.Message.SentAt - waitStart < options.SlowResponseThreshold);
            Assert.InRange(reply.Message.SentAt - waitStart, options.WarningPoint, options.SlowResponseThreshold);
        }
        // No slow_response for a near miss.
        Assert.DoesNotContain(run.Expected, e => e.Rule == ExpectedAlert.SlowResponse && replies.Any(r => r.Message.MessageId == e.MessageIds[^1]));
    }

    [Fact]
    public void Off_NoWarningsInTheTruth_AndOlderRunsUnchanged()
    {
        var before = CompletedRun.Of(new SimulationOptions { Seed = 84, Conversations = 500 });
        Assert.DoesNotContain(before.Expected, e => e.Rule == ExpectedAlert.ResponseWarning);
        var labelled = CompletedRun.Of(new SimulationOptions { Seed = 84, Conversations = 500, ResponseWarningShare = 0.667 });
        // Labelling alone changes no message.
        Assert.Equal(before.Messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)), labelled.Messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)));
        Assert.Contains(labelled.Expected, e => e.Rule == ExpectedAlert.ResponseWarning);
    }

    [Theory]
    [InlineData(1.0, 0.0, "ResponseWarningShare")]
    [InlineData(0.0, 0.1, "NearMissReplyRate needs ResponseWarningShare")]
    [InlineData(0.5, 0.0, "CleanReplyDelayMax must be below ResponseWarningShare")]
    public void Options_Invalid_AreNamed(double share, double nearMiss, string problem)
    {
        var problems = new SimulationOptions { ResponseWarningShare = share, NearMissReplyRate = nearMiss }.Validate();
        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }
}
