using Alerting.Core.Alerts;
using Alerting.Worker.Verbs;

namespace Alerting.IntegrationTests.Replay;

/// <summary>The <c>replay</c> verb end to end on a fixture file with a known alert list (CONTRACTS.md §3).</summary>
public sealed class ReplayVerbTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Replay", "Fixtures");
    private readonly string _dir = Directory.CreateTempSubdirectory("alerting-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private async Task<List<Alert>> ReplayAsync(params string[] extra)
    {
        var output = Path.Combine(_dir, $"alerts-{Guid.NewGuid():N}.jsonl");
        string[] args = ["replay", "--input", Path.Combine(Fixtures, "chats.jsonl"), "--config", Path.Combine(Fixtures, "rules.json"), "--output", output, .. extra];
        Assert.Equal(0, await CommandLine.DispatchAsync(args));
        return File.ReadAllLines(output).Select(AlertJson.Parse).ToList();
    }

    [Fact]
    public async Task Replay_Fixture_GivesExactlyTheExpectedAlertsInOrder()
    {
        var alerts = await ReplayAsync("--until", "2026-11-11T00:10:00+08:00");
        var expected = File.ReadAllLines(Path.Combine(Fixtures, "expected-alerts.tsv")).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();
        Assert.Equal(
            expected.Select(e => $"{e[0]} {e[1]} {e[2]} {e[3]}"),
            alerts.Select(a => $"{a.Rule} {Alert.StatusName(a.Status)} {a.ConversationId} {string.Join(',', a.MessageIds)}"));
        var promo = alerts[0];
        Assert.Equal("d11-main", (string?)promo.Evidence["promotion"]);
        Assert.Equal("满300减50", (string?)promo.Evidence["expected"]);
        Assert.All(alerts, a => Assert.Equal(AlertIds.ForConversation(a.Rule, a.ConversationId, a.MessageIds[0]), a.AlertId));
    }

    [Fact]
    public async Task Replay_WithoutUntil_StopsTheClockAtTheLargestSentAt()
    {
        // c-7's buyer (00:05:00) is the last record: their 180 s deadline is not due by the final clock.
        var alerts = await ReplayAsync();
        Assert.DoesNotContain(alerts, a => a.ConversationId == "c-7");
        var withUntil = await ReplayAsync("--until", "2026-11-11T00:10:00+08:00");
        Assert.Equal(["m15"], Assert.Single(withUntil, a => a.ConversationId == "c-7").MessageIds);
    }

    [Fact]
    public async Task Replay_IsDeterministic()
    {
        var first = await ReplayAsync("--until", "2026-11-11T00:10:00+08:00");
        var second = await ReplayAsync("--until", "2026-11-11T00:10:00+08:00");
        Assert.Equal(first.Select(a => AlertJson.ToJson(Strip(a))), second.Select(a => AlertJson.ToJson(Strip(a))));
    }

    private static Alert Strip(Alert a)
    {
        a.DetectedAt = default;
        return a;
    }
}
