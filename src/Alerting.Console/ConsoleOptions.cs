using Microsoft.Extensions.Options;

namespace Alerting.InspectorConsole;

/// <summary>
/// Settings of the inspector console, bound from the config section <c>Console</c>
/// (<see cref="SectionName"/>). Redis connection and key names come from the section <c>Redis</c>
/// (the same <see cref="Alerting.Redis.RedisAlertingOptions"/> the worker reads).
/// </summary>
public sealed class ConsoleOptions
{
    /// <summary>Config section these options bind to.</summary>
    public const string SectionName = "Console";

    /// <summary>Where the console listens. Default <c>http://127.0.0.1:5080</c> (loopback only: put a TLS proxy in front for remote users).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The people who may log in. No users means nobody can log in.</summary>
    public List<ConsoleUser> Users { get; set; } = [];

    /// <summary>A claim not acknowledged within this time returns to the store's pool. Default 10 minutes.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the pool keeper moves new stream entries into the pool and returns stale claims. Default 1 s.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a live feed looks at the streams when no pub/sub doorbell rang (safety net). Default 2 s.</summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most recent entries per store sent to a feed that connects without a position. Default 500.</summary>
    public int CatchUpLimit { get; set; } = 500;

    /// <summary>IANA time zone of the stores, used for "today" in the coverage meter. Default <c>Asia/Shanghai</c>.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Per-store time zone overrides (store id → IANA zone).</summary>
    public Dictionary<string, string> StoreTimeZones { get; set; } = [];

    /// <summary>Prefix of the console's own keys (verdicts, claims, silences), each with the store hash tag. Default <c>console:</c>.</summary>
    public string KeyPrefix { get; set; } = "console:";

    /// <summary>
    /// Absolute lifetime of a login: after it the user logs in again, however active. Default 12 hours — one
    /// shift. The session id lives in Redis for this long (logout deletes it at once).
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A login unused for this long ends (sliding: every request renews it). Default 2 hours.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Development only: let the login cookie go over plain HTTP (no <c>Secure</c> flag). Default false: the
    /// cookie is always <c>Secure</c> (named <c>__Host-alerting-console</c>), so the console must be reached over
    /// HTTPS, normally through a TLS proxy listed in <see cref="TrustedProxies"/>.
    /// </summary>
    public bool InsecureCookieForDevelopment { get; set; }

    /// <summary>
    /// Addresses (IPs, or networks as <c>10.0.0.0/8</c>) of the reverse proxies whose <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> are believed. Default none: forwarded headers are ignored.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary><c>Strict-Transport-Security</c> max-age sent on HTTPS answers. Default 365 days; zero sends none.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Login throttling and lockout.</summary>
    public LoginLimits Login { get; set; } = new();

    /// <summary>
    /// Longest window a query (<c>from</c>/<c>to</c> of coverage, calibration, export, overview) may ask for.
    /// Default 31 days; longer asks are refused with 400.
    /// </summary>
    public TimeSpan MaxQueryWindow { get; set; } = TimeSpan.FromDays(31);

    /// <summary>
    /// The worker's config file or folder, read-only (never written): a suggested promotion alias needs the position of
    /// the promotion in the store's <c>Promotions</c> list. Default none: alias suggestions are refused with the reason.
    /// </summary>
    public string? WorkerConfigPath { get; set; }

    /// <summary>The time zone of one store.</summary>
    public TimeZoneInfo ZoneOf(string store)
        => TimeZoneInfo.FindSystemTimeZoneById(StoreTimeZones.TryGetValue(store, out var z) ? z : TimeZone);
}

/// <summary>Limits on login attempts (<c>Console:Login</c>).</summary>
public sealed class LoginLimits
{
    /// <summary>Login attempts per client address per minute (sliding window), any name. Default 20.</summary>
    public int PerAddressPerMinute { get; set; } = 20;

    /// <summary>Login attempts per user name per minute on this instance (sliding window), from any address. Default 10.</summary>
    public int PerNamePerMinute { get; set; } = 10;

    /// <summary>Failed logins in a row for one name (across instances, counted in Redis) before it is locked. Default 5.</summary>
    public int FailuresBeforeLockout { get; set; } = 5;

    /// <summary>First lockout; each further lockout of the same name doubles it (backoff). Default 1 minute.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest lockout the doubling reaches. Default 1 hour.</summary>
    public TimeSpan MaxLockoutDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Password checks (PBKDF2) running at once; more wait in a short queue, beyond it 429. Default: the processor count.</summary>
    public int ConcurrentChecks { get; set; } = Environment.ProcessorCount;
}

