using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Alerting.IntegrationTests.Cluster;

/// <summary>
/// A single primary with one replica watched by three Sentinels, on loopback (Debian's redis-server; a Sentinel is
/// <c>redis-server &lt;conf&gt; --sentinel</c>, quorum 2, <c>down-after-milliseconds</c> 1000). Clients connect with
/// <see cref="ConnectionString"/> (the Sentinels and <c>serviceName=</c><see cref="Service"/>) and StackExchange.Redis
/// finds the primary and follows a failover. Disposal kills every process.
/// </summary>
public sealed class RedisTestSentinel : IAsyncDisposable
{
    public const string Service = "alerts";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly List<(Process Process, int Port, string Dir)> _sentinels = [];

    private RedisTestSentinel(RedisServer primary, RedisServer replica)
    {
        Primary = primary;
        Replica = replica;
    }

    /// <summary>The node that was primary at start.</summary>
    public RedisServer Primary { get; }

    /// <summary>The node that was replica at start.</summary>
    public RedisServer Replica { get; }

    /// <summary>The three Sentinels and the service name, as a worker would be configured.</summary>
    public string ConnectionString => string.Join(',', _sentinels.Select(s => "127.0.0.1:" + s.Port.ToString(CultureInfo.InvariantCulture)))
        + ",serviceName=" + Service + ",abortConnect=false";

    public static async Task<RedisTestSentinel> StartAsync()
    {
        var primary = await RedisServer.StartNewAsync();
        RedisServer? replica = null;
        RedisTestSentinel? setup = null;
        try
        {
            replica = await RedisServer.StartNewAsync(false, ["--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture)]);
            setup = new RedisTestSentinel(primary, replica);
            for (var i = 0; i < 3; i++) setup.StartSentinel();
            await setup.WaitAsync(async () => (await RedisTestCluster.CliAsync(replica, "INFO", "replication")).Contains("master_link_status:up", StringComparison.Ordinal), "replica in sync");
            foreach (var s in setup._sentinels)
            {
                var port = s.Port.ToString(CultureInfo.InvariantCulture);
                await setup.WaitAsync(async () =>
                {
                    var info = await CliPortAsync(port, "SENTINEL", "MASTER", Service);
                    var replicas = await CliPortAsync(port, "SENTINEL", "REPLICAS", Service);
                    var sentinels = await CliPortAsync(port, "SENTINEL", "SENTINELS", Service);
                    return info.Contains("num-other-sentinels\n2", StringComparison.Ordinal) && replicas.Contains(replica.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                        && sentinels.Split('\n').Count(l => l == "name") == 2;
                }, $"sentinel :{port} sees the primary, the replica and the other two sentinels");
            }
            return setup;
        }
        catch
        {
            if (setup is not null) await setup.DisposeAsync();
            else
            {
                await primary.DisposeAsync();
                if (replica is not null) await replica.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>The primary as the Sentinels report it now (port).</summary>
    public async Task<int> CurrentPrimaryPortAsync()
    {
        var reply = await CliPortAsync(_sentinels[0].Port.ToString(CultureInfo.InvariantCulture), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", Service);
        return int.Parse(reply.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), CultureInfo.InvariantCulture);
    }

    private void StartSentinel()
    {
        var port = FreePort();
        var dir = Directory.CreateTempSubdirectory("alerting-sentinel-").FullName;
        var conf = Path.Combine(dir, "sentinel.conf");
        File.WriteAllText(conf, string.Join('\n',
            $"port {port}", "bind 127.0.0.1", $"dir {dir}", $"logfile {Path.Combine(dir, "sentinel.log")}",
            $"sentinel monitor {Service} 127.0.0.1 {Primary.Port} 2",
            $"sentinel down-after-milliseconds {Service} 1000",
            $"sentinel failover-timeout {Service} 10000",
            $"sentinel parallel-syncs {Service} 1", ""));
        var psi = new ProcessStartInfo("redis-server") { UseShellExecute = false, WorkingDirectory = dir };
        psi.ArgumentList.Add(conf);
        psi.ArgumentList.Add("--sentinel");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start redis-server --sentinel");
        _sentinels.Add((process, port, dir));
    }

    private async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Bound)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"Sentinel setup: no {what} within {Bound}");
    }

    private static async Task<string> CliPortAsync(string port, params string[] command)
    {
        var psi = new ProcessStartInfo("redis-cli") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", port }.Concat(command)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start redis-cli");
        using var cts = new CancellationTokenSource(Bound);
        var output = await p.StandardOutput.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        return output;
    }

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
        foreach (var (process, _, dir) in _sentinels)
        {
            try
            {
                if (!process.HasExited) process.Kill();
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
        await Primary.DisposeAsync();
        await Replica.DisposeAsync();
    }
}
