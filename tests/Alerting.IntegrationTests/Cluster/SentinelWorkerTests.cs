using System.Diagnostics;
using Alerting.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>
/// Sentinel instead of a cluster: one primary, one replica, three Sentinels; the worker connects with the Sentinels
/// and <c>serviceName=</c>. The primary is SIGKILLed mid-stream, the Sentinels promote the replica, StackExchange.Redis
/// follows it, and the stream holds exactly replay's alerts.
/// </summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class SentinelWorkerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Worker_OnSentinel_PrimarySigkilledMidStream_ReplicaPromoted_StreamsHoldExactlyReplaysAlerts()
    {
        var clock = Stopwatch.StartNew();
        await using var sentinel = await RedisTestSentinel.StartAsync();
        await using var s = await ClusterScenario.CreateAsync(sentinel.ConnectionString, seed: 2140, conversations: 400);
        await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, sentinel.ConnectionString, s.ConfigFile,
            overrides: ClusterWorkerTests.FastRetries);
        s.Produce(0, s.Messages.Count / 2);
        await s.WaitForProgressAsync(0.2, Long);

        RedisTestCluster.Kill(sentinel.Primary);
        var killedAt = clock.Elapsed;
        s.Produce(s.Messages.Count / 2, s.Messages.Count);
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(30);
        while (await sentinel.CurrentPrimaryPortAsync() != sentinel.Replica.Port)
        {
            Assert.True(clock.Elapsed < deadline, "the Sentinels did not promote the replica within 30 s");
            await Task.Delay(200);
        }
        var promotedAt = clock.Elapsed;

        var live = await s.AssertExactlyOnceAsync(Long);
        Assert.Contains("role:master", await RedisTestCluster.CliAsync(sentinel.Replica, "INFO", "replication"), StringComparison.Ordinal);
        output.WriteLine($"{s.Messages.Count} messages, {s.Expected.Count} expected alert events, {live.Count} in the streams; primary :{sentinel.Primary.Port} "
            + $"SIGKILLed at {killedAt.TotalSeconds:F1} s, replica :{sentinel.Replica.Port} promoted by {promotedAt.TotalSeconds:F1} s, all present exactly once by {clock.Elapsed.TotalSeconds:F1} s");
    }
}
