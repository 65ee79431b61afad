using System.Text.Json.Nodes;

namespace Alerting.Core.Alerts;

/// <summary>Alert severities of CONTRACTS.md §2, lowest first.</summary>
public enum Severity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>Lifecycle of an alert id (CONTRACTS.md §2 optional <c>status</c>).</summary>
public enum AlertStatus
{
    Firing,
    /// <summary>The condition ended (e.g. the unanswered buyer got a human answer); same alertId.</summary>
    Resolved,
}

/// <summary>One alert event as published to Redis (CONTRACTS.md §2).</summary>
public sealed class Alert
{
    /// <summary>Deterministic id, see <see cref="AlertIds"/>.</summary>
    public required string AlertId { get; init; }
    public required string Rule { get; init; }
    public required Severity Severity { get; init; }
    public required string ShopId { get; init; }
    public required string ConversationId { get; init; }
    public string? AgentId { get; init; }
    public required IReadOnlyList<string> MessageIds { get; init; }
    /// <summary>When the fact happened, in chat (event) time.</summary>
    public required DateTimeOffset EventTime { get; init; }
    /// <summary>Wall clock at emission; set by the pipeline, never by a rule.</summary>
    public DateTimeOffset DetectedAt { get; set; }
    public required string Summary { get; init; }
    /// <summary>Rule-specific, machine-readable evidence.</summary>
    public required JsonObject Evidence { get; init; }
    public AlertStatus Status { get; init; } = AlertStatus.Firing;
    public int Revision { get; init; }
    /// <summary>Optional extension: version of the config snapshot that produced the alert.</summary>
    public string? ConfigVersion { get; set; }

    public static string SeverityName(Severity s) => s switch
    {
        Severity.Info => "info",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        _ => "critical",
    };

    public static bool TryParseSeverity(string? text, out Severity severity)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "info": severity = Severity.Info; return true;
            case "low": severity = Severity.Low; return true;
            case "medium": severity = Severity.Medium; return true;
            case "high": severity = Severity.High; return true;
            case "critical": severity = Severity.Critical; return true;
            default: severity = Severity.Info; return false;
        }
    }

    public static string StatusName(AlertStatus s) => s == AlertStatus.Resolved ? "resolved" : "firing";
}
