using System.Text;
using Alerting.Core.Messages;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Notifications.Tests;
using Alerting.DevTools.Embedded;

namespace Alerting.IntegrationTests.Metrics;

/// <summary>
/// The whole worker (mock Kafka cluster, real redis-server): <c>/metrics</c> shows what the consume loop
/// did, and a configured webhook receiver gets the alerts once they are durable.
/// Needs the host wiring: WorkerHost (metrics, notifier, sink decorator, /metrics), ChatStreamConsumer (IConsumeObserver), WorkerSettings.
/// </summary>
public sealed class WorkerWiringTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));
    private readonly string _topic = "chat-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _configDir = Path.Combine(Path.GetTempPath(), "alerting-wiring-" + Guid.NewGuid().ToString("N")[..8]);
    private KafkaTestCluster _kafka = null!;
    private LocalRedisServer _redis = null!;
    private ReceiverEndpoint _endpoint = null!;

    public async Task InitializeAsync()
    {
        _kafka = KafkaTestCluster.Start();
        _kafka.CreateTopic(_topic, 2);
        _kafka.CreateTopic(_topic + ".dlq", 1);
        _redis = await LocalRedisServer.StartNewAsync();
        _endpoint = await ReceiverEndpoint.StartAsync();
        Directory.CreateDirectory(_configDir);
    }

    public async Task DisposeAsync()
    {
        await _endpoint.DisposeAsync();
        await _redis.DisposeAsync();
        _kafka.Dispose();
        Directory.Delete(_configDir, recursive: true);
    }

    private static (string, byte[]) Record(string id, string conversation, SenderKind sender, double at, string text = "您好", ChatEventKind kind = ChatEventKind.Message)
        => (conversation, ChatMessageJson.ToUtf8(new ChatMessage
        {
            MessageId = id, ConversationId = conversation, ShopId = "shop-a", Sender = sender,
            SenderId = sender == SenderKind.Buyer ? "b-" + conversation : "agent-7", AgentId = "agent-7",
            Text = text, SentAt = T0.AddSeconds(at), Event = kind,
        }));

    [Fact]
    public async Task Worker_ExposesConsumeMetrics_AndNotifiesTheWebhookAfterAlertsAreDurable()
    {
        var config = Path.Combine(_configDir, "worker.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Notifications": { "Receivers": [ { "Name": "hook", "Kind": "webhook", "Url": "{{_endpoint.BaseUrl}}/hook",
                "MinSeverity": "info", "GroupWaitSeconds": 0 } ] } }
            """);
        _kafka.Produce(_topic,
        [
            Record("m1", "c1", SenderKind.Buyer, 0, "请问满300减50吗"),
            Record("m2", "c2", SenderKind.Buyer, 1, "在吗"),
            ("c3", Encoding.UTF8.GetBytes("{not json")),
            Record("m5", "c1", SenderKind.Agent, 50, "是的，满300减50"),
            Record("m6", "c2", SenderKind.System, 60, "", ChatEventKind.Close),
        ]);
        await using var worker = await WorkerUnderTest.StartAsync(_kafka.BootstrapServers, _topic, "g-" + _topic, _redis.ConnectionString, config);
        using var http = new HttpClient { BaseAddress = worker.BaseAddress };

        await NotifierHarness.WaitUntilAsync(() => _endpoint.Requests.Sum(r => r.Json.AsArray().Count) >= 2, "2 alerts at the webhook", 30_000);
        var rules = _endpoint.Requests.SelectMany(r => r.Json.AsArray().Select(a => (string)a!["rule"]!)).Order().ToList();
        Assert.Equal(["slow_response", "unanswered_buyer"], rules);

        string text = "";
        await NotifierHarness.WaitUntilAsync(() =>
        {
            text = PrometheusText.WithoutScope(http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).GetAwaiter().GetResult());
            return text.Contains("alerting_worker_messages_dead_lettered_total 1", StringComparison.Ordinal);
        }, "dead letter counted", 20_000);
        var consumed = text.Split('\n').Where(l => l.StartsWith("alerting_worker_messages_consumed_total{", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(5, consumed);
        Assert.Contains("alerting_worker_alerts_durable_total{rule=\"slow_response\",severity=\"medium\",status=\"firing\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("alerting_worker_alert_end_to_end_seconds_count{rule=\"unanswered_buyer\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("alerting_worker_redis_circuit{component=\"alert-sink\",state=\"closed\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("alerting_worker_config_reloads_total{result=\"rejected\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("alerting_worker_notifications_messages_total{receiver=\"hook\",result=\"sent\"}", text, StringComparison.Ordinal);
        Assert.Contains("alerting_redis_alerts_written_total ", text, StringComparison.Ordinal); // process-wide meter: other tests add to it
        Assert.Contains("alerting_worker_partitions_assigned 2", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE alerting_worker_processing_duration_seconds histogram", text, StringComparison.Ordinal);

        // Health: liveness is plain text; readiness is the JSON body with every reason and count.
        using var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal("ok\n", await live.Content.ReadAsStringAsync());
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("application/json", ready.Content.Headers.ContentType!.MediaType);
        using var body = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal(["ready", "problems", "warnings", "partitions", "redisHealthy", "paused", "configVersion", "rejectedReload", "records", "deadLettered",
            "deadLettersSkipped", "redisOutOfMemoryReplies", "alertsWritten", "openConversations", "pendingDeadlines"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(body.RootElement.GetProperty("ready").GetBoolean());
        Assert.Equal(0, body.RootElement.GetProperty("problems").GetArrayLength());
        Assert.Equal(2, body.RootElement.GetProperty("partitions").GetInt32());
        Assert.Equal(5, body.RootElement.GetProperty("records").GetInt64());
        Assert.Equal(1, body.RootElement.GetProperty("deadLettered").GetInt64());
    }
}
