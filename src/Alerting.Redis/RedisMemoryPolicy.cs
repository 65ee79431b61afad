using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Alerting.Redis;

/// <summary>What the alert bus needs of Redis memory settings, as read from <c>INFO memory</c>.</summary>
/// <param name="MaxMemory">Bytes (0 = no limit).</param>
/// <param name="Policy">The eviction policy (<c>maxmemory-policy</c>).</param>
public sealed record RedisMemorySettings(long MaxMemory, string Policy, long UsedMemory)
{
    /// <summary>
    /// The alert bus must run with <c>noeviction</c>: every other policy may silently evict checkpoints
    /// (state of waiting buyers), dedupe keys (a redelivery then alerts twice), stream entries not yet
    /// acknowledged by inspectors — the <c>volatile-*</c> ones too, since dedupe keys carry a TTL.
    /// </summary>
    public bool EvictionCanDropState => !string.Equals(Policy, "noeviction", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses the <c>INFO memory</c> text (fields <c>maxmemory</c>, <c>maxmemory_policy</c>, <c>used_memory</c>).</summary>
    public static RedisMemorySettings Parse(string info)
    {
        ArgumentNullException.ThrowIfNull(info);
        long max = 0, used = 0;
        var policy = "unknown";
        foreach (var raw in info.Split('\n'))
        {
            var line = raw.Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) continue;
            var (name, value) = (line[..colon], line[(colon + 1)..]);
            if (name == "maxmemory") long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out max);
            else if (name == "used_memory") long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out used);
            else if (name == "maxmemory_policy") policy = value;
        }
        return new RedisMemorySettings(max, policy, used);
    }

    /// <summary>Reads the settings of the server behind <paramref name="redis"/>.</summary>
    public static async Task<RedisMemorySettings> ReadAsync(IConnectionMultiplexer redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var info = (string?)await redis.GetDatabase().ExecuteAsync("INFO", "memory").ConfigureAwait(false) ?? "";
        return Parse(info);
    }
}

/// <summary>
/// Checks Redis's memory settings once at start (and again after a reconnect would need a restart of
/// the check; ops see the result in the log and on <c>/readyz</c>): an eviction policy other than
/// <c>noeviction</c> is logged at Critical, a missing <c>maxmemory</c> at Warning. Never blocks the start:
/// Redis may be down, the worker retries its writes anyway.
/// </summary>
public sealed partial class RedisMemoryPolicyCheck(IConnectionMultiplexer redis, ILogger<RedisMemoryPolicyCheck> logger) : IHostedService
{
    /// <summary>The settings read at start; null until read (or when Redis did not answer).</summary>
    public RedisMemorySettings? Settings { get; private set; }

    /// <summary>A readiness warning when the settings put state at risk, else null.</summary>
    public string? Problem => Settings is { EvictionCanDropState: true } s
        ? $"Redis maxmemory-policy is {s.Policy}: it can evict checkpoints and dedupe keys (set noeviction)"
        : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var settings = await RedisMemorySettings.ReadAsync(redis).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            Settings = settings;
            if (settings.EvictionCanDropState) LogEvictingPolicy(logger, settings.Policy);
            if (settings.MaxMemory == 0) LogNoMaxMemory(logger, settings.UsedMemory);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnchecked(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4150, Level = LogLevel.Critical, Message = "Redis maxmemory-policy is {Policy}: at maxmemory Redis may evict partition checkpoints (waiting buyers, pending deadlines), dedupe keys (redelivered alerts are then written twice) and unacknowledged alerts. Set maxmemory-policy noeviction (see the Redis adapter's README)")]
    private static partial void LogEvictingPolicy(ILogger logger, string policy);

    [LoggerMessage(EventId = 4151, Level = LogLevel.Warning, Message = "Redis has no maxmemory (using {Used} bytes): it grows until the host runs out of memory. Set maxmemory with maxmemory-policy noeviction; at the limit alert writes are refused (OOM), reported, and retried until retention frees memory")]
    private static partial void LogNoMaxMemory(ILogger logger, long used);

    [LoggerMessage(EventId = 4152, Level = LogLevel.Warning, Message = "Redis memory settings not checked at start ({Reason}); check maxmemory-policy noeviction by hand")]
    private static partial void LogUnchecked(ILogger logger, string reason);
}
