using System.Diagnostics;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Simulation;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Worker;

/// <summary>Timing rules on the live path: a backlog never fires deadlines on wall time; a quiet partition does.</summary>
public sealed class EventTimeTests(ITestOutputHelper output) : LiveStackTest("time", 4)
{
    [Fact]
    public async Task Backlog_OfTenMinutesWhereEveryBuyerWasAnswered_RaisesNoTimingAlerts()
    {
        // Ten minutes of chat (event time) already in Kafka when the worker starts: every buyer is
        // answered within 5–20 s, so any timing alert would be a false alarm caused by lag.
        var generator = new ChatTrafficGenerator(new SimulationOptions
        {
            Seed = 42, Conversations = 600, ConversationsPerMinute = 60,
            RudeReplyRate = 0, WrongPromoRate = 0, SlowReplyRate = 0, UnansweredRate = 0, CloseRate = 1,
        });
        var messages = generator.Generate().ToList();
        var span = messages.Max(m => m.Message.SentAt) - messages.Min(m => m.Message.SentAt);
        Assert.True(span >= TimeSpan.FromMinutes(10), $"backlog spans only {span}");
        Kafka.Produce(Topic, messages.Select(m => (m.Key, m.Utf8Json)));

        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString);
        var clock = Stopwatch.StartNew();
        while (worker.Status.Records < messages.Count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"only {worker.Status.Records}/{messages.Count} records processed");
            await Task.Delay(50);
        }
        output.WriteLine($"{messages.Count} records spanning {span} caught up in {clock.Elapsed.TotalSeconds:0.0}s");
        // A few idle ticks after catching up, with the partitions now following the wall clock.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(await AlertStreams.ReadAllAsync(Redis));
    }

    [Fact]
    public async Task QuietPartition_FiresAPendingDeadlineOnTime_WithoutFurtherMessages()
    {
        var config = Path.Combine(Dir, "rules.json");
        await File.WriteAllTextAsync(config, """{ "Rules": { "EventTime": { "AllowedDisorderSeconds": 1 }, "UnansweredBuyer": { "ThresholdSeconds": 2 } } }""");
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString, config);
        await WaitFor(() => worker.Status.AssignedPartitions == 4, "partition assignment");

        // Last year's timestamp: the watermark follows the wall clock from the record's own sentAt.
        var sentAt = new DateTimeOffset(2025, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));
        var buyer = new ChatMessage { MessageId = "q1", ConversationId = "quiet-1", ShopId = "shop-q", Sender = SenderKind.Buyer, SenderId = "b", Text = "在吗", SentAt = sentAt };
        var clock = Stopwatch.StartNew();
        Kafka.Produce(Topic, [("quiet-1", ChatMessageJson.ToUtf8(buyer))]);

        var alerts = await AlertStreams.WaitForAsync(Redis, a => a.Count > 0, TimeSpan.FromSeconds(15), "the unanswered alert from a quiet partition");
        var waited = clock.Elapsed;
        output.WriteLine($"fired {waited.TotalSeconds:0.00}s after producing (threshold 2 s + allowance 1 s)");
        var alert = Assert.Single(alerts);
        Assert.Equal("unanswered_buyer", alert.Rule);
        Assert.Equal(sentAt.AddSeconds(2), alert.EventTime);
        // Not before threshold + allowance (less the produce round trip); the upper bound only says the wall clock, not
        // a later record, fired it (no other record is ever sent): generous, since a loaded 2-core machine has taken 5.8 s.
        Assert.InRange(waited, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(12));
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
