using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Replay;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Simulation;
using Alerting.DevTools.Verbs;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Worker;

/// <summary>
/// A short big-sale rehearsal: generated chat with labelled faults through the embedded broker, the
/// real worker and redis-server, checked against the generator's ground truth and against replay.
/// </summary>
public sealed class RehearsalTests(ITestOutputHelper output) : LiveStackTest("rehearsal", 4)
{
    [Fact]
    public async Task GeneratedTraffic_LiveWorkerMatchesGroundTruthAndReplay()
    {
        // The CI rehearsal: 20,000 messages through the embedded broker, the worker and real Redis.
        var generator = new ChatTrafficGenerator(new SimulationOptions { Seed = 20261111, Conversations = null, MessageCount = 20_000, WrongPromoRate = 0.3,
            PersonalDataRate = 0.01, OffPlatformContactRate = 0.01, ComplaintRiskRate = 0.02, PaidReviewRate = 0.005,
            RepeatedReplyRate = 0.02, ResponseWarningShare = 0.667, NearMissReplyRate = 0.02 });
        var run = generator.CreateRun();
        var messages = run.Messages.ToList();
        var lastSentAt = messages.Max(m => m.Message.SentAt);
        var expected = run.ExpectedAlertsDueBy(lastSentAt).ToList();
        expected.AddRange(GroundTruthBatches.Derive(expected));
        var configFile = Path.Combine(Dir, "rules.json");
        // The demo's rules with response_warning (off by default) switched on, at its default share.
        var rulesJson = System.Text.Json.Nodes.JsonNode.Parse(DemoVerb.DemoRulesJson(generator.Promotions))!;
        rulesJson["Rules"]!["ResponseWarning"] = new System.Text.Json.Nodes.JsonObject { ["Enabled"] = true };
        await File.WriteAllTextAsync(configFile, rulesJson.ToJsonString());
        var (rules, problems, _) = ConfigFiles.LoadRules(configFile);
        Assert.True(rules is not null, string.Join("; ", problems));

        // Replay: pure event time, final clock = the largest sentAt.
        var replayed = new List<Alert>();
        var jsonl = string.Join('\n', messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)));
        ReplayRunner.Run(new StringReader(jsonl), rules!, replayed.Add, (line, reason) => Assert.Fail($"line {line}: {reason}"));

        // Live: the same records through Kafka, the worker and Redis.
        Kafka.Produce(Topic, messages.Select(m => (m.Key, m.Utf8Json)));
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString, configFile);
        var replayIds = Alerting.IntegrationTests.Faults.FaultScenario.FinalRevisions(replayed).Select(Key).ToHashSet();
        var replayAll = replayed.Select(Key).ToHashSet();
        var live = await AlertStreams.WaitForAsync(Redis, a => replayIds.IsSubsetOf(a.Select(Key)), TimeSpan.FromSeconds(60), "every replayed alert in Redis");

        var expectedIds = expected.Select(e => e.AlertId).ToHashSet();
        var replayFiring = replayed.Where(a => a.Status == AlertStatus.Firing && Evaluation.LabelledRules.Contains(a.Rule)).Select(a => a.AlertId).ToHashSet();
        output.WriteLine($"{messages.Count} messages, {expected.Count} expected alerts, {replayed.Count} replayed, {live.Count} live");
        foreach (var rule in expected.Select(e => e.Rule).Concat(replayed.Select(a => a.Rule)).Distinct().Order())
        {
            var exp = expected.Where(e => e.Rule == rule).Select(e => e.AlertId).ToHashSet();
            var got = replayed.Where(a => a.Rule == rule && a.Status == AlertStatus.Firing).Select(a => a.AlertId).ToHashSet();
            output.WriteLine($"  {rule,-20} expected {exp.Count,4}  replayed {got.Count,4}  missed {exp.Except(got).Count()}  extra {got.Except(exp).Count()}");
        }
        var texts = messages.ToDictionary(m => m.Message.MessageId, m => m.Message.Text);
        foreach (var miss in expected.Where(e => !replayFiring.Contains(e.AlertId)))
            output.WriteLine($"  missed {miss.Rule} {miss.ConversationId}: {string.Join(" | ", miss.MessageIds.Select(id => texts[id]))}");
        foreach (var extra in replayed.Where(a => a.Status == AlertStatus.Firing && Evaluation.LabelledRules.Contains(a.Rule) && !expectedIds.Contains(a.AlertId)))
            output.WriteLine($"  extra  {extra.Rule} {extra.ConversationId}: {extra.Summary} | {string.Join(" | ", extra.MessageIds.Select(id => texts[id]))}");

        // Replay equals the ground truth, rule by rule (no misses, no extras) on the rules it labels.
        var scores = Evaluation.Compare(expected, replayed, lastSentAt);
        output.WriteLine(Evaluation.Format(scores));
        Assert.All(scores, s => { Assert.Equal(1.0, s.Precision); Assert.Equal(1.0, s.Recall); });
        // The live worker raised every replayed alert event exactly once; anything more is a deadline
        // that passed after the last sentAt while the idle partitions followed the wall clock.
        Assert.Equal(live.Count, live.Select(Key).Distinct().Count());
        // Intermediate revisions of a growing batch depend on how members were grouped into flushes
        // (live) or records (replay); only the final revision is the same. So a live batch revision is
        // allowed when replay reached at least that revision of the same alertId.
        var finalRevision = replayed.GroupBy(a => a.AlertId).ToDictionary(g => g.Key, g => g.Max(a => a.Revision));
        Assert.All(live.Where(a => !replayAll.Contains(Key(a)) && !(finalRevision.TryGetValue(a.AlertId, out var max) && a.Revision <= max)), a => Assert.True(a.EventTime > lastSentAt, $"unexpected live alert {a.Rule} {a.ConversationId} at {a.EventTime}"));
    }

    private static string Key(Alert a) => $"{a.AlertId}/{Alert.StatusName(a.Status)}/{a.Revision}";
}
