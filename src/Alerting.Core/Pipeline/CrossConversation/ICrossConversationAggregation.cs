using Alerting.Core.Alerts;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Pipeline.CrossConversation;

/// <summary>
/// The rules whose facts span conversations (<c>batch_wrong_promo_answer</c>, <c>agent_response_rate_low</c>):
/// facts go in from each batch of rule output, alerts come out. Implemented over in-process state for
/// <c>replay</c> (<see cref="InMemoryCrossConversation"/>) and over Redis for the live worker
/// (<c>Alerting.Redis.CrossConversation.RedisCrossConversation</c>); both are driven by the same
/// <see cref="CrossConversationStage"/>, so replay and live run one orchestration.
/// </summary>
/// <remarks>
/// Every call is idempotent (a crash replays a batch): a wrong answer or fact seen again adds nothing, and an
/// alert returned again has the same id, status and revision (the sink dedupes it). The in-memory
/// implementation completes synchronously; the Redis one retries while Redis is down and throws only on cancellation.
/// </remarks>
public interface ICrossConversationAggregation : IAgentActivitySink
{
    /// <summary>
    /// Adds the firing <c>wrong_promo_answer</c> alerts among <paramref name="alerts"/> to their batches (other
    /// alerts are ignored) and returns the batch alert events this raises, to be written with them.
    /// </summary>
    ValueTask<IReadOnlyList<Alert>> ObserveAlertsAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);

    /// <summary>
    /// Judges the agent-level windows that every partition's progress (<see cref="IAgentActivitySink.FlushAsync"/>)
    /// says are complete, handing each store's alerts to <paramref name="deliver"/> before it records them as judged
    /// (a crash in between judges them again). Without <paramref name="force"/> a round whose progress did not move
    /// since the last one judges nothing. Returns the number of alerts delivered.
    /// </summary>
    Task<int> EvaluateAsync(bool force, Func<IReadOnlyList<Alert>, CancellationToken, Task> deliver, CancellationToken cancellationToken);
}
