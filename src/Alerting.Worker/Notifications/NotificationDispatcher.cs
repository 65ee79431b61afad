using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerting.Worker.Notifications;

/// <summary>
/// Drains the notification queue into the receivers' groups and runs each receiver's send loop.
/// Routing only touches memory; all network waits happen in the receivers' own loops.
/// </summary>
public sealed class NotificationDispatcher(AlertNotifier notifier, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = notifier.Receivers.Select(r => Task.Run(() => r.RunAsync(stoppingToken), CancellationToken.None)).ToList();
        try
        {
            var queue = notifier.Queue;
            while (await queue.WaitToReadAsync(stoppingToken))
                while (queue.TryRead(out var alert))
                    notifier.Route(alert, time.GetUtcNow());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(loops);
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
