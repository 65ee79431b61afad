using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.InspectorConsole.Insights;
using Alerting.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Alerting.InspectorConsole.Escalation;

/// <summary>DI wiring of escalation in the console, and the coverage meter's <c>pastLimit</c>.</summary>
public static class EscalationRegistration
{
    /// <summary>
    /// Registers the sections <c>Escalation</c> and <c>Notifications</c> (the receivers escalations go to; same shape as
    /// the worker's), both validated at start, the <see cref="Escalator"/> and the <see cref="EscalationService"/>.
    /// </summary>
    public static void AddEscalation(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EscalationOptions>().Bind(configuration.GetSection(EscalationOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EscalationOptions>, EscalationOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<EscalationOptions>>().Value);
        services.AddAlertNotifications();
        services.TryAddSingleton<Escalator>();
        services.AddHostedService<EscalationService>();
    }

    /// <summary>The coverage JSON with <c>pastLimit</c>: how many open alerts of the store are past their limit now.</summary>
    public static async Task<JsonObject> WithPastLimitAsync(Coverage coverage, Escalator escalator, string store, DateTimeOffset now)
    {
        var node = JsonSerializer.SerializeToNode(coverage, JsonSerializerOptions.Web)!.AsObject();
        node["pastLimit"] = await escalator.PastLimitCountAsync(store, now);
        return node;
    }
}
