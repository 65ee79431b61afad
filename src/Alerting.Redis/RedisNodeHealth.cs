using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace Alerting.Redis;

/// <summary>One Redis node as the worker sees it (for <c>/readyz</c> and dashboards).</summary>
/// <param name="Node">Endpoint, <c>host:port</c>.</param>
/// <param name="Connected">The interactive connection to it is up.</param>
/// <param name="Replica">The node is a replica (null when never connected: role unknown).</param>
/// <param name="Failure">Why the connection failed (StackExchange.Redis failure type), null when up.</param>
/// <param name="FailingSince">When the connection failed, null when up.</param>
/// <param name="WaitingWrites">Alert scripts of the batch in progress that this node (the primary of their slot) has not answered.</param>
/// <param name="Slots">Cluster slots this node serves as primary in the client's last view of the cluster (null: not a cluster).</param>
public sealed record RedisNodeStatus(string Node, bool Connected, bool? Replica, string? Failure, DateTimeOffset? FailingSince, int WaitingWrites, int? Slots);

/// <summary>
/// Which Redis node is failing: follows the connection's <c>ConnectionFailed</c>/<c>ConnectionRestored</c> events
/// per endpoint and, per failed write attempt, the node owning the slot of every alert script left unanswered. So
/// with a cluster (or a Sentinel pair) the readiness reason and the metrics name the node
/// (<c>alerting.redis.node.connected</c> gauge, <c>alerting.redis.node.connection_failures</c> and
/// <c>alerting.redis.node.unanswered_writes</c> counters, tag <c>node</c>). Thread-safe.
/// </summary>
public sealed class RedisNodeHealth
{
    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string Failure, DateTimeOffset Since)> _failures = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, int> _waiting = new Dictionary<string, int>();

    public RedisNodeHealth(IConnectionMultiplexer redis, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _time = timeProvider ?? TimeProvider.System;
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        RedisMetrics.Track(this);
    }

    /// <summary><c>host:port</c> of an endpoint (IPv6 in brackets).</summary>
    public static string Format(EndPoint? endpoint) => endpoint switch
    {
        IPEndPoint ip => ip.ToString(),
        DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        null => "unknown",
        _ => endpoint.ToString() ?? "unknown",
    };

    /// <summary>Every node the connection knows, with its state, failing ones first.</summary>
    public IReadOnlyList<RedisNodeStatus> Snapshot()
    {
        var waiting = _waiting;
        var nodes = new Dictionary<string, RedisNodeStatus>(StringComparer.Ordinal);
        var servers = _redis.GetServers();
        var slots = SlotsByPrimary(servers);
        foreach (var server in servers)
        {
            var node = Format(server.EndPoint);
            var connected = server.IsConnected;
            var failure = !connected && _failures.TryGetValue(node, out var f) ? f : default((string, DateTimeOffset)?);
            nodes[node] = new RedisNodeStatus(node, connected, connected ? server.IsReplica : null,
                connected ? null : failure?.Item1 ?? "not connected", failure?.Item2, waiting.GetValueOrDefault(node),
                slots is null ? null : slots.GetValueOrDefault(node));
        }
        foreach (var (node, count) in waiting)
            if (!nodes.ContainsKey(node)) nodes[node] = new RedisNodeStatus(node, false, null, "not connected", null, count, slots?.GetValueOrDefault(node));
        return nodes.Values.OrderBy(n => n.Connected && n.WaitingWrites == 0).ThenBy(n => n.Node, StringComparer.Ordinal).ToList();
    }

    /// <summary>The failing nodes in one line (<c>127.0.0.1:7001 (SocketFailure since 12:00:01Z, 37 alert writes unanswered)</c>), null when none.</summary>
    public string? DescribeFailing() => Describe(Snapshot().Where(n => !n.Connected || n.WaitingWrites > 0));

    /// <summary>
    /// The nodes that are down while they still serve cluster slots (no replica has taken over yet): the stores of those
    /// slots can get no alert, so this is a readiness problem; null when none. A node down whose slots moved to its
    /// replica (or a replica down) is only in <see cref="DescribeFailing"/>.
    /// </summary>
    public string? DescribeUnavailable() => Describe(Snapshot().Where(n => !n.Connected && n.Slots > 0));

    private static string? Describe(IEnumerable<RedisNodeStatus> nodes)
    {
        var failing = nodes.ToList();
        if (failing.Count == 0) return null;
        return string.Join("; ", failing.Select(n =>
        {
            var parts = new List<string>(2);
            if (!n.Connected) parts.Add(n.Failure + (n.FailingSince is { } since ? " since " + since.UtcDateTime.ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture) : ""));
            if (n.Slots > 0 && !n.Connected) parts.Add(string.Create(CultureInfo.InvariantCulture, $"serves {n.Slots} slot(s), no replica took over yet"));
            if (n.WaitingWrites > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{n.WaitingWrites} alert write(s) unanswered"));
            return $"{n.Node} ({string.Join(", ", parts)})";
        }));
    }

    /// <summary>Records, after a failed write attempt, the node of each unanswered script's key (the client's slot map: no network call).</summary>
    internal void RecordUnanswered(IEnumerable<RedisKey> keys)
    {
        // No network call here (this runs on the failure path, maybe while Redis hangs): a cluster's slot owner comes from
        // the client's cached slot map; otherwise every write goes to the one primary the client knows.
        var servers = _redis.GetServers();
        var cluster = ClusterView(servers);
        var primary = Format((servers.FirstOrDefault(s => s.IsConnected && !s.IsReplica) ?? servers.FirstOrDefault(s => !s.IsReplica) ?? servers.FirstOrDefault())?.EndPoint);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var node = cluster is null ? primary : Format(cluster.GetBySlot(key)?.EndPoint);
            counts[node] = counts.GetValueOrDefault(node) + 1;
        }
        foreach (var (node, count) in counts) RedisMetrics.UnansweredWrites.Add(count, new KeyValuePair<string, object?>("node", node));
        _waiting = counts;
    }

    /// <summary>The batch in progress was acknowledged: no node holds writes back.</summary>
    internal void ClearUnanswered()
    {
        if (_waiting.Count > 0) _waiting = new Dictionary<string, int>();
    }

    /// <summary>Slots per primary from the first connected node's cached <c>CLUSTER NODES</c> (refreshed by the client on MOVED and periodically); null when not a cluster.</summary>
    private static Dictionary<string, int>? SlotsByPrimary(IServer[] servers)
    {
        if (ClusterView(servers) is not { } config) return null;
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in config.Nodes)
            if (!node.IsReplica && node.EndPoint is not null) slots[Format(node.EndPoint)] = node.Slots.Sum(r => r.To - r.From + 1);
        return slots;
    }

    /// <summary>The client's cached view of the cluster, from the first connected cluster node; null when not a cluster.</summary>
    private static ClusterConfiguration? ClusterView(IServer[] servers)
    {
        foreach (var server in servers)
        {
            if (!server.IsConnected || server.ServerType != ServerType.Cluster) continue;
            try
            {
                if (server.ClusterConfiguration is { } config) return config;
            }
            catch (RedisException)
            {
            }
        }
        return null;
    }

    internal IEnumerable<(string Node, bool Connected)> Connections()
        => _redis.GetServers().Select(s => (Format(s.EndPoint), s.IsConnected));

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive) return;
        var node = Format(e.EndPoint);
        var failure = e.FailureType.ToString();
        _failures.AddOrUpdate(node, _ => (failure, _time.GetUtcNow()), (_, old) => (failure, old.Since));
        RedisMetrics.NodeConnectionFailures.Add(1, new KeyValuePair<string, object?>("node", node), new KeyValuePair<string, object?>("failure", failure));
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive) _failures.TryRemove(Format(e.EndPoint), out _);
    }
}
