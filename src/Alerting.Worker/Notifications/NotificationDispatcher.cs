using Microsoft.Extensions.Configuration;
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
    /// Registers <see cref="IAlertNotifier"/> (a no-op without receivers) and, when receivers are
    /// configured, the <see cref="NotificationDispatcher"/>. Reads section <c>Notifications</c> of
    /// <paramref name="root"/> once; validate it first with <see cref="NotificationOptions.ValidateSection"/>.
    /// </summary>
    public static IServiceCollection AddAlertNotifications(this IServiceCollection services, IConfiguration root)
    {
        var options = NotificationOptions.FromConfiguration(root);
        services.AddSingleton(options);
        services.AddSingleton(sp => new AlertNotifier(options, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IAlertNotifier>(sp => sp.GetRequiredService<AlertNotifier>());
        if (options.Receivers.Count > 0)
            services.AddHostedService<NotificationDispatcher>();
        return services;
    }
}
