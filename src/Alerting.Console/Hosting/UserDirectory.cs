using System.Security.Claims;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// The users of <see cref="ConsoleOptions.Users"/>, looked up by name on every request: store scoping
/// always follows the config, never what a cookie says. Thread-safe (read-only after start).
/// </summary>
public sealed class UserDirectory
{
    private readonly Dictionary<string, ConsoleUser> _users;

    // An unknown name is checked against this dummy hash, made with the largest iteration count of the
    // configured users (hash-password gives them all the same), so "no such user" costs the same work as
    // "wrong password" and the answer time tells nothing about which names exist.
    private readonly string _dummyHash;

    public UserDirectory(ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _users = options.Users.ToDictionary(u => u.Name, StringComparer.Ordinal);
        var iterations = options.Users.Select(u => PasswordHashing.IterationsOf(u.PasswordHash) ?? 0).DefaultIfEmpty(0).Max();
        _dummyHash = PasswordHashing.Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            iterations > 0 ? iterations : PasswordHashing.DefaultIterations);
    }

    /// <summary>The user when name and password match; null otherwise.</summary>
    public ConsoleUser? Authenticate(string name, string password)
    {
        if (!_users.TryGetValue(name ?? "", out var user))
        {
            PasswordHashing.Verify(password ?? "", _dummyHash);
            return null;
        }
        return PasswordHashing.Verify(password ?? "", user.PasswordHash) ? user : null;
    }

    /// <summary>The configured user behind a signed-in principal, or null.</summary>
    public ConsoleUser? Find(ClaimsPrincipal? principal)
        => principal?.Identity?.Name is { } name && _users.TryGetValue(name, out var u) ? u : null;

    /// <summary>Whether the principal still names a configured user with the same role.</summary>
    public bool IsCurrent(ClaimsPrincipal? principal)
        => Find(principal) is { } u && principal!.IsInRole(u.Role);

    /// <summary>Whether the principal may see and act on <paramref name="store"/>.</summary>
    public bool MaySee(ClaimsPrincipal principal, string? store)
        => store is not null && Find(principal) is { } u && u.Stores.Contains(store, StringComparer.Ordinal);

    /// <summary>The claims identity of a signed-in user.</summary>
    public static ClaimsPrincipal PrincipalOf(ConsoleUser user, string scheme, string sessionId, DateTimeOffset issuedAt)
        => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role),
            new Claim(SessionStore.SessionIdClaim, sessionId),
            new Claim(SessionStore.IssuedAtClaim, issuedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], scheme));
}
