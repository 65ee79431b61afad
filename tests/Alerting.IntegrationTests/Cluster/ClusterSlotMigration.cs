using System.Diagnostics;
using System.Globalization;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>What <see cref="ClusterSlotMigration.MoveSlotAsync"/> did: keys moved, MIGRATE calls, how long the slot was in between.</summary>
public sealed record SlotMigrationReport(int Slot, int KeysMoved, int MigrateCalls, TimeSpan MigratingFor);

/// <summary>
/// Moves one hash slot from its primary to another primary by hand, the steps <c>redis-cli --cluster reshard</c>
/// runs, but slowly so that traffic hits the slot while it is half moved: <c>CLUSTER SETSLOT IMPORTING</c> on the
/// target, <c>MIGRATING</c> on the source, <c>GETKEYSINSLOT</c> + <c>MIGRATE … KEYS</c> a few keys at a time with a
/// pause between, and <c>SETSLOT NODE</c> on the target, the source and every other primary at the end.
/// </summary>
public static class ClusterSlotMigration
{
    /// <summary>The slot of <paramref name="key"/> as the server computes it.</summary>
    public static async Task<int> KeySlotAsync(RedisServer node, string key)
        => int.Parse((await RedisTestCluster.CliAsync(node, "CLUSTER", "KEYSLOT", key)).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The node's cluster id.</summary>
    public static async Task<string> NodeIdAsync(RedisServer node) => (await RedisTestCluster.CliAsync(node, "CLUSTER", "MYID")).Trim();

    /// <summary>The running primaries now.</summary>
    public static async Task<List<RedisServer>> PrimariesAsync(RedisTestCluster cluster)
    {
        var primaries = new List<RedisServer>();
        foreach (var node in cluster.Nodes.Where(n => n.ProcessId is not null))
            if ((await RedisTestCluster.CliAsync(node, "INFO", "replication")).Contains("role:master", StringComparison.Ordinal)) primaries.Add(node);
        return primaries;
    }

    /// <summary>Number of keys of <paramref name="slot"/> held by <paramref name="node"/>.</summary>
    public static async Task<long> CountKeysAsync(RedisServer node, int slot)
        => long.Parse((await RedisTestCluster.CliAsync(node, "CLUSTER", "COUNTKEYSINSLOT", slot.ToString(CultureInfo.InvariantCulture))).Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// Moves <paramref name="slot"/> from <paramref name="source"/> to <paramref name="target"/>, <paramref name="keysPerStep"/>
    /// keys per MIGRATE with <paramref name="pause"/> between, keeping the slot in the migrating state for at least
    /// <paramref name="atLeast"/> (or until <paramref name="keepMigrating"/> completes, whichever is later) so that
    /// writes keep arriving while the keys are split between the two nodes. Every step's reply is checked.
    /// </summary>
    public static async Task<SlotMigrationReport> MoveSlotAsync(RedisTestCluster cluster, int slot, RedisServer source, RedisServer target,
        int keysPerStep, TimeSpan pause, TimeSpan atLeast, Task? keepMigrating = null)
    {
        var s = slot.ToString(CultureInfo.InvariantCulture);
        var sourceId = await NodeIdAsync(source);
        var targetId = await NodeIdAsync(target);
        Expect("OK", await RedisTestCluster.CliAsync(target, "CLUSTER", "SETSLOT", s, "IMPORTING", sourceId), "SETSLOT IMPORTING");
        Expect("OK", await RedisTestCluster.CliAsync(source, "CLUSTER", "SETSLOT", s, "MIGRATING", targetId), "SETSLOT MIGRATING");
        var clock = Stopwatch.StartNew();
        var moved = 0;
        var calls = 0;
        var bound = TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.True(clock.Elapsed < bound, $"slot {slot} still migrating after {bound}");
            var keys = (await RedisTestCluster.CliAsync(source, "CLUSTER", "GETKEYSINSLOT", s, keysPerStep.ToString(CultureInfo.InvariantCulture)))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (keys.Length == 0)
            {
                if (clock.Elapsed >= atLeast && (keepMigrating is null || keepMigrating.IsCompleted)) break;
                await Task.Delay(pause);
                continue;
            }
            var reply = await RedisTestCluster.CliAsync(source, ["MIGRATE", "127.0.0.1", target.Port.ToString(CultureInfo.InvariantCulture), "", "0", "5000", "KEYS", .. keys]);
            // NOKEY: the keys went between GETKEYSINSLOT and MIGRATE (expired); anything else is a failed step.
            Assert.True(reply.Trim() is "OK" or "NOKEY", $"MIGRATE of {keys.Length} key(s) of slot {slot} failed: {reply}");
            moved += reply.Trim() == "OK" ? keys.Length : 0;
            calls++;
            await Task.Delay(pause);
        }
        var migratingFor = clock.Elapsed;
        // As redis-cli does: the target first (it stops asking for ASKING), then the source, then the others.
        Expect("OK", await RedisTestCluster.CliAsync(target, "CLUSTER", "SETSLOT", s, "NODE", targetId), "SETSLOT NODE on the target");
        Expect("OK", await RedisTestCluster.CliAsync(source, "CLUSTER", "SETSLOT", s, "NODE", targetId), "SETSLOT NODE on the source");
        foreach (var other in (await PrimariesAsync(cluster)).Where(n => n != source && n != target))
            Expect("OK", await RedisTestCluster.CliAsync(other, "CLUSTER", "SETSLOT", s, "NODE", targetId), "SETSLOT NODE on another primary");
        return new SlotMigrationReport(slot, moved, calls, migratingFor);
    }

    private static void Expect(string expected, string reply, string step)
        => Assert.True(reply.Trim() == expected, $"{step}: {reply}");
}
