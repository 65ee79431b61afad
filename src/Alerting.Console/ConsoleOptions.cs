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

    /// <summary>Lifetime of a login cookie (sliding). Default 12 hours — one shift.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The time zone of one store.</summary>
    public TimeZoneInfo ZoneOf(string store)
        => TimeZoneInfo.FindSystemTimeZoneById(StoreTimeZones.TryGetValue(store, out var z) ? z : TimeZone);
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
