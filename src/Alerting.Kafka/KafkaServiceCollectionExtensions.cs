using Alerting.Core.Config;
using Alerting.Core.Pipeline;
using Alerting.Core.Pipeline.Batches;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Alerting.Kafka;

/// <summary>DI wiring of the Kafka adapter.</summary>
public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the consume path (<see cref="ChatStreamConsumer"/>) and <see cref="TopicPartitionCount"/>. The
    /// consumer writes each batch through every registered <see cref="IBatchWriteStage"/> (after its own dead-letter
    /// stage), checkpoints through <see cref="IPartitionStateStore"/> when one is registered, and reports to an
    /// <see cref="IConsumeObserver"/> when one is. Needs <see cref="KafkaOptions"/>, <see cref="IRulesSource"/> and a
    /// <see cref="TimeProvider"/> registered; run <see cref="ChatStreamConsumer.Run"/> on a dedicated thread.
    /// </summary>
    public static IServiceCollection AddAlertingKafka(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TopicPartitionCount>();
        services.TryAddSingleton(sp => new ChatStreamConsumer(
            sp.GetRequiredService<KafkaOptions>(), sp.GetRequiredService<IRulesSource>(), sp.GetServices<IBatchWriteStage>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ChatStreamConsumer>>(),
            sp.GetService<IPartitionStateStore>(), sp.GetService<IConsumeObserver>()));
        return services;
    }
}