/// <summary>One console user from config.</summary>
public sealed class ConsoleUser
{
    /// <summary>Login name; also the consumer name in the stream's consumer group (as <c>u:&lt;name&gt;</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>PBKDF2 hash made by <c>alerting-console hash-password</c> (<c>pbkdf2-sha256$iterations$salt$hash</c>).</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary><c>inspector</c> or <c>lead</c>.</summary>
    public string Role { get; set; } = Roles.Inspector;

    /// <summary>Store ids this user may see and act on.</summary>
    public List<string> Stores { get; set; } = [];
}

/// <summary>The two roles of the console.</summary>
public static class Roles
{
    public const string Inspector = "inspector";
    public const string Lead = "lead";
}

/// <summary>Validates <see cref="ConsoleOptions"/> at start; every message names the config path.</summary>
public sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        var problems = new List<string>();
        if (options.ClaimTimeout <= TimeSpan.Zero) problems.Add("Console:ClaimTimeout: must be positive");
        if (options.SweepInterval <= TimeSpan.Zero) problems.Add("Console:SweepInterval: must be positive");
        if (options.FeedPollInterval <= TimeSpan.Zero) problems.Add("Console:FeedPollInterval: must be positive");
        if (options.CatchUpLimit <= 0) problems.Add("Console:CatchUpLimit: must be positive");
        if (string.IsNullOrWhiteSpace(options.KeyPrefix)) problems.Add("Console:KeyPrefix: must not be empty");
        else if (options.KeyPrefix.Contains('{') || options.KeyPrefix.Contains('}'))
            problems.Add("Console:KeyPrefix: must not contain '{' or '}' (Redis Cluster hash tags: the store's tag must stay the first, so a review script's keys share the stream's slot)");
        if (options.SessionLifetime <= TimeSpan.Zero) problems.Add("Console:SessionLifetime: must be positive");
        if (options.SessionIdleTimeout <= TimeSpan.Zero) problems.Add("Console:SessionIdleTimeout: must be positive");
        if (options.HstsMaxAge < TimeSpan.Zero) problems.Add("Console:HstsMaxAge: must not be negative");
        if (options.MaxQueryWindow <= TimeSpan.Zero || options.MaxQueryWindow > TimeSpan.FromDays(366)) problems.Add("Console:MaxQueryWindow: from 1 second to 366 days");
        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!Hosting.ConsoleSecurity.TryParseNetwork(options.TrustedProxies[i], out _))
                problems.Add($"Console:TrustedProxies:{i}: '{options.TrustedProxies[i]}' is not an IP address or network (10.0.0.0/8)");
        }
        var l = options.Login;
        if (l.PerAddressPerMinute < 1) problems.Add("Console:Login:PerAddressPerMinute: must be at least 1");
        if (l.PerNamePerMinute < 1) problems.Add("Console:Login:PerNamePerMinute: must be at least 1");
        if (l.FailuresBeforeLockout < 1) problems.Add("Console:Login:FailuresBeforeLockout: must be at least 1");
        if (l.LockoutDuration <= TimeSpan.Zero) problems.Add("Console:Login:LockoutDuration: must be positive");
        if (l.MaxLockoutDuration < l.LockoutDuration) problems.Add("Console:Login:MaxLockoutDuration: must be at least LockoutDuration");
        if (l.ConcurrentChecks < 1) problems.Add("Console:Login:ConcurrentChecks: must be at least 1");
        foreach (var zone in options.StoreTimeZones.Select(kv => ($"Console:StoreTimeZones:{kv.Key}", kv.Value)).Prepend(("Console:TimeZone", options.TimeZone)))
        {
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone.Item2, out _)) problems.Add($"{zone.Item1}: unknown time zone '{zone.Item2}'");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Users.Count; i++)
        {
            var u = options.Users[i];
            var path = $"Console:Users:{i}";
            if (string.IsNullOrWhiteSpace(u.Name)) problems.Add($"{path}:Name: must not be empty");
            else if (!seen.Add(u.Name)) problems.Add($"{path}:Name: '{u.Name}' is listed twice");
            if (!PasswordHashing.IsWellFormed(u.PasswordHash))
                problems.Add($"{path}:PasswordHash: expected pbkdf2-sha256$<iterations>$<salt>$<hash> (make one with: alerting-console hash-password)");
            if (u.Role is not (Roles.Inspector or Roles.Lead)) problems.Add($"{path}:Role: expected 'inspector' or 'lead', got '{u.Role}'");
            if (u.Stores.Count == 0 || u.Stores.Any(string.IsNullOrWhiteSpace)) problems.Add($"{path}:Stores: list at least one store id");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
