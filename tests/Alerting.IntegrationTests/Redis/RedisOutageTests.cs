using Alerting.Core.Alerts;
using Alerting.Redis;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Redis;

/// <summary>Fault tests on a real redis-server: the sink waits out an outage, never drops, never duplicates.</summary>
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static void FastResilience(RedisAlertingOptions o)
    {
        o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
        o.RetryMaxDelay = TimeSpan.FromMilliseconds(300);
        o.BreakerMinimumThroughput = 2;
        o.BreakerSamplingDuration = TimeSpan.FromSeconds(2);
        o.BreakerBreakDuration = TimeSpan.FromMilliseconds(500);
    }

    private static List<Alert> Batch(int batch, int size)
        => Enumerable.Range(0, size).Select(i => TestAlerts.Rude(shopId: $"shop-{i % 2}", alertId: $"b{batch}-{i}")).ToList();

    private static async Task AssertEveryAlertOnceAsync(RedisTestHost host, int expected)
    {
        var ids = new List<string>();
        for (var s = 0; s < 2; s++)
            ids.AddRange((await host.Db.StreamRangeAsync($"alerts:stream:{{shop-{s}}}")).Select(e => (string)e["alertId"]!));
        Assert.Equal(expected, ids.Count);
        Assert.Equal(expected, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task WriteAsync_RedisPausedForThreeSeconds_WaitsThenWritesEveryAlertExactlyOnce()
    {
        await using var host = await RedisTestHost.StartAsync(FastResilience);
        var sink = new RedisAlertSink(host.Connection, host.Options);
        await sink.WriteAsync(Batch(0, 50), CancellationToken.None);

        host.Server.Pause();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        var writer = Task.Run(async () =>
        {
            var results = new List<AlertWriteResult>();
            for (var b = 1; b <= 5; b++) results.Add(await sink.WriteAsync(Batch(b, 50), CancellationToken.None));
            return results;
        });
        await Wait.UntilAsync(() => Task.FromResult(sink.Resilience.FailedAttempts >= 2), Bound, "retries while Redis is paused");
        await Wait.UntilAsync(() => Task.FromResult(!sink.IsHealthy), Bound, "the circuit to open");
        Assert.False(writer.IsCompleted);
        // The outage itself lasts about 3 s; this delay is the fault being simulated, not a wait for luck.
        var rest = TimeSpan.FromSeconds(3) - outage.Elapsed;
        if (rest > TimeSpan.Zero) await Task.Delay(rest);
        Assert.False(writer.IsCompleted);
        host.Server.Resume();

        var results = await writer.WaitAsync(Bound);

        Assert.All(results, r => Assert.Equal(50, r.Written + r.Duplicates));
        await AssertEveryAlertOnceAsync(host, 300);
        await Wait.UntilAsync(() => Task.FromResult(sink.IsHealthy), Bound, "the circuit to close");
    }

    [Fact]
    public async Task WriteAsync_RedisRestartsWithAof_WaitsForItAndKeepsEarlierAlerts()
    {
        await using var host = await RedisTestHost.StartAsync(FastResilience, appendOnly: true);
        var sink = new RedisAlertSink(host.Connection, host.Options);
        await sink.WriteAsync(Batch(0, 50), CancellationToken.None);

        await host.Server.StopAsync();
        var writer = Task.Run(() => sink.WriteAsync(Batch(1, 50), CancellationToken.None));
        await Wait.UntilAsync(() => Task.FromResult(sink.Resilience.FailedAttempts >= 1), Bound, "retries while Redis is down");
        Assert.False(writer.IsCompleted);
        await host.Server.StartAsync();

        var result = await writer.WaitAsync(Bound);

        Assert.Equal(50, result.Written + result.Duplicates);
        await AssertEveryAlertOnceAsync(host, 100);
    }

    [Fact]
    public async Task WriteAsync_CallerCancelsDuringOutage_ThrowsInsteadOfReportingSuccess()
    {
        await using var host = await RedisTestHost.StartAsync(FastResilience);
        var sink = new RedisAlertSink(host.Connection, host.Options);
        host.Server.Pause();
        using var cts = new CancellationTokenSource();
        var writer = sink.WriteAsync(Batch(0, 10), cts.Token);
        await Wait.UntilAsync(() => Task.FromResult(sink.Resilience.FailedAttempts >= 1), Bound, "a retry");

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WaitAsync(Bound));
        host.Server.Resume();
    }

    [Fact]
    public async Task SaveAsync_RedisPaused_CompletesAfterResumeWithTheNewCheckpoint()
    {
        await using var host = await RedisTestHost.StartAsync(FastResilience);
        var store = new PartitionCheckpointStore(host.Connection, host.Options);
        await store.SaveAsync("g", "t", 0, 1, [new("c-1", [1])], [], CancellationToken.None);

        host.Server.Pause();
        var save = store.SaveAsync("g", "t", 0, 2, [new("c-2", [2])], ["c-1"], CancellationToken.None);
        await Wait.UntilAsync(() => Task.FromResult(store.Resilience.FailedAttempts >= 1), Bound, "a retry");
        host.Server.Resume();
        await save.WaitAsync(Bound);

        var loaded = await store.LoadAsync("g", "t", 0, CancellationToken.None);
        Assert.Equal(2, loaded!.NextOffset);
        Assert.Equal(["c-2"], loaded.Entries.Keys);
    }
}
