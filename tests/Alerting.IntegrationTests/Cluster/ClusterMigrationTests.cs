using System.Collections.Concurrent;
using System.Diagnostics;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Redis;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>
/// A slot migration under traffic: the slot of the busiest store moves to another primary while its alerts are
/// being written. While the keys are split between the two nodes Redis answers the store's scripts with
/// <c>ASK</c> (StackExchange.Redis follows it, sending <c>ASKING</c> to the target) or <c>TRYAGAIN</c> (a script
/// whose keys are partly on each node, or missing on the importing node: the sink retries it with its back-off);
/// once the slot is final the client follows <c>MOVED</c>. The store streams must hold replay's alerts exactly.
/// </summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class ClusterMigrationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Worker_BusyStoresSlotMigratedMidStream_RedirectsAndTryAgainRetried_StreamsHoldExactlyReplaysAlerts()
    {
        var clock = Stopwatch.StartNew();
        // Its own cluster: the slot map changes.
        await using var cluster = await RedisTestCluster.StartAsync();
        await using var s = await ClusterScenario.CreateAsync(cluster.ConnectionString, seed: 2120, conversations: 400);
        var lines = new ConcurrentQueue<string>();
        await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, cluster.ConnectionString, s.ConfigFile,
            overrides: ClusterWorkerTests.FastRetries,
            logging: l => l.SetMinimumLevel(LogLevel.Warning).AddProvider(new CapturingLoggerProvider(lines)));
        var half = s.Messages.Count / 2;
        s.Produce(0, half);
        await s.WaitForProgressAsync(0.2, Long);

        var before = await s.ReadAllAsync();
        var busiest = before.GroupBy(a => a.ShopId).MaxBy(g => g.Count())!.Key;
        var stream = "alerts:stream:" + RedisKeys.ShopTag(busiest);
        var source = await cluster.PrimaryOfAsync(stream);
        var target = (await ClusterSlotMigration.PrimariesAsync(cluster)).First(n => n != source);
        var slot = await ClusterSlotMigration.KeySlotAsync(source, stream);
        var busiestBefore = before.Count(a => a.ShopId == busiest);

        // The second half arrives in slices while the slot moves, so writes for the store keep coming mid-migration.
        var producing = Task.Run(async () =>
        {
            const int slices = 10;
            for (var i = 0; i < slices; i++)
            {
                s.Produce(half + (s.Messages.Count - half) * i / slices, half + (s.Messages.Count - half) * (i + 1) / slices);
                await Task.Delay(300);
            }
        });
        var migratedAt = clock.Elapsed;
        var report = await ClusterSlotMigration.MoveSlotAsync(cluster, slot, source, target, keysPerStep: 5, pause: TimeSpan.FromMilliseconds(40),
            atLeast: TimeSpan.FromSeconds(3), keepMigrating: producing);
        await producing;

        List<Alerting.Core.Alerts.Alert> live;
        try
        {
            live = await s.AssertExactlyOnceAsync(Long);
        }
        catch (TimeoutException)
        {
            // What the worker said while it did not get there (warnings and above).
            foreach (var line in lines.TakeLast(60)) output.WriteLine(line);
            throw;
        }
        Assert.Same(target, await cluster.PrimaryOfAsync(stream));
        Assert.Equal(0, await ClusterSlotMigration.CountKeysAsync(source, slot));
        Assert.True(report.KeysMoved > 0, "the slot held no keys to move");
        Assert.True(live.Count(a => a.ShopId == busiest) > busiestBefore, "the migrated store got no alert after the migration began");
        // The migration was really in the way of the writes: Redis refused some scripts while the slot was split.
        var refused = lines.Where(l => l.Contains("TRYAGAIN", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(refused);
        // …and a migration is not an outage: no circuit opened (that would have paused every store's writes).
        Assert.DoesNotContain(lines, l => l.Contains("circuit opened", StringComparison.Ordinal));
        output.WriteLine($"{s.Messages.Count} messages, {s.Expected.Count} expected alert events, {live.Count} in the streams; slot {slot} of store "
            + $"{busiest} ({report.KeysMoved} keys, {report.MigrateCalls} MIGRATE calls) moved :{source.Port} → :{target.Port} from {migratedAt.TotalSeconds:F1} s, "
            + $"migrating for {report.MigratingFor.TotalSeconds:F1} s, {refused.Count} TRYAGAIN retries logged; all present exactly once by {clock.Elapsed.TotalSeconds:F1} s");
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception.Message));
    }
}
