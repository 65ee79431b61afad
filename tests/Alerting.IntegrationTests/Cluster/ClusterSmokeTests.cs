using StackExchange.Redis;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>The test cluster itself: three primaries with a replica each, every slot served.</summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class ClusterSmokeTests(RedisClusterFixture fixture)
{
    [Fact]
    public async Task ClusterFixture_ThreePrimariesThreeReplicas_AllSlotsServedAndClientSeesTheTopology()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Cluster.ConnectionString);
        var servers = redis.GetServers();
        Assert.Equal(6, servers.Length);
        Assert.Equal(3, servers.Count(s => !s.IsReplica));
        Assert.All(servers, s => Assert.Equal(ServerType.Cluster, s.ServerType));
        var info = await RedisTestCluster.CliAsync(fixture.Cluster.Nodes[0], "CLUSTER", "INFO");
        Assert.Contains("cluster_slots_assigned:16384", info, StringComparison.Ordinal);
        Assert.Contains("cluster_known_nodes:6", info, StringComparison.Ordinal);
    }
}
