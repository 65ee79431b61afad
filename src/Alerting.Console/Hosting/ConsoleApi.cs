using System.Security.Claims;
using Alerting.InspectorConsole.Feed;
using Alerting.InspectorConsole.Insights;
using Alerting.InspectorConsole.Review;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>Login body.</summary>
public sealed record LoginRequest(string Name, string Password);

/// <summary>Claim or release body.</summary>
public sealed record AlertRef(string Store, string AlertId);

/// <summary>Claim-next body.</summary>
public sealed record StoreRef(string Store);

/// <summary>Acknowledge body: the entry the inspector looked at, the verdict and a note.</summary>
public sealed record AckRequest(string Store, string AlertId, string EntryId, string Verdict, string? Note);

/// <summary>New silence body; <see cref="Minutes"/> from 1 to 7 days.</summary>
public sealed record SilenceRequest(string Store, string Kind, string Value, string? Rule, string Reason, int Minutes);

/// <summary>
/// The JSON API under <c>/api</c>. Every endpoint except login needs a signed-in user (fallback policy);
/// every endpoint that names a store checks it against the user's configured stores (403 otherwise);
/// lead-only endpoints need the role <c>lead</c>.
/// </summary>
public static class ConsoleApi
{
    public static void MapConsoleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");

        api.MapPost("/login", async (LoginRequest body, UserDirectory users, HttpContext http) =>
        {
            var user = users.Authenticate(body.Name, body.Password);
            if (user is null) return Results.Problem("wrong name or password", statusCode: StatusCodes.Status401Unauthorized);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                UserDirectory.PrincipalOf(user, CookieAuthenticationDefaults.AuthenticationScheme));
            return Results.Ok(Me(user));
        }).AllowAnonymous();

        api.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        });

        api.MapGet("/me", (ClaimsPrincipal p, UserDirectory users, ConsoleOptions o) =>
            users.Find(p) is { } u ? Results.Ok(Me(u, o)) : Results.Unauthorized());

        // ---- feed ----

        api.MapGet("/alerts", async (string store, int? limit, ClaimsPrincipal p, UserDirectory users, FeedService feed, ConsoleOptions o) =>
            !users.MaySee(p, store) ? Forbidden(store) : Results.Ok(await feed.RecentAsync(store, Math.Clamp(limit ?? o.CatchUpLimit, 1, 5000))));

        api.MapGet("/feed", async (HttpContext http, [FromQuery(Name = "store")] string[]? store, string? lastEventId, UserDirectory users, FeedService feed) =>
        {
            var me = users.Find(http.User)!;
            var stores = store is { Length: > 0 } ? store.Distinct(StringComparer.Ordinal).ToList() : me.Stores;
            var denied = stores.FirstOrDefault(s => !users.MaySee(http.User, s));
            if (denied is not null)
            {
                await Forbidden(denied).ExecuteAsync(http);
                return;
            }
            var cursor = FeedCursor.Parse(http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId);
            await feed.StreamAsync(http, stores, cursor, http.RequestAborted);
        });

        // ---- review ----

        api.MapPost("/alerts/claim", async (AlertRef body, ClaimsPrincipal p, UserDirectory users, ReviewStore reviews, CancellationToken ct) =>
            !users.MaySee(p, body.Store) ? Forbidden(body.Store) : ToResult(await reviews.ClaimAsync(body.Store, body.AlertId, p.Identity!.Name!, ct)));

        api.MapPost("/alerts/claim-next", async (StoreRef body, ClaimsPrincipal p, UserDirectory users, ReviewStore reviews, CancellationToken ct) =>
        {
            if (!users.MaySee(p, body.Store)) return Forbidden(body.Store);
            var entry = await reviews.ClaimNextAsync(body.Store, p.Identity!.Name!, ct);
            return entry is null ? Results.NoContent() : Results.Ok(new { store = entry.Store, entryId = entry.EntryId, alert = entry.Alert });
        });

        api.MapPost("/alerts/release", async (AlertRef body, ClaimsPrincipal p, UserDirectory users, ReviewStore reviews) =>
            !users.MaySee(p, body.Store) ? Forbidden(body.Store) : ToResult(await reviews.ReleaseAsync(body.Store, body.AlertId, p.Identity!.Name!)));

        api.MapPost("/alerts/ack", async (AckRequest body, ClaimsPrincipal p, UserDirectory users, ReviewStore reviews, CancellationToken ct) =>
        {
            if (!users.MaySee(p, body.Store)) return Forbidden(body.Store);
            if (body.Verdict is not (Verdict.Confirmed or Verdict.FalseAlarm))
                return Results.Problem("verdict: expected 'confirmed' or 'false_alarm'", statusCode: StatusCodes.Status400BadRequest);
            if ((body.Note?.Length ?? 0) > 2000) return Results.Problem("note: at most 2000 characters", statusCode: StatusCodes.Status400BadRequest);
            return ToResult(await reviews.AcknowledgeAsync(body.Store, body.AlertId, body.EntryId, body.Verdict, body.Note ?? "", p.Identity!.Name!, ct));
        });

        api.MapGet("/coverage", async (string store, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal p, UserDirectory users, InsightService insights) =>
            !users.MaySee(p, store) ? Forbidden(store) : Results.Ok(await insights.CoverageAsync(store, insights.WindowFor(store, from, to))));

        api.MapGet("/silences", async (string store, ClaimsPrincipal p, UserDirectory users, ReviewStore reviews) =>
            !users.MaySee(p, store) ? Forbidden(store) : Results.Ok(await reviews.ActiveSilencesAsync(store)));

        // ---- lead ----

        var lead = api.MapGroup("").RequireAuthorization(Roles.Lead);

        lead.MapGet("/calibration", async (string store, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal p, UserDirectory users, InsightService insights) =>
            !users.MaySee(p, store) ? Forbidden(store) : Results.Ok(await insights.CalibrationAsync(store, insights.WindowFor(store, from, to))));

        lead.MapGet("/verdicts.csv", async (string store, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal p, UserDirectory users, InsightService insights) =>
        {
            if (!users.MaySee(p, store)) return Forbidden(store);
            var window = insights.WindowFor(store, from, to);
            var csv = InsightService.ToCsv(await insights.VerdictsAsync(store, window));
            return Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"verdicts-{store}-{window.From:yyyyMMdd}.csv");
        });

        lead.MapGet("/overview", async (string store, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal p, UserDirectory users, InsightService insights) =>
            !users.MaySee(p, store) ? Forbidden(store) : Results.Ok(await insights.OverviewAsync(store, insights.WindowFor(store, from, to))));

        lead.MapPost("/silences", async (SilenceRequest body, ClaimsPrincipal p, UserDirectory users, ReviewStore reviews, TimeProvider time) =>
        {
            if (!users.MaySee(p, body.Store)) return Forbidden(body.Store);
            var problems = new List<string>();
            if (!Silence.Kinds.Contains(body.Kind)) problems.Add($"kind: expected one of {string.Join(", ", Silence.Kinds)}");
            if (string.IsNullOrWhiteSpace(body.Value)) problems.Add("value: must not be empty");
            if (string.IsNullOrWhiteSpace(body.Reason)) problems.Add("reason: say why (it is shown to every inspector)");
            if (body.Minutes is < 1 or > 7 * 24 * 60) problems.Add("minutes: from 1 to 10080 (7 days)");
            if (problems.Count > 0) return Results.Problem(string.Join("; ", problems), statusCode: StatusCodes.Status400BadRequest);
            var now = time.GetUtcNow();
            var (silence, count) = await reviews.AddSilenceAsync(new Silence
            {
                Id = Guid.NewGuid().ToString("N")[..12],
                Store = body.Store,
                Kind = body.Kind,
                Value = body.Value.Trim(),
                Rule = string.IsNullOrWhiteSpace(body.Rule) ? null : body.Rule.Trim(),
                Reason = body.Reason.Trim(),
                CreatedBy = p.Identity!.Name!,
                CreatedAt = now,
                ExpiresAt = now.AddMinutes(body.Minutes),
            });
            return Results.Ok(new { silence, silencedNow = count });
        });

        lead.MapDelete("/silences/{store}/{id}", async (string store, string id, ClaimsPrincipal p, UserDirectory users, ReviewStore reviews) =>
            !users.MaySee(p, store) ? Forbidden(store) : await reviews.LiftSilenceAsync(store, id) ? Results.NoContent() : Results.NotFound());
    }

    private static object Me(ConsoleUser u, ConsoleOptions? o = null) => new
    {
        name = u.Name,
        role = u.Role,
        stores = u.Stores,
        claimTimeoutSeconds = o?.ClaimTimeout.TotalSeconds,
    };

    private static IResult Forbidden(string? store)
        => Results.Problem($"store '{store}' is not one of yours", statusCode: StatusCodes.Status403Forbidden);

    private static IResult ToResult(ReviewResult r) => r.Outcome switch
    {
        "ok" => Results.Ok(r),
        "none" or "unknown" => Results.NotFound(r),
        _ => Results.Conflict(r),
    };
}
