using System.Diagnostics;
using Alerting.Core.Messages;
using Alerting.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Faults;

/// <summary>Fault test 6: an invalid config pushed while running is refused; a valid one then applies without a restart.</summary>
public sealed class ConfigReloadFaultTests() : LiveStackTest("reload", 2)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));
    private void Exchange(string conversation, double at, double replyAfter)
    {
        ChatMessage M(string id, SenderKind sender, double s) => new()
        {
            MessageId = id, ConversationId = conversation, ShopId = "shop-r", Sender = sender,
            SenderId = sender == SenderKind.Buyer ? "b" : "agent-1", AgentId = "agent-1", Text = "您好", SentAt = T0.AddSeconds(s),
        };
        Kafka.Produce(Topic, [(conversation, ChatMessageJson.ToUtf8(M(conversation + "-q", SenderKind.Buyer, at))), (conversation, ChatMessageJson.ToUtf8(M(conversation + "-a", SenderKind.Agent, at + replyAfter)))]);
    }

    private static string Config(string threshold) => $$"""{ "Rules": { "SlowResponse": { "FirstResponseThresholdSeconds": {{threshold}}, "ThresholdSeconds": {{threshold}} } } }""";

    [Fact]
    public async Task InvalidConfigPush_KeepsLastGood_ThenValidChangeTakesEffectWithoutRestart()
    {
        var file = Path.Combine(Dir, "rules.json");
        await File.WriteAllTextAsync(file, Config("30"));
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString, file, TimeSpan.FromMilliseconds(200));
        var firstVersion = worker.Rules.Current.Version;

        Exchange("A", 0, 40);
        await AlertStreams.WaitForAsync(Redis, a => a.Any(x => x.ConversationId == "A"), TimeSpan.FromSeconds(30), "A's slow response");

        await File.WriteAllTextAsync(file, Config("\"fast\""));
        await WaitFor(() => worker.Rules.ReloadsRejected >= 1, "the bad reload to be rejected");
        // Both thresholds are set to "fast": each is reported, at its own path, in one rejection.
        Assert.Equal(["Rules:SlowResponse:FirstResponseThresholdSeconds", "Rules:SlowResponse:ThresholdSeconds"], worker.Rules.LastRejection.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(worker.Rules.LastRejection, p => Assert.Equal(file, p.File));
        Assert.All(worker.Rules.LastRejection, p => Assert.Equal("'fast' is not a number", p.Reason));
        Assert.Equal(firstVersion, worker.Rules.Current.Version);

        Exchange("B", 100, 40); // still judged by the last good config (30 s)
        await AlertStreams.WaitForAsync(Redis, a => a.Any(x => x.ConversationId == "B"), TimeSpan.FromSeconds(30), "B's slow response under the last good config");

        await File.WriteAllTextAsync(file, Config("60"));
        await WaitFor(() => worker.Rules.ReloadsAccepted >= 1, "the valid reload to be accepted");
        Exchange("C", 200, 40); // fine under 60 s
        Exchange("D", 300, 70); // slow under 60 s
        var alerts = await AlertStreams.WaitForAsync(Redis, a => a.Any(x => x.ConversationId == "D"), TimeSpan.FromSeconds(30), "D's slow response under the new config");

        Assert.DoesNotContain(alerts, a => a.ConversationId == "C");
        Assert.Equal(firstVersion, Assert.Single(alerts, a => a.ConversationId == "B").ConfigVersion);
        Assert.Equal(worker.Rules.Current.Version, Assert.Single(alerts, a => a.ConversationId == "D").ConfigVersion);
        Assert.NotEqual(firstVersion, worker.Rules.Current.Version);
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
