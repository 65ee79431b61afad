using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>
/// A real Redis Cluster on loopback: 3 primaries and 3 replicas of Debian's redis-server, each in its own temp
/// dir (<c>--cluster-enabled yes --save "" --appendonly no</c>, explicit cluster bus port so that no port
/// above 65535 is ever needed), joined by <c>redis-cli --cluster create … --cluster-replicas 1 --cluster-yes</c>.
/// <see cref="StartAsync"/> returns only when every node reports <c>cluster_state:ok</c>, knows all six nodes and
/// every replica is in sync (bounded waits; a timeout fails with the node's log tail). Disposal kills every node.
/// </summary>
public sealed class RedisTestCluster : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly (string User, string Password)? _auth;

    private RedisTestCluster(List<RedisServer> nodes, (string User, string Password)? auth = null)
    {
        Nodes = nodes;
        _auth = auth;
    }

    /// <summary>All six nodes (primary or replica: the roles move on failover).</summary>
    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>StackExchange.Redis connection string listing every node (it discovers the cluster by itself).</summary>
    public string ConnectionString => string.Join(',', Nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture))) + ",abortConnect=false";

    /// <summary>Starts six nodes, creates the cluster and waits until it serves every slot with synced replicas.</summary>
    /// <param name="nodeTimeoutMs"><c>cluster-node-timeout</c>.</param>
    /// <param name="extraNodeArgs">More redis-server arguments for every node (e.g. <c>--aclfile</c>, <c>--masteruser</c>).</param>
    /// <param name="adminAuth">The user redis-cli logs in as to create and watch the cluster (when the default user is off).</param>
    public static async Task<RedisTestCluster> StartAsync(int nodeTimeoutMs = 2000, IReadOnlyList<string>? extraNodeArgs = null,
        (string User, string Password)? adminAuth = null)
    {
        var nodes = new List<RedisServer>();
        var cluster = new RedisTestCluster(nodes, adminAuth);
        try
        {
            for (var i = 0; i < 6; i++)
            {
                nodes.Add(await RedisServer.StartNewAsync(false,
                [
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", nodeTimeoutMs.ToString(CultureInfo.InvariantCulture),
                    "--cluster-port", FreePort().ToString(CultureInfo.InvariantCulture),
                    // A replica of a killed primary takes over at once (no data-age veto in a test).
                    "--cluster-replica-validity-factor", "0",
                    .. extraNodeArgs ?? [],
                ]));
            }
            var args = new List<string> { "--cluster", "create" };
            args.AddRange(nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)));
            args.AddRange(["--cluster-replicas", "1", "--cluster-yes"]);
            var (code, output) = await RunCliAsync(args, adminAuth);
            if (code != 0) throw new InvalidOperationException($"redis-cli --cluster create failed ({code}): {output}");
            await cluster.WaitUntilHealthyAsync(Bound);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until every running node says <c>cluster_state:ok</c>, sees the expected number of nodes connected
    /// and (for replicas) has its link to the primary up. Throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, int expectedPrimaries = 3)
    {
        var clock = Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < timeout)
        {
            var ok = true;
            var primaries = 0;
            foreach (var node in Nodes.Where(n => n.ProcessId is not null))
            {
                var info = (await RunCliAsync(["-h", "127.0.0.1", "-p", node.Port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "INFO"], _auth)).Output;
                var replication = (await RunCliAsync(["-h", "127.0.0.1", "-p", node.Port.ToString(CultureInfo.InvariantCulture), "INFO", "replication"], _auth)).Output;
                if (!info.Contains("cluster_state:ok", StringComparison.Ordinal)) { ok = false; last = $"{node.Port}: {info}"; break; }
                if (replication.Contains("role:master", StringComparison.Ordinal)) primaries++;
                else if (!replication.Contains("master_link_status:up", StringComparison.Ordinal)) { ok = false; last = $"{node.Port}: {replication}"; break; }
            }
            if (ok && primaries == expectedPrimaries) return;
            if (ok) last = $"{primaries} primaries";
            await Task.Delay(100);
        }
        throw new TimeoutException($"Redis Cluster not healthy within {timeout}: {last}");
    }

    /// <summary>The node serving <paramref name="key"/>'s slot as primary now (every other node, replicas included, answers MOVED).</summary>
    public async Task<RedisServer> PrimaryOfAsync(string key)
    {
        foreach (var node in Nodes.Where(n => n.ProcessId is not null))
        {
            var probe = await CliAsync(node, "EXISTS", key);
            if (!probe.Contains("MOVED", StringComparison.Ordinal)) return node;
        }
        throw new InvalidOperationException($"no running primary owns {key}");
    }

    /// <summary>The running replica of <paramref name="primary"/>.</summary>
    public async Task<RedisServer> ReplicaOfAsync(RedisServer primary)
    {
        var port = "master_port:" + primary.Port.ToString(CultureInfo.InvariantCulture);
        foreach (var node in Nodes.Where(n => n.ProcessId is not null && n != primary))
        {
            var replication = await CliAsync(node, "INFO", "replication");
            if (replication.Contains("role:slave", StringComparison.Ordinal) && replication.Contains(port, StringComparison.Ordinal)) return node;
        }
        throw new InvalidOperationException($"no running replica of :{primary.Port}");
    }

    /// <summary>SIGKILL of one node: no shutdown, no last replication, exactly a crashed host.</summary>
    public static void Kill(RedisServer node)
    {
        var pid = node.ProcessId ?? throw new InvalidOperationException("node is not running");
        using var p = Process.GetProcessById(pid);
        p.Kill();
        p.WaitForExit();
    }

    /// <summary>Runs a redis-cli command against one node (no cluster redirect) and returns its output.</summary>
    public static async Task<string> CliAsync(RedisServer node, params string[] command)
    {
        var (_, output) = await RunCliAsync(["-h", "127.0.0.1", "-p", node.Port.ToString(CultureInfo.InvariantCulture), .. command]);
        return output;
    }

    private static async Task<(int Code, string Output)> RunCliAsync(IEnumerable<string> args, (string User, string Password)? auth = null)
    {
        var psi = new ProcessStartInfo("redis-cli") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (auth is { } a0)
        {
            // The password goes in the environment, not on the command line (redis-cli's own convention).
            psi.Environment["REDISCLI_AUTH"] = a0.Password;
            psi.ArgumentList.Add("--user");
            psi.ArgumentList.Add(a0.User);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start redis-cli");
        using var cts = new CancellationTokenSource(Bound);
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            throw new TimeoutException($"redis-cli {string.Join(' ', args)} did not finish within {Bound}");
        }
        return (p.ExitCode, await stdout + await stderr);
    }

    /// <summary>Every primary the client sees, for per-node reads (SCAN is per node in a cluster).</summary>
    public static IEnumerable<IServer> Primaries(IConnectionMultiplexer redis) => redis.GetServers().Where(s => s.IsConnected && !s.IsReplica);

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
    }
}

/// <summary>One cluster shared by the tests of the <see cref="RedisClusterTestGroup"/> (each test uses its own stores and key names).</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await RedisTestCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The Redis Cluster tests: one collection (run one after another, on one shared cluster), selectable with <c>--filter FullyQualifiedName~Cluster</c>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterTestGroup : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "RedisCluster";
}
