using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerting.Notifications;

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
    /// Registers the section <c>Notifications</c> (bound through options with unknown keys refused, validated at
    /// start), <see cref="IAlertNotifier"/> (a no-op without receivers) and the <see cref="NotificationDispatcher"/>.
    /// </summary>
    public static IServiceCollection AddAlertNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName, o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        // Read once at start (not hot-reloaded).
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value);
        services.AddSingleton(sp => new AlertNotifier(sp.GetRequiredService<NotificationOptions>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IAlertNotifier>(sp => sp.GetRequiredService<AlertNotifier>());
        services.AddHostedService<NotificationDispatcher>();
        return services;
    }
}

/// <summary>Turns <see cref="NotificationOptions.Validate"/> problems into option validation failures (with their config paths).</summary>
internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var problems = options.Validate().Select(p => p.ToString()).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
