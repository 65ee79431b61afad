using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Redis;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>
/// <c>/readyz</c> and the metrics name the failing node: a primary is killed on a cluster whose node timeout is
/// long (no failover within the test), so its stores' writes cannot be acknowledged; the readiness reason, the
/// <c>redisNodes</c> list and the node-tagged instruments must say which endpoint it is, and clear once it is back.
/// </summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class ClusterReadinessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Worker_PrimaryDownNoFailover_ReadyzAndMetricsNameTheNode_AndClearWhenItIsBack()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await RedisTestCluster.StartAsync(nodeTimeoutMs: 120_000);
        await using var s = await ClusterScenario.CreateAsync(cluster.ConnectionString, seed: 2130, conversations: 300);
        var connected = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var unanswered = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Alerting.Redis" && instrument.Name is "alerting.redis.node.connected" or "alerting.redis.node.unanswered_writes")
                l.EnableMeasurementEvents(instrument);
        };
        // Several connections may report a node (the worker's, a test's disposed one): a node counts as up when one of them has it up.
        meters.SetMeasurementEventCallback<int>((_, value, tags, _) => connected.AddOrUpdate(Node(tags), value, (_, old) => Math.Max(old, value)));
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) => unanswered.AddOrUpdate(Node(tags), value, (_, old) => old + value));
        meters.Start();

        var overrides = new Dictionary<string, string?>(ClusterWorkerTests.FastRetries) { ["Redis:BreakerMinimumThroughput"] = "2" };
        await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, cluster.ConnectionString, s.ConfigFile, overrides: overrides);
        using var http = new HttpClient { BaseAddress = worker.BaseAddress };
        s.Produce(0, s.Messages.Count / 2);
        await s.WaitForAsync(a => a.Count >= 5, Bound, "the first alerts"); // traffic flows; then a store to aim at

        var busiest = (await s.ReadAllAsync()).GroupBy(a => a.ShopId).MaxBy(g => g.Count())!.Key;
        var victim = await cluster.PrimaryOfAsync("alerts:stream:" + RedisKeys.ShopTag(busiest));
        var node = "127.0.0.1:" + victim.Port.ToString(CultureInfo.InvariantCulture);
        RedisTestCluster.Kill(victim);
        s.Produce(s.Messages.Count / 2, s.Messages.Count);

        var (code, body) = await PollReadyzAsync(http, (c, b) => c == HttpStatusCode.ServiceUnavailable && Problems(b).Any(p => p.Contains(node, StringComparison.Ordinal)),
            "a readiness problem naming " + node);
        var problem = Problems(body).First(p => p.Contains(node, StringComparison.Ordinal));
        Assert.Contains("slot(s), no replica took over yet", problem, StringComparison.Ordinal);
        var entry = Nodes(body).Single(n => n.GetProperty("node").GetString() == node);
        Assert.False(entry.GetProperty("connected").GetBoolean());
        Assert.True(entry.GetProperty("slots").GetInt32() > 5000, entry.ToString()); // a third of 16384
        // Only the dead node is named: the other primaries answer.
        Assert.All(Nodes(body).Where(n => n.GetProperty("node").GetString() != node), n => Assert.True(n.GetProperty("connected").GetBoolean()));
        connected.Clear();
        meters.RecordObservableInstruments();
        Assert.Equal(0, connected[node]);
        Assert.Contains(cluster.Nodes.Where(n => n != victim), n => connected.GetValueOrDefault("127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)) == 1);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {code}, {string.Join(" | ", Problems(body))}; unanswered writes counted for the node: {unanswered.GetValueOrDefault(node)}");

        // The sink names the node that left its writes unanswered (own prefixes: nothing of the scenario's).
        var options = new RedisAlertingOptions
        {
            ConnectionString = cluster.ConnectionString, StreamKeyPrefix = "t-ready:stream:", SeenKeyPrefix = "t-ready:seen:", CounterKeyPrefix = "t-ready:count:",
            ChannelPrefix = "t-ready", AttemptTimeout = TimeSpan.FromSeconds(1), MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        };
        await using (var direct = await RedisConnection.ConnectAsync(options))
        {
            var sink = new RedisAlertSink(direct, options);
            var before = unanswered.GetValueOrDefault(node);
            await Assert.ThrowsAnyAsync<Exception>(() => sink.WriteAsync([Redis.TestAlerts.Rude(busiest, "ready-1"), Redis.TestAlerts.Rude(busiest, "ready-2")], CancellationToken.None));
            Assert.Equal(2, sink.Nodes.Snapshot().Single(n => n.Node == node).WaitingWrites);
            Assert.Contains(node + " (", sink.Nodes.DescribeFailing(), StringComparison.Ordinal);
            Assert.Contains("2 alert write(s) unanswered", sink.Nodes.DescribeFailing(), StringComparison.Ordinal);
            Assert.True(unanswered.GetValueOrDefault(node) >= before + 2, "unanswered writes not counted for " + node);
        }

        // Ops bring the node back: the reason and the warning go, the gauge says 1.
        await victim.StartAsync();
        (_, body) = await PollReadyzAsync(http, (c, b) => !b.Contains(node, StringComparison.Ordinal) || Nodes(b).Single(n => n.GetProperty("node").GetString() == node) is var e
            && e.GetProperty("connected").GetBoolean() && !Problems(b).Concat(Warnings(b)).Any(p => p.Contains(node, StringComparison.Ordinal)), node + " back");
        connected.Clear();
        meters.RecordObservableInstruments();
        Assert.Equal(1, connected[node]);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {node} back, /readyz problems: [{string.Join("; ", Problems(body))}]");
    }

    private static string Node(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var t in tags) if (t.Key == "node") return (string)t.Value!;
        return "";
    }

    private static async Task<(HttpStatusCode Code, string Body)> PollReadyzAsync(HttpClient http, Func<HttpStatusCode, string, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < Bound)
        {
            using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            last = await response.Content.ReadAsStringAsync();
            if (condition(response.StatusCode, last)) return (response.StatusCode, last);
            await Task.Delay(200);
        }
        throw new TimeoutException($"/readyz did not show {what} within {Bound}; last: {last}");
    }

    private static List<string> Problems(string body) => Strings(body, "problems");

    private static List<string> Warnings(string body) => Strings(body, "warnings");

    private static List<string> Strings(string body, string property)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static List<JsonElement> Nodes(string body) => JsonDocument.Parse(body).RootElement.GetProperty("redisNodes").EnumerateArray().ToList();
}
