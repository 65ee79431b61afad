using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// Throttles password guessing. Per user name: a sliding-window limit on this instance, and a lockout
/// shared by every instance (in Redis) after <see cref="LoginLimits.FailuresBeforeLockout"/> failures in a
/// row, doubling with each further lockout up to <see cref="LoginLimits.MaxLockoutDuration"/>. Unknown names
/// are counted and locked exactly like real ones, so neither the answer nor its timing tells them apart.
/// At most <see cref="LoginLimits.ConcurrentChecks"/> password hashes are computed at once, so a burst of
/// logins cannot take every core. (The per-address limit is ASP.NET Core's rate limiting middleware, see ConsoleApp.)
/// Every refusal is logged (never with the password) and counted in <see cref="ConsoleMetrics"/>.
/// </summary>
public sealed partial class LoginGuard : IDisposable
{
    // KEYS[1] the name's lockout hash. ARGV: now ms, failures before lockout, first lockout ms, longest lockout ms, key ttl ms.
    // Returns the unlock time in ms (0 when not locked). A failure while locked changes nothing.
    private const string FailureScript = """
        local now = tonumber(ARGV[1])
        local locked = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
        if locked > now then return locked end
        local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
        local result = 0
        if failures >= tonumber(ARGV[2]) then
          local n = redis.call('HINCRBY', KEYS[1], 'lockouts', 1)
          local d = math.min(tonumber(ARGV[3]) * math.pow(2, n - 1), tonumber(ARGV[4]))
          result = now + math.floor(d)
          redis.call('HSET', KEYS[1], 'until', result, 'failures', 0)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return result
        """;

    private readonly IDatabase _db;
    private readonly string _prefix;
    private readonly LoginLimits _limits;
    private readonly TimeProvider _time;
    private readonly ConsoleMetrics _metrics;
    private readonly ILogger<LoginGuard> _log;
    private readonly PartitionedRateLimiter<string> _perName;
    private readonly ConcurrencyLimiter _checks;

    public LoginGuard(IConnectionMultiplexer redis, ConsoleOptions options, TimeProvider time, ConsoleMetrics metrics, ILogger<LoginGuard> log)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _prefix = options.KeyPrefix + "login:";
        _limits = options.Login;
        _time = time;
        _metrics = metrics;
        _log = log;
        var perName = _limits.PerNamePerMinute;
        _perName = PartitionedRateLimiter.Create<string, string>(name => RateLimitPartition.GetSlidingWindowLimiter(name, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = perName, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0, AutoReplenishment = true,
        }));
        _checks = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _limits.ConcurrentChecks, QueueLimit = _limits.ConcurrentChecks * 8, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Takes one attempt of the per-name window; the lease says whether it was granted (and when to retry if not).</summary>
    public RateLimitLease TryAttempt(string name) => _perName.AttemptAcquire(NameKey(name));

    /// <summary>Waits for a password-check slot; not acquired when the queue is full.</summary>
    public ValueTask<RateLimitLease> WaitForCheckAsync(CancellationToken ct) => _checks.AcquireAsync(1, ct);

    /// <summary>When the name is locked, the time it unlocks; otherwise null.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(string name)
    {
        var until = (long?)await _db.HashGetAsync(LockKey(name), "until");
        return until is { } ms && ms > _time.GetUtcNow().ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>Counts a failed attempt; returns the unlock time when this failure locked the name.</summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(string name)
    {
        var keyTtl = Math.Max((long)_limits.MaxLockoutDuration.TotalMilliseconds * 2, (long)TimeSpan.FromHours(24).TotalMilliseconds);
        var until = (long)await _db.ScriptEvaluateAsync(FailureScript, [LockKey(name)],
        [
            _time.GetUtcNow().ToUnixTimeMilliseconds(), _limits.FailuresBeforeLockout,
            (long)_limits.LockoutDuration.TotalMilliseconds, (long)_limits.MaxLockoutDuration.TotalMilliseconds, keyTtl,
        ]);
        return until > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null;
    }

    /// <summary>A successful login clears the name's failures and its lockout history.</summary>
    public Task ClearAsync(string name) => _db.KeyDeleteAsync(LockKey(name));

    /// <summary>Logs and counts a refused login. The password is never passed here.</summary>
    public void Refused(string reason, string? name, string? address, string detail)
    {
        _metrics.LoginFailed(reason);
        LogRefused(_log, reason, Printable(name), address ?? "unknown", detail);
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Login refused ({Reason}) for name '{Name}' from {Address}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string reason, string name, string address, string detail);

    /// <summary>A name as it may appear in a log line: at most 64 characters, control characters escaped.</summary>
    internal static string Printable(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "";
        var sb = new StringBuilder();
        foreach (var c in name.Length > 64 ? name[..64] : name)
            sb.Append(char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString());
        return name.Length > 64 ? sb.Append('…').ToString() : sb.ToString();
    }

    /// <summary>Names are hashed into keys: any text is a safe key, and Redis holds no list of tried names.</summary>
    private static string NameKey(string name) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 16);

    private RedisKey LockKey(string name) => _prefix + NameKey(name);

    public void Dispose()
    {
        _perName.Dispose();
        _checks.Dispose();
    }
}
