using System.Security.Claims;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>
/// The users of <see cref="ConsoleOptions.Users"/>, looked up by name on every request: store scoping
/// always follows the config, never what a cookie says. Thread-safe (read-only after start).
/// </summary>
public sealed class UserDirectory
{
    // Verifying a dummy hash for unknown names keeps the response time of "no such user" and "wrong password" alike.
    private static readonly string DummyHash = PasswordHashing.Hash("not-a-password", 1000);
    private readonly Dictionary<string, ConsoleUser> _users;

    public UserDirectory(ConsoleOptions options)
        => _users = options.Users.ToDictionary(u => u.Name, StringComparer.Ordinal);

    /// <summary>The user when name and password match; null otherwise.</summary>
    public ConsoleUser? Authenticate(string name, string password)
    {
        if (!_users.TryGetValue(name ?? "", out var user))
        {
            PasswordHashing.Verify(password ?? "", DummyHash);
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
    public static ClaimsPrincipal PrincipalOf(ConsoleUser user, string scheme)
        => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role)], scheme));
}
