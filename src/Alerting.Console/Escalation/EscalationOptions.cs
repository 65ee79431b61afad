using Alerting.Core.Alerts;
using Microsoft.Extensions.Options;

namespace Alerting.InspectorConsole.Escalation;

/// <summary>
/// Section <c>Escalation</c>: how long an alert may sit unclaimed, per severity (<see cref="Limits"/>, for every store)
/// and per store (<see cref="Stores"/>, overriding some severities). Past its limit an open alert is escalated once
/// to the receivers of the console's <c>Notifications</c> section and marked in the feed. Default: no limits, so no
/// escalation (what a store accepts during a sale is its own decision; the README shows an example).
/// </summary>
public sealed class EscalationOptions
{
    /// <summary>Config section these options bind to.</summary>
    public const string SectionName = "Escalation";

    /// <summary>Longest accepted limit.</summary>
    public static readonly TimeSpan MaxLimit = TimeSpan.FromDays(7);

    /// <summary>Severity (<c>critical</c>, <c>high</c>, <c>medium</c>, <c>low</c>, <c>info</c>) → longest time unclaimed, for every store. Zero or absent: none.</summary>
    public Dictionary<string, TimeSpan> Limits { get; set; } = [];

    /// <summary>Per-store limits; a severity named here replaces the one of <see cref="Limits"/> for that store (zero turns it off there).</summary>
    public List<StoreEscalation> Stores { get; set; } = [];

    /// <summary>How often the console looks for alerts past their limit. Default 5 s; 100 ms to 10 minutes.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most open alerts of one store examined per check (the oldest first). Default 5000.</summary>
    public int MaxAlertsPerCheck { get; set; } = 5000;

    /// <summary>The limit of <paramref name="severity"/> in <paramref name="store"/>, or null when it has none.</summary>
    public TimeSpan? LimitFor(string store, string severity)
    {
        foreach (var s in Stores)
            if (string.Equals(s.Store, store, StringComparison.Ordinal) && Find(s.Limits, severity) is { } own) return own > TimeSpan.Zero ? own : null;
        return Find(Limits, severity) is { } l && l > TimeSpan.Zero ? l : null;
    }

    /// <summary>The shortest limit of any severity in <paramref name="store"/>, or null when the store has none (it is then never checked).</summary>
    public TimeSpan? ShortestLimit(string store)
    {
        TimeSpan? min = null;
        foreach (var severity in SeverityNames)
            if (LimitFor(store, severity) is { } l && (min is null || l < min)) min = l;
        return min;
    }

    /// <summary>The stores with any limit among <paramref name="known"/> and the ones named in <see cref="Stores"/>.</summary>
    public IReadOnlyList<string> StoresToCheck(IEnumerable<string> known)
        => known.Concat(Stores.Select(s => s.Store)).Distinct(StringComparer.Ordinal).Where(s => ShortestLimit(s) is not null).ToList();

    private static readonly string[] SeverityNames = ["critical", "high", "medium", "low", "info"];

    private static TimeSpan? Find(Dictionary<string, TimeSpan> limits, string severity)
    {
        foreach (var (k, v) in limits)
            if (string.Equals(k, severity, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    /// <summary>Every problem with its config path.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void CheckLimits(string path, Dictionary<string, TimeSpan> limits)
        {
            foreach (var (k, v) in limits)
            {
                if (!Alert.TryParseSeverity(k, out _)) problems.Add($"{path}:{k}: not a severity (expected critical, high, medium, low or info)");
                else if (v < TimeSpan.Zero || v > MaxLimit) problems.Add($"{path}:{k}: must be 0 (none) to 7 days (e.g. \"00:02:00\"), was {v}");
            }
        }
        CheckLimits($"{SectionName}:Limits", Limits);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Stores.Count; i++)
        {
            var s = Stores[i];
            if (s is null || string.IsNullOrWhiteSpace(s.Store)) { problems.Add($"{SectionName}:Stores:{i}:Store: a store id is required"); continue; }
            if (!seen.Add(s.Store)) problems.Add($"{SectionName}:Stores:{i}:Store: '{s.Store}' is listed twice");
            CheckLimits($"{SectionName}:Stores:{i}:Limits", s.Limits);
        }
        if (CheckInterval < TimeSpan.FromMilliseconds(100) || CheckInterval > TimeSpan.FromMinutes(10))
            problems.Add($"{SectionName}:CheckInterval: must be 100 ms to 10 minutes, was {CheckInterval}");
        if (MaxAlertsPerCheck is < 1 or > 100_000) problems.Add($"{SectionName}:MaxAlertsPerCheck: must be 1 to 100000, was {MaxAlertsPerCheck}");
        return problems;
    }
}

/// <summary>The limits of one store (<c>Escalation:Stores:N</c>).</summary>
public sealed class StoreEscalation
{
    /// <summary>The store id.</summary>
    public string Store { get; set; } = "";

    /// <summary>Severity → longest time unclaimed in this store (zero: none for that severity here).</summary>
    public Dictionary<string, TimeSpan> Limits { get; set; } = [];
}

/// <summary>Validates <see cref="EscalationOptions"/> at start.</summary>
public sealed class EscalationOptionsValidator : IValidateOptions<EscalationOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
