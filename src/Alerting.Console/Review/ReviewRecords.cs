namespace Alerting.InspectorConsole.Review;

/// <summary>An inspector's verdict on one alert, stored in the store's verdict hash.</summary>
public sealed record Verdict
{
    public const string Confirmed = "confirmed";
    public const string FalseAlarm = "false_alarm";

    public required string AlertId { get; init; }
    public required string Store { get; init; }
    /// <summary><c>confirmed</c> or <c>false_alarm</c>.</summary>
    public required string Outcome { get; init; }
    public string Note { get; init; } = "";
    public required string By { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Rule { get; init; }
    public required string Severity { get; init; }
    public string? AgentId { get; init; }
    public string ConversationId { get; init; } = "";
    public string EventTime { get; init; } = "";
    public string Summary { get; init; } = "";
    public IReadOnlyList<string> Terms { get; init; } = [];
    public IReadOnlyList<string> Promotions { get; init; } = [];
    public int Revision { get; init; }
    /// <summary>The stream entry the inspector looked at.</summary>
    public string EntryId { get; init; } = "";
}

/// <summary>Where one alert stands in review.</summary>
public sealed record ReviewState
{
    /// <summary><c>open</c> (in the pool or not yet placed), <c>claimed</c>, <c>reviewed</c> or <c>silenced</c>.</summary>
    public required string State { get; init; }
    public string? ClaimedBy { get; init; }
    public DateTimeOffset? ClaimedAt { get; init; }
    public Verdict? Verdict { get; init; }
    public string? SilenceId { get; init; }

    public static readonly ReviewState Open = new() { State = "open" };
}

/// <summary>Outcome of a claim, release or acknowledge call.</summary>
public sealed record ReviewResult(string Outcome, string? Owner = null, Verdict? Verdict = null)
{
    public bool Ok => Outcome == "ok";
}
