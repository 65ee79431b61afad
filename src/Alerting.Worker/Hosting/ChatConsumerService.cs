using Alerting.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerting.Worker.Hosting;

/// <summary>
/// Hosts the blocking consume loop on its own long-running thread (Consume blocks, so it must not
/// sit on the thread pool). Stopping cancels the loop, which flushes, commits and leaves the group.
/// </summary>
internal sealed class ChatConsumerService(ChatStreamConsumer consumer, IHostApplicationLifetime lifetime, ILogger<ChatConsumerService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.Factory.StartNew(() =>
        {
            try
            {
                consumer.Run(stoppingToken);
            }
            catch (Exception ex)
            {
                logger.LogCritical(ex, "Consume loop failed; stopping the worker");
                lifetime.StopApplication();
                throw;
            }
        }, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
