namespace Alerting.Core.Rules.AgentResponseRate;

/// <summary>
/// Where the live consume loop sends the <see cref="AgentActivity"/> facts of a batch, and where
/// <c>agent_response_rate_low</c> is evaluated: called from the batch flush <b>before</b> its offsets are
/// stored, so a crash replays the facts (recording is idempotent) and the alerts (deterministic ids).
/// Called from one thread at a time.
/// </summary>
public interface IAgentActivitySink
{
    /// <summary>Cheap check: would <see cref="FlushAsync"/> evaluate anything new with no new facts at this low watermark?</summary>
    bool IsDue(DateTimeOffset lowWatermark);

    /// <summary>
    /// Records <paramref name="facts"/>, then evaluates the stores with activity up to
    /// <paramref name="lowWatermark"/> less their settle time and writes the new alerts durably.
    /// </summary>
    Task FlushAsync(IReadOnlyList<AgentActivity> facts, DateTimeOffset lowWatermark, CancellationToken cancellationToken);
}
