using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.DevTools.Embedded;
using Alerting.Redis;
using StackExchange.Redis;

namespace Alerting.Benchmarks;

/// <summary>
/// <c>redis-cluster</c>: the alert sink's throughput and batch latency on one <c>redis-server</c> vs a local Redis
/// Cluster of 3 primaries + 3 replicas (asynchronous replication, then <c>Redis:WaitForReplicas 1</c>), in the same
/// run, rounds interleaved (single, cluster, cluster+WAIT, single, …) so a shared machine's load hits all alike.
/// Each round writes <c>--alerts</c> new alert events (default 20,000) of 240 stores in batches of <c>--batch</c>
/// (default 200, one <see cref="RedisAlertSink.WriteAsync"/> each, as the worker does per consumed batch) and reports
/// alerts/s and the batch latency percentiles. Every server: <c>--save "" --appendonly no</c> on loopback.
/// </summary>
public static class RedisClusterBenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var alerts = 20_000;
        var batch = 200;
        var rounds = 3;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--alerts" && i + 1 < args.Length) alerts = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--batch" && i + 1 < args.Length) batch = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--rounds" && i + 1 < args.Length) rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"redis-cluster: {alerts:N0} alert events per round, batches of {batch}, {rounds} round(s) per target, {Environment.ProcessorCount} cores, load {Load()}");
        await using var single = await LocalRedisServer.StartNewAsync();
        var nodes = await StartClusterAsync();
        try
        {
            var cluster = string.Join(',', nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)));
            var targets = new (string Name, string Connection, int Wait)[] { ("single node", single.ConnectionString, 0), ("cluster 3+3", cluster, 0), ("cluster 3+3, WaitForReplicas 1", cluster, 1) };
            var results = targets.ToDictionary(t => t.Name, _ => new List<(double Rate, double[] LatenciesMs)>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, connection, wait) in targets)
                {
                    var r = await RoundAsync(connection, wait, $"b{round}{wait}{name.Length}", alerts, batch);
                    results[name].Add(r);
                    Console.WriteLine($"  round {round + 1} {name,-32} {r.Rate,9:N0} alerts/s  p50 {Pct(r.LatenciesMs, 0.5),6:F2} ms  p99 {Pct(r.LatenciesMs, 0.99),6:F2} ms");
                }
            }
            Console.WriteLine();
            Console.WriteLine("| target | alerts/s (median of rounds) | batch p50 ms | batch p95 ms | batch p99 ms |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var (name, list) in results)
            {
                var all = list.SelectMany(l => l.LatenciesMs).ToArray();
                var rate = list.Select(l => l.Rate).Order().ElementAt(list.Count / 2);
                Console.WriteLine($"| {name} | {rate:N0} | {Pct(all, 0.5):F2} | {Pct(all, 0.95):F2} | {Pct(all, 0.99):F2} |");
            }
            Console.WriteLine($"load at the end {Load()}");
            return 0;
        }
        finally
        {
            foreach (var n in nodes) await n.DisposeAsync();
        }
    }

    private static async Task<(double Rate, double[] LatenciesMs)> RoundAsync(string connection, int waitForReplicas, string prefix, int count, int batch)
    {
        var options = new RedisAlertingOptions
        {
            ConnectionString = connection, WaitForReplicas = waitForReplicas,
            StreamKeyPrefix = prefix + ":stream:", SeenKeyPrefix = prefix + ":seen:", CounterKeyPrefix = prefix + ":count:", ChannelPrefix = prefix,
        };
        await using var redis = await RedisConnection.ConnectAsync(options);
        var sink = new RedisAlertSink(redis, options);
        var all = Enumerable.Range(0, count).Select(i => Alert(prefix, i)).ToList();
        await sink.WriteAsync(all.Take(batch).ToList(), CancellationToken.None); // warm-up: scripts loaded, connections open
        var latencies = new List<double>(count / batch);
        var clock = Stopwatch.StartNew();
        var written = 0;
        for (var start = batch; start < all.Count; start += batch)
        {
            var t = Stopwatch.GetTimestamp();
            written += (await sink.WriteAsync(all.GetRange(start, Math.Min(batch, all.Count - start)), CancellationToken.None)).Written;
            latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (written != count - batch) throw new InvalidOperationException($"{written} of {count - batch} written");
        return (written / seconds, latencies.ToArray());
    }

    private static Alert Alert(string prefix, int i) => new()
    {
        AlertId = $"{prefix}-{i}",
        Rule = "rude_language",
        Severity = Severity.High,
        ShopId = $"shop-{i % 240:000}",
        ConversationId = $"c-{i}",
        AgentId = $"agent-{i % 37}",
        MessageIds = [$"m-{i}"],
        EventTime = DateTimeOffset.UtcNow,
        DetectedAt = DateTimeOffset.UtcNow,
        Summary = "客服使用不文明用语：“你烦不烦”",
        Evidence = new JsonObject { ["term"] = "烦不烦", ["start"] = 1, ["end"] = 4 },
    };

    private static double Pct(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Six cluster nodes on loopback joined by <c>redis-cli --cluster create … --cluster-replicas 1</c>; returns once every slot is served and every replica is in sync.</summary>
    private static async Task<List<LocalRedisServer>> StartClusterAsync()
    {
        var nodes = new List<LocalRedisServer>();
        for (var i = 0; i < 6; i++)
            nodes.Add(await LocalRedisServer.StartNewAsync(false, ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", FreePort().ToString(CultureInfo.InvariantCulture)]));
        var ports = nodes.Select(n => "127.0.0.1:" + n.Port.ToString(CultureInfo.InvariantCulture)).ToList();
        var (code, output) = await CliAsync(["--cluster", "create", .. ports, "--cluster-replicas", "1", "--cluster-yes"]);
        if (code != 0) throw new InvalidOperationException("redis-cli --cluster create failed: " + output);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ok = true;
            foreach (var n in nodes)
            {
                var p = n.Port.ToString(CultureInfo.InvariantCulture);
                var info = (await CliAsync(["-p", p, "CLUSTER", "INFO"])).Output;
                var repl = (await CliAsync(["-p", p, "INFO", "replication"])).Output;
                ok &= info.Contains("cluster_state:ok", StringComparison.Ordinal) && (repl.Contains("role:master", StringComparison.Ordinal) || repl.Contains("master_link_status:up", StringComparison.Ordinal));
            }
            if (ok) return nodes;
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the cluster did not become healthy within 60 s");
            await Task.Delay(200);
        }
    }

    private static async Task<(int Code, string Output)> CliAsync(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("redis-cli") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start redis-cli");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
