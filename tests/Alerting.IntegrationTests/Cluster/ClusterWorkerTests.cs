using System.Diagnostics;
using Alerting.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>The worker end to end (mock Kafka → worker host → Redis Cluster): the streams hold exactly replay's alerts.</summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class ClusterWorkerTests(RedisClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    /// <summary>Quick retries so a failover costs seconds, not the production back-off.</summary>
    internal static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Redis:AttemptTimeout"] = "00:00:02",
        ["Redis:RetryBaseDelay"] = "00:00:00.05",
        ["Redis:RetryMaxDelay"] = "00:00:00.5",
        ["Redis:BreakerBreakDuration"] = "00:00:00.5",
    };

    [Fact]
    public async Task Worker_SteadyTraffic_OnCluster_StreamsHoldExactlyReplaysAlerts()
    {
        var clock = Stopwatch.StartNew();
        await using var s = await ClusterScenario.CreateAsync(fixture.Cluster.ConnectionString, seed: 2101, conversations: 300);
        await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, fixture.Cluster.ConnectionString, s.ConfigFile,
            overrides: FastRetries);
        s.Produce(0, s.Messages.Count);
        var live = await s.AssertExactlyOnceAsync(Long);
        Assert.Equal(3, await s.PrimariesWithStreamsAsync());
        output.WriteLine($"{s.Messages.Count} messages, {s.Expected.Count} expected alert events, {live.Count} in the streams on 3 primaries, in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <param name="waitForReplicas">0: asynchronous replication as is; 1: <c>Redis:WaitForReplicas</c>, every batch confirmed by a replica.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Worker_PrimarySigkilledMidStream_ReplicaPromoted_StreamsHoldExactlyReplaysAlerts(int waitForReplicas)
    {
        var clock = Stopwatch.StartNew();
        // Its own cluster: this test kills a node.
        await using var cluster = await RedisTestCluster.StartAsync();
        await using var s = await ClusterScenario.CreateAsync(cluster.ConnectionString, seed: 2102 + waitForReplicas, conversations: 400);
        var overrides = new Dictionary<string, string?>(FastRetries) { ["Redis:WaitForReplicas"] = waitForReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, cluster.ConnectionString, s.ConfigFile,
            overrides: overrides);
        s.Produce(0, s.Messages.Count / 2);
        await s.WaitForProgressAsync(0.2, Long);

        // The primary of the busiest store's stream dies the hard way; its replica must take over.
        var busiest = (await s.ReadAllAsync()).GroupBy(a => a.ShopId).MaxBy(g => g.Count())!.Key;
        var victim = await cluster.PrimaryOfAsync($"alerts:stream:{Alerting.Redis.RedisKeys.ShopTag(busiest)}");
        RedisTestCluster.Kill(victim);
        var killedAt = clock.Elapsed;
        s.Produce(s.Messages.Count / 2, s.Messages.Count);
        await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
        var promotedAt = clock.Elapsed;
        // Ops restart the dead node: it rejoins as the replica of its promoted replica (with WaitForReplicas 1 the
        // stores of that primary wait for exactly this).
        await victim.StartAsync();
        await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));

        var live = await s.AssertExactlyOnceAsync(Long);
        output.WriteLine($"{s.Messages.Count} messages, {s.Expected.Count} expected alert events, {live.Count} in the streams; primary :{victim.Port} "
            + $"SIGKILLed at {killedAt.TotalSeconds:F1} s, replica promoted by {promotedAt.TotalSeconds:F1} s, WaitForReplicas {waitForReplicas}, all present exactly once by {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Worker_ManualClusterFailoverMidStream_StreamsHoldExactlyReplaysAlerts()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await RedisTestCluster.StartAsync();
        await using var s = await ClusterScenario.CreateAsync(cluster.ConnectionString, seed: 2110, conversations: 400);
        await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, cluster.ConnectionString, s.ConfigFile,
            overrides: FastRetries);
        s.Produce(0, s.Messages.Count / 2);
        await s.WaitForProgressAsync(0.2, Long);

        // Planned maintenance: the replica of the busiest store's primary takes over (after catching up).
        var busiest = (await s.ReadAllAsync()).GroupBy(a => a.ShopId).MaxBy(g => g.Count())!.Key;
        var primary = await cluster.PrimaryOfAsync($"alerts:stream:{Alerting.Redis.RedisKeys.ShopTag(busiest)}");
        var replica = await cluster.ReplicaOfAsync(primary);
        Assert.Contains("OK", await RedisTestCluster.CliAsync(replica, "CLUSTER", "FAILOVER"), StringComparison.Ordinal);
        s.Produce(s.Messages.Count / 2, s.Messages.Count);
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(30);
        while (!(await RedisTestCluster.CliAsync(replica, "INFO", "replication")).Contains("role:master", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < deadline, "the replica did not become primary within 30 s");
            await Task.Delay(100);
        }
        await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
        var failedOverAt = clock.Elapsed;

        var live = await s.AssertExactlyOnceAsync(Long);
        Assert.Same(replica, await cluster.PrimaryOfAsync($"alerts:stream:{Alerting.Redis.RedisKeys.ShopTag(busiest)}"));
        output.WriteLine($"{s.Messages.Count} messages, {s.Expected.Count} expected alert events, {live.Count} in the streams; CLUSTER FAILOVER to :{replica.Port} "
            + $"done by {failedOverAt.TotalSeconds:F1} s, all present exactly once by {clock.Elapsed.TotalSeconds:F1} s");
    }
}
