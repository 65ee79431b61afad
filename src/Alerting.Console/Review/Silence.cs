using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerting.InspectorConsole.Review;

/// <summary>
/// A lead's mute of a noisy term, rule, agent or promotion in one store until <see cref="ExpiresAt"/>.
/// Alerts it matches are still in the stream and counted, but marked silenced and kept out of the pool.
/// </summary>
public sealed record Silence
{
    /// <summary>What a silence can match.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["rule", "agent", "term", "promotion"];

    public required string Id { get; init; }
    public required string Store { get; init; }
    /// <summary><c>rule</c>, <c>agent</c>, <c>term</c> (evidence.matches[].term) or <c>promotion</c> (evidence promotion id).</summary>
    public required string Kind { get; init; }
    public required string Value { get; init; }
    /// <summary>Optional: only alerts of this rule (useful with <c>term</c> and <c>agent</c>).</summary>
    public string? Rule { get; init; }
    public required string Reason { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    public bool IsActive(DateTimeOffset now) => ExpiresAt > now;

    public bool Matches(AlertEntry alert)
    {
        if (Rule is { Length: > 0 } r && alert.Rule != r) return false;
        return Kind switch
        {
            "rule" => alert.Rule == Value,
            "agent" => alert.AgentId == Value,
            "term" => alert.Terms.Contains(Value),
            "promotion" => alert.Promotions.Contains(Value),
            _ => false,
        };
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = Alerting.Core.AlertJsonEncoder.Instance,
    };
}
