using Alerting.Core.Alerts;
using Alerting.Core.Pipeline.CrossConversation;
using Alerting.Redis.CrossConversation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Alerting.Worker.Hosting;

/// <summary>
/// Live <c>agent_response_rate_low</c>, judging side: every <see cref="CrossConversationOptions.AgentEvaluationInterval"/>
/// one round of the cross-conversation stage (<see cref="CrossConversationStage.EvaluateAsync"/>, the step replay runs
/// after each record), its alerts written to the alert sink before each store's cursor moves. The round itself —
/// evaluator lease, every partition's progress, per-store cursors — is <see cref="RedisCrossConversation"/>'s.
/// </summary>
internal sealed partial class AgentRateEvaluationService(
    CrossConversationStage stage,
    RedisCrossConversation aggregation,
    IAlertSink sink,
    CrossConversationOptions options,
    TimeProvider time,
    ILogger<AgentRateEvaluationService> logger) : BackgroundService
{
    /// <summary>Lowest watermark of all partitions at the last check (null: not every partition has reported yet).</summary>
    public DateTimeOffset? LowWatermark => aggregation.LowWatermark;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.AgentEvaluationInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await EvaluateOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Redis or Kafka trouble: the facts stay stored, the cursor unmoved; the next tick retries.
                    EvaluationFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Hand over at once instead of after the lease runs out (best effort: Redis may be the reason we stop).
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await aggregation.ReleaseLeaseAsync(grace.Token).ConfigureAwait(false); }
            catch (Exception ex) when (ex is RedisException or OperationCanceledException or TimeoutException) { }
        }
    }

    /// <summary>One round: returns the alerts written (for tests and logs).</summary>
    internal Task<int> EvaluateOnceAsync(CancellationToken cancellationToken)
        => stage.EvaluateAsync(force: false, sink.WriteAsync, cancellationToken);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Agent-level evaluation failed ({Error}); retrying on the next tick")]
    private static partial void EvaluationFailed(ILogger logger, string error);
}
