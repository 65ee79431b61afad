using System.Diagnostics;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Notifications.Tests;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Rules;

/// <summary>
/// The functional bound of <c>buyer_complaint_risk</c>: an explicit complaint threat is <c>critical</c> and reaches the
/// configured receivers within 30 s through the notification path — the whole worker (mock Kafka cluster, real
/// redis-server, the notifier) with a local HTTP listener as the webhook, the receiver at its default grouping
/// (GroupWaitSeconds 10, MinSeverity high). Wall time with a generous bound: the machine is shared.
/// </summary>
public sealed class ComplaintRiskNotificationTests(ITestOutputHelper output) : LiveStackTest("chat", 2)
{
    private static (string, byte[]) Record(string id, string conversation, SenderKind sender, string text)
        => (conversation, ChatMessageJson.ToUtf8(new ChatMessage
        {
            MessageId = id, ConversationId = conversation, ShopId = "shop-a", Sender = sender,
            SenderId = sender == SenderKind.Buyer ? "b-" + conversation : "agent-7", AgentId = "agent-7",
            Text = text, SentAt = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)), Event = ChatEventKind.Message,
        }));

    [Fact]
    public async Task CriticalComplaintThreat_ReachesTheWebhookWithin30Seconds()
    {
        await using var endpoint = await ReceiverEndpoint.StartAsync();
        var config = Path.Combine(Dir, "worker.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Notifications": { "Receivers": [ { "Name": "leads", "Kind": "webhook", "Url": "{{endpoint.BaseUrl}}/hook" } ] } }
            """);
        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString, config);
        using var http = new HttpClient { BaseAddress = worker.BaseAddress };

        // Warm up: the worker has joined the group and applied a record before the clock starts.
        Kafka.Produce(Topic, [Record("w1", "c-warm", SenderKind.Buyer, "你好")]);
        await NotifierHarness.WaitUntilAsync(() =>
        {
            // /readyz answers 503 with the same JSON body until the worker is ready.
            using var response = http.GetAsync(new Uri("/readyz", UriKind.Relative)).GetAwaiter().GetResult();
            using var ready = System.Text.Json.JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            return ready.RootElement.GetProperty("records").GetInt64() >= 1;
        }, "the worker applied the warm-up record", 60_000);
        Assert.Equal(0, endpoint.Count);

        var clock = Stopwatch.StartNew();
        Kafka.Produce(Topic, [Record("m1", "c1", SenderKind.Buyer, "再不给我处理，我就打12315投诉你们！！")]);
        await NotifierHarness.WaitUntilAsync(() => endpoint.Requests.Any(r => r.Json.AsArray().Any(a => (string)a!["rule"]! == "buyer_complaint_risk")),
            "the complaint alert at the webhook", 45_000);
        var elapsed = clock.Elapsed;
        output.WriteLine($"critical buyer_complaint_risk: produced → webhook in {elapsed.TotalSeconds:0.0} s (bound 30 s)");
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"took {elapsed.TotalSeconds:0.0} s");

        var alert = endpoint.Requests.SelectMany(r => r.Json.AsArray()).Single(a => (string)a!["rule"]! == "buyer_complaint_risk")!;
        Assert.Equal("critical", (string)alert["severity"]!);
        Assert.Equal(AlertIds.ForConversation("buyer_complaint_risk", "c1", "m1"), (string)alert["alertId"]!);
        Assert.Equal("shop-a", (string)alert["shopId"]!);
        Assert.Equal(["m1"], alert["messageIds"]!.AsArray().Select(x => (string)x!));
    }
}
