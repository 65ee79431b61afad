using System.Security.Cryptography;
using System.Text;
using Alerting.IntegrationTests.Faults;
using Alerting.IntegrationTests.Infrastructure;

namespace Alerting.IntegrationTests.Deploy;

/// <summary>
/// The worker runs as the <c>worker</c> user of deploy/redis/users.acl (the file compose.yaml loads, default
/// user off): alerts, dedupe, counters, batch tracking and checkpoints all within its key patterns and
/// commands, and the alerts come out exactly once.
/// </summary>
public sealed class RedisAclWorkerTests
{
    [Fact]
    public async Task Worker_AsTheAclWorkerUser_RaisesEveryAlertExactlyOnce()
    {
        const string password = "worker-acl-test";
        static string Sha(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
        var acl = Path.Combine(Path.GetTempPath(), $"alerting-acl-{Guid.NewGuid():N}.acl");
        await File.WriteAllTextAsync(acl, (await File.ReadAllTextAsync(Path.Combine(DeployFilesTests.RepoRoot(), "deploy", "redis", "users.acl")))
            .Replace("@WORKER_PASSWORD_SHA256@", Sha(password), StringComparison.Ordinal)
            .Replace("@CONSOLE_PASSWORD_SHA256@", Sha("unused-" + Guid.NewGuid()), StringComparison.Ordinal));
        try
        {
            var auth = $",user=worker,password={password}";
            await using var s = await FaultScenario.CreateAsync(seed: 1801, conversations: 200, partitions: 4, redisArgs: ["--aclfile", acl], redisAuth: auth);
            await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString + auth, s.ConfigFile);
            s.Produce(0, s.Messages.Count);
            await s.AssertExactlyOnceAsync(TimeSpan.FromSeconds(90));
            await worker.StopAsync();
            // Rule state was checkpointed under the worker's own keys.
            var server = s.Redis.GetServers()[0];
            var checkpoints = 0;
            await foreach (var _ in server.KeysAsync(pattern: "alerts:state:*")) checkpoints++;
            Assert.True(checkpoints > 0, "checkpoints should be written as the worker user");
        }
        finally
        {
            File.Delete(acl);
        }
    }
}
