using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Alerting.IntegrationTests.Deploy;
using Alerting.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>
/// deploy/redis/users-cluster.acl as shipped, on a real cluster: the default user off, the nodes' replicas logging in
/// as <c>replica</c>, redis-cli creating the cluster as <c>ops</c>, and the worker doing all its work as <c>worker</c>
/// (slot map discovery with CLUSTER NODES/SLOTS, scripts, WAIT for a replica): the streams hold replay's alerts.
/// </summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class ClusterAclTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Worker_AsTheWorkerUserOfTheClusterAclFile_WaitForReplicas1_StreamsHoldExactlyReplaysAlerts()
    {
        var clock = Stopwatch.StartNew();
        var passwords = new[] { "WORKER", "CONSOLE", "REPLICA", "OPS" }.ToDictionary(n => n, _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        var acl = await File.ReadAllTextAsync(Path.Combine(DeployFilesTests.RepoRoot(), "deploy", "redis", "users-cluster.acl"));
        foreach (var (name, password) in passwords)
            acl = acl.Replace($"@{name}_PASSWORD_SHA256@", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(password))).ToLowerInvariant(), StringComparison.Ordinal);
        Assert.DoesNotContain("_PASSWORD_SHA256@", acl, StringComparison.Ordinal); // every user got its hash
        var aclFile = Path.Combine(Path.GetTempPath(), "alerting-cluster-acl-" + Guid.NewGuid().ToString("N") + ".acl");
        await File.WriteAllTextAsync(aclFile, acl);
        try
        {
            await using var cluster = await RedisTestCluster.StartAsync(extraNodeArgs: ["--aclfile", aclFile, "--masteruser", "replica", "--masterauth", passwords["REPLICA"]],
                adminAuth: ("ops", passwords["OPS"]));
            var asWorker = cluster.ConnectionString + ",user=worker,password=" + passwords["WORKER"];
            // The test reads every node's streams as the operator (SCAN, XRANGE), the worker writes as itself.
            await using var s = await ClusterScenario.CreateAsync(cluster.ConnectionString + ",user=ops,password=" + passwords["OPS"], seed: 2150, conversations: 200);
            var overrides = new Dictionary<string, string?>(ClusterWorkerTests.FastRetries) { ["Redis:WaitForReplicas"] = "1" };
            await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, asWorker, s.ConfigFile, overrides: overrides);
            s.Produce(0, s.Messages.Count);
            var live = await s.AssertExactlyOnceAsync(TimeSpan.FromSeconds(90));
            Assert.Equal(3, await s.PrimariesWithStreamsAsync());
            // The default user is off: a client without credentials is refused.
            Assert.Contains("NOAUTH", await RedisTestCluster.CliAsync(cluster.Nodes[0], "GET", "x"), StringComparison.Ordinal);
            output.WriteLine($"{s.Messages.Count} messages, {s.Expected.Count} expected alert events, {live.Count} in the streams, written as 'worker' with WaitForReplicas 1, in {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            File.Delete(aclFile);
        }
    }
}
