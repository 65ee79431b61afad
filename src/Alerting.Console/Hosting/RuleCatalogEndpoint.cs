using Alerting.Core.Alerts;
using Alerting.Core.Rules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>One rule of <c>GET /api/rules</c>: name, Chinese and English labels, default severity word.</summary>
public sealed record RuleCatalogEntry(string Name, string ChineseLabel, string EnglishLabel, string DefaultSeverity);

/// <summary>
/// <c>GET /api/rules</c>: the worker's <see cref="RuleCatalog"/> as JSON, so the pages label rules with the
/// same words as notifications. Behind the same sign-in as the rest of the API (fallback policy).
/// </summary>
public static class RuleCatalogEndpoint
{
    private static readonly RuleCatalogEntry[] Entries =
        [.. RuleCatalog.All.Select(r => new RuleCatalogEntry(r.Name, r.ChineseLabel, r.EnglishLabel, Alert.SeverityName(r.DefaultSeverity)))];

    /// <summary>Maps <c>GET /api/rules</c>.</summary>
    public static IEndpointConventionBuilder MapRuleCatalog(this IEndpointRouteBuilder app)
        => app.MapGet("/api/rules", () => Results.Ok(Entries));
}
