using Alerting.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerting.Worker.Notifications;

/// <summary>
/// Starts every receiver's pipeline and sender, then drains the notification queue into them.
/// Routing only touches memory; all network waits happen in the receivers' senders.
/// </summary>
public sealed class NotificationDispatcher(AlertNotifier notifier) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (notifier.Receivers.Count == 0) return; // notifications off: Offer queues nothing
        var running = notifier.Receivers.Select(r => r.Start()).ToList();
        try
        {
            var queue = notifier.Queue;
            while (await queue.WaitToReadAsync(stoppingToken))
                notifier.RouteQueued();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var r in running) r.Dispose();
        }
    }
}

/// <summary>DI wiring of the notification path.</summary>
public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the section <c>Notifications</c> (bound through options, validated at start),
    /// <see cref="IAlertNotifier"/> (a no-op without receivers) and the <see cref="NotificationDispatcher"/>.
    /// </summary>
    public static IServiceCollection AddAlertNotifications(this IServiceCollection services)
    {
        services.AddValidatedOptions<NotificationOptions>(NotificationOptions.SectionName, o => o.Validate());
        services.AddSingleton(sp => new AlertNotifier(sp.GetRequiredService<NotificationOptions>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IAlertNotifier>(sp => sp.GetRequiredService<AlertNotifier>());
        services.AddHostedService<NotificationDispatcher>();
        return services;
    }
}
