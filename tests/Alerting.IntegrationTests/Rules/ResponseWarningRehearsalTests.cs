using System.Globalization;
using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Replay;
using Alerting.Simulation;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Rules;

/// <summary>
/// How noisy <c>response_warning</c> is with its defaults: one store of 20 agents, an hour of the generator's default
/// traffic per agent and default fault rates, replayed with the rule on; the figure goes in the rule's README.
/// </summary>
public sealed class ResponseWarningRehearsalTests(ITestOutputHelper output)
{
    [Fact]
    public void TwentyAgentStore_WarningsPerHourWithTheDefaults_MatchTheGroundTruth()
    {
        // The generator's default load per agent: 120 conversations a minute over 12 stores of 4 agents = 2.5 per agent.
        var options = new SimulationOptions
        {
            Seed = 2020, Stores = 1, AgentsPerStore = 20, ConversationsPerMinute = 20 * 2.5, Conversations = 3_600, ResponseWarningShare = 0.667,
        };
        var run = new ChatTrafficGenerator(options).CreateRun();
        var messages = run.Messages.ToList();
        var expected = run.ExpectedAlerts.ToList();
        var config = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Rules:ResponseWarning:Enabled", (string?)"true")]).Build();
        var rules = RulesSnapshotBuilder.Build(config).Snapshot!;
        var alerts = new List<Alert>();
        ReplayRunner.Run(new StringReader(string.Join('\n', messages.Select(m => Encoding.UTF8.GetString(m.Utf8Json)))), rules, alerts.Add,
            (line, reason) => Assert.Fail($"line {line}: {reason}"));

        var score = Evaluation.Compare(expected, alerts, run.LastSentAt).Single(s => s.Rule == ExpectedAlert.ResponseWarning);
        Assert.True(score.Precision == 1 && score.Recall == 1, Evaluation.Format([score]));

        // One full hour, after five minutes of warm-up (arrivals run for about 72 minutes).
        var from = options.Start.AddMinutes(5);
        var to = from.AddHours(1);
        Assert.True(run.LastSentAt > to, $"traffic ended at {run.LastSentAt}");
        var warnings = alerts.Where(a => a.Rule == ExpectedAlert.ResponseWarning && a.Status == AlertStatus.Firing && a.EventTime >= from && a.EventTime < to).ToList();
        var conversations = messages.Where(m => m.Message.SentAt >= from && m.Message.SentAt < to).Select(m => m.Message.ConversationId).Distinct().Count();
        var slow = alerts.Count(a => a.Rule == "slow_response" && a.EventTime >= from && a.EventTime < to);
        var byEnd = expected.Where(e => e.Rule == ExpectedAlert.ResponseWarning && e.EventTime >= from && e.EventTime < to)
            .GroupBy(e => e.Evidence["endedBy"]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"response_warning, defaults (share 0.667 of 30 s), one store of 20 agents: {warnings.Count} warnings in one hour ({conversations} conversations, {slow} slow_response alerts; by ending: {string.Join(", ", byEnd)}) = {warnings.Count / 20.0:0.0} per agent per hour"));
        Assert.NotEmpty(warnings);
        // Every warning is either resolved or still waiting at the end of the traffic (none left dangling by a reply).
        var resolved = alerts.Where(a => a.Rule == ExpectedAlert.ResponseWarning && a.Status == AlertStatus.Resolved).Select(a => a.AlertId).ToHashSet();
        Assert.All(warnings, w => Assert.True(resolved.Contains(w.AlertId) || expected.Single(e => e.AlertId == w.AlertId).Evidence["endedBy"] == "open", w.AlertId));
    }
}
