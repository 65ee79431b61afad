using System.Text;
using Alerting.Core.Messages;
using Alerting.IntegrationTests.Infrastructure;

namespace Alerting.IntegrationTests.Faults;

/// <summary>
/// A dead-letter topic that cannot be written (here: the dead-letter producer points at a closed port) under each
/// <c>Kafka:DeadLetterOnFailure</c> policy: <c>skip</c> gives up after the retry bound and the good
/// records' alerts still come; <c>pause</c> stores no offset and keeps the later batches (and their alerts) back
/// until it can write.
/// </summary>
public sealed class DeadLetterFailureTests() : LiveStackTest("dlqfail", 1)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));

    private static (string, byte[]) Rude(string id, double at) => ("c1", ChatMessageJson.ToUtf8(new ChatMessage
    {
        MessageId = id, ConversationId = "c1", ShopId = "shop-a", Sender = SenderKind.Agent, SenderId = "agent-1", AgentId = "agent-1",
        Text = "你是不是傻逼", SentAt = T0.AddSeconds(at),
    }));

    private Dictionary<string, string?> Policy(string policy) => new()
    {
        ["Kafka:Producer:bootstrap.servers"] = "127.0.0.1:1",
        ["Kafka:DeadLetterOnFailure"] = policy,
        ["Kafka:DeadLetterRetrySeconds"] = "3",
    };

    [Fact]
    public async Task UnwritableDeadLetterTopic_SkipPolicy_CountsTheRecordAndTheAlertsAfterItArrive()
    {
        Kafka.Produce(Topic, [Rude("m1", 0), ("c1", Encoding.UTF8.GetBytes("{not json")), Rude("m2", 10)]);
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString, overrides: Policy("skip"));

        var alerts = await AlertStreams.WaitForAsync(Redis, a => a.Count >= 2, TimeSpan.FromSeconds(60), "both rude alerts past the unwritable dead letter");
        Assert.Equal(["m1", "m2"], alerts.Select(a => a.MessageIds[0]).Order());
        // The dead letter is given up after the retry bound (3 s); then the batch is done and its offsets are
        // stored (and counted).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (worker.Status.Records < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(1, worker.Status.DeadLettersSkipped);
        Assert.Equal(3, worker.Status.Records);
    }

    [Fact]
    public async Task UnwritableDeadLetterTopic_PausePolicy_HoldsTheOffsetsAndTheLaterBatchesAndSaysSo()
    {
        Kafka.Produce(Topic, [("c1", Encoding.UTF8.GetBytes("{not json")), Rude("m2", 10)]);
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString, overrides: Policy("pause"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (worker.Status.DeadLetterFailingFor is not { TotalSeconds: >= 2 } && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(worker.Status.DeadLetterFailingFor >= TimeSpan.FromSeconds(2), "dead-letter writes should be reported failing");
        // A record after the stuck batch: its batch waits for the one in flight.
        Kafka.Produce(Topic, [Rude("m3", 20)]);
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (worker.Status.DeadLetterFailingFor is not { TotalSeconds: >= 6 } && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(worker.Status.DeadLetterFailingFor >= TimeSpan.FromSeconds(6), "dead-letter writes should still be failing past the retry bound");
        // m2 shares the refused record's batch and may be written beside its dead letter; m3 is held.
        Assert.DoesNotContain("m3", (await AlertStreams.ReadAllAsync(Redis)).Select(a => a.MessageIds[0]));
        Assert.Equal(0, worker.Status.DeadLettersSkipped);
        Assert.Equal(0, worker.Status.Records);
    }
}
