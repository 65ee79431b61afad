using System.Security.Cryptography;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// Server-side sessions: a login creates a random session id in Redis (<c>console:session:&lt;id&gt;</c> → user
/// name, expiring after <see cref="ConsoleOptions.SessionLifetime"/>) and the cookie carries the id. A cookie is
/// accepted only while its id is there, so logout (which deletes it) ends the session on every instance at
/// once, also for a copy of the cookie saved before.
/// </summary>
public sealed class SessionStore
{
    /// <summary>Claim type of the session id in the cookie.</summary>
    public const string SessionIdClaim = "sid";

    /// <summary>Claim type of the login time (Unix ms) in the cookie, for the absolute lifetime.</summary>
    public const string IssuedAtClaim = "iat";

    private readonly IDatabase _db;
    private readonly string _prefix;
    private readonly TimeSpan _lifetime;

    public SessionStore(IConnectionMultiplexer redis, ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _prefix = options.KeyPrefix + "session:";
        _lifetime = options.SessionLifetime;
    }

    /// <summary>Creates a session of <paramref name="user"/>; returns its id (256 random bits, hex).</summary>
    public async Task<string> CreateAsync(string user)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await _db.StringSetAsync(_prefix + id, user, _lifetime);
        return id;
    }

    /// <summary>Whether the session exists and belongs to <paramref name="user"/>.</summary>
    public async Task<bool> IsLiveAsync(string? id, string? user)
    {
        if (string.IsNullOrEmpty(id) || id.Length != 64 || user is null) return false;
        var owner = await _db.StringGetAsync(_prefix + id);
        return owner.HasValue && owner == user;
    }

    /// <summary>Ends a session (logout).</summary>
    public Task EndAsync(string? id) => string.IsNullOrEmpty(id) ? Task.CompletedTask : _db.KeyDeleteAsync(_prefix + id);
}
