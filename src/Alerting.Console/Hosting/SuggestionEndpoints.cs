using System.Security.Claims;
using System.Text;
using Alerting.InspectorConsole.Review;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>New suggestion body: from the false-alarm verdict on <see cref="AlertId"/>.</summary>
public sealed record SuggestionRequest(string Store, string AlertId, string Kind, string? Phrase, string? Promotion);

/// <summary>
/// The loop back to the rules, lead only: <c>POST /api/suggestions</c> creates a suggested rule change from a false-alarm
/// verdict, <c>GET /api/suggestions?store=</c> lists them (taken or not, and whether the case fired again since),
/// <c>GET /api/suggestions/{store}/{id}/layer</c> downloads its config layer file, <c>POST …/taken</c> marks it deployed.
/// Every call checks the store scope.
/// </summary>
public static class SuggestionEndpoints
{
    /// <summary>Maps the suggestion endpoints under <c>/api</c>.</summary>
    public static void MapSuggestions(this IEndpointRouteBuilder app)
    {
        var lead = app.MapGroup("/api/suggestions").RequireAuthorization(Roles.Lead);

        lead.MapPost("", async (SuggestionRequest body, ClaimsPrincipal p, UserDirectory users, SuggestionStore suggestions) =>
        {
            if (QueryInput.Store(body.Store) is { } bad) return bad;
            if (!users.MaySee(p, body.Store)) return Forbidden(body.Store);
            if (string.IsNullOrEmpty(body.AlertId) || body.AlertId.Length > 256) return QueryInput.Bad("alertId", "required, at most 256 characters");
            var r = await suggestions.CreateAsync(body.Store, body.AlertId, body.Kind ?? "", body.Phrase, body.Promotion, p.Identity!.Name!);
            return r.Suggestion is { } s
                ? Results.Ok(new { suggestion = s, fileName = s.FileName, layer = s.ConfigLayer() })
                : Results.Problem(r.Problem, statusCode: r.Status);
        });

        lead.MapGet("", async (string? store, ClaimsPrincipal p, UserDirectory users, SuggestionStore suggestions) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            return !users.MaySee(p, store) ? Forbidden(store) : Results.Ok(await suggestions.ListAsync(store!));
        });

        // The false-alarm verdicts of a window, newest first (at most 200), each with the evidence a phrase is picked from.
        app.MapGet("/api/false-alarms", async (string? store, string? from, string? to, ClaimsPrincipal p, UserDirectory users, Insights.InsightService insights,
            ReviewStore reviews, ConsoleOptions o) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (!users.MaySee(p, store)) return Forbidden(store);
            if (QueryInput.Window(insights, o, store!, from, to, out var window) is { } badWindow) return badWindow;
            var list = new List<object>();
            foreach (var v in (await insights.VerdictsAsync(store!, window)).Where(v => v.Outcome == Verdict.FalseAlarm).Take(200))
                list.Add(new { verdict = v, evidence = (await reviews.GetEntryAsync(store!, v.EntryId))?.Evidence });
            return Results.Ok(list);
        }).RequireAuthorization(Roles.Lead);

        lead.MapGet("/{store}/{id}/layer", async (string store, string id, ClaimsPrincipal p, UserDirectory users, SuggestionStore suggestions) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (!users.MaySee(p, store)) return Forbidden(store);
            return await suggestions.GetAsync(store, id) is { } s
                ? Results.File(Encoding.UTF8.GetBytes(s.ConfigLayer()), "application/json; charset=utf-8", s.FileName)
                : Results.NotFound();
        });

        lead.MapPost("/{store}/{id}/taken", async (string store, string id, ClaimsPrincipal p, UserDirectory users, SuggestionStore suggestions) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (!users.MaySee(p, store)) return Forbidden(store);
            return await suggestions.MarkTakenAsync(store, id, p.Identity!.Name!) is { } s ? Results.Ok(s) : Results.NotFound();
        });
    }

    private static IResult Forbidden(string? store)
        => Results.Problem($"store '{store}' is not one of yours", statusCode: StatusCodes.Status403Forbidden);
}
