using Alerting.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Redis;

/// <summary>Redis at its memory limit: the policy is checked at start, an OOM reply is reported as such and the write lands once memory is freed.</summary>
public sealed class RedisMemoryTests
{
    [Fact]
    public async Task MemoryPolicyCheck_EvictingPolicy_IsReported_NoEvictionIsNot()
    {
        await using var host = await RedisTestHost.StartAsync();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(host.Server.ConnectionString + ",allowAdmin=true");
        var server = admin.GetServers()[0];

        server.ConfigSet("maxmemory-policy", "allkeys-lru");
        var evicting = new RedisMemoryPolicyCheck(host.Connection, NullLogger<RedisMemoryPolicyCheck>.Instance);
        await evicting.StartAsync(CancellationToken.None);
        Assert.Equal("allkeys-lru", evicting.Settings!.Policy);
        Assert.Contains("allkeys-lru", evicting.Problem, StringComparison.Ordinal);

        server.ConfigSet("maxmemory-policy", "volatile-ttl");
        var volatileTtl = new RedisMemoryPolicyCheck(host.Connection, NullLogger<RedisMemoryPolicyCheck>.Instance);
        await volatileTtl.StartAsync(CancellationToken.None);
        Assert.NotNull(volatileTtl.Problem); // dedupe keys carry a TTL: volatile-* evicts them too

        server.ConfigSet("maxmemory-policy", "noeviction");
        var safe = new RedisMemoryPolicyCheck(host.Connection, NullLogger<RedisMemoryPolicyCheck>.Instance);
        await safe.StartAsync(CancellationToken.None);
        Assert.Null(safe.Problem);
    }

    [Fact]
    public async Task AlertWrite_AtMaxMemory_IsReportedAsOutOfMemory_AndLandsOnceMemoryIsFreed()
    {
        await using var host = await RedisTestHost.StartAsync(o => o.MaxRetryAttempts = int.MaxValue);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(host.Server.ConnectionString + ",allowAdmin=true");
        var server = admin.GetServers()[0];
        await host.Db.StringSetAsync("filler", new byte[4 << 20]);
        // The 4 MB filler alone is above the limit: every write is refused until it is deleted.
        server.ConfigSet("maxmemory-policy", "noeviction");
        server.ConfigSet("maxmemory", "2mb");

        var sink = new RedisAlertSink(host.Connection, host.Options);
        var write = sink.WriteAsync([TestAlerts.Rude(alertId: "oom-1")], CancellationToken.None);
        await Wait.UntilAsync(() => Task.FromResult(sink.Resilience.OutOfMemory), TimeSpan.FromSeconds(20), "an OOM reply to be reported");
        Assert.False(write.IsCompleted, "the write waits while Redis refuses it");
        Assert.True(sink.Resilience.OutOfMemoryReplies > 0);

        await host.Db.KeyDeleteAsync("filler");
        var result = await write.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, result.Written);
        Assert.Equal(1, await host.Db.StreamLengthAsync("alerts:stream:{shop-a}"));
    }
}
