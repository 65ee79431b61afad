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
using Microsoft.Extensions.DependencyInjection;
using System.Threading.RateLimiting;

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

        api.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(ConsoleApp.LoginPolicy);

        api.MapPost("/logout", async (HttpContext http, SessionStore sessions) =>
        {
            // Deleting the session id ends this login everywhere, also for copies of the cookie.
            await sessions.EndAsync(http.User.FindFirst(SessionStore.SessionIdClaim)?.Value);
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        });

        api.MapGet("/me", (ClaimsPrincipal p, UserDirectory users, ConsoleOptions o) =>
            users.Find(p) is { } u ? Results.Ok(Me(u, o)) : Results.Unauthorized());

        // ---- feed ----

        api.MapGet("/alerts", async (string? store, string? limit, ClaimsPrincipal p, UserDirectory users, FeedService feed, ConsoleOptions o) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (QueryInput.Int(limit, "limit", 1, 5000, out var n) is { } badLimit) return badLimit;
            return !users.MaySee(p, store) ? Forbidden(store) : Results.Ok(await feed.RecentAsync(store!, n ?? Math.Min(o.CatchUpLimit, 5000)));
        });

        api.MapGet("/feed", async (HttpContext http, [FromQuery(Name = "store")] string[]? store, string? lastEventId, UserDirectory users, FeedService feed) =>
        {
            var me = users.Find(http.User)!;
            foreach (var s in store ?? [])
            {
                if (QueryInput.Store(s) is { } bad)
                {
                    await bad.ExecuteAsync(http);
                    return;
                }
            }
            var lastId = http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
            if (lastId is { Length: > 0 } && !FeedCursor.IsWellFormed(lastId))
            {
                await QueryInput.Bad("lastEventId", "not a cursor this console issued (v1;<store>,<stream id>,<log id>;…)").ExecuteAsync(http);
                return;
            }
            var stores = store is { Length: > 0 } ? store.Distinct(StringComparer.Ordinal).ToList() : me.Stores;
            var denied = stores.FirstOrDefault(s => !users.MaySee(http.User, s));
            if (denied is not null)
            {
                await Forbidden(denied).ExecuteAsync(http);
                return;
            }
            var cursor = FeedCursor.Parse(lastId);
            await feed.StreamAsync(http, stores, cursor, http.RequestAborted, () => SessionStillLiveAsync(http));
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

        api.MapGet("/coverage", async (string? store, string? from, string? to, ClaimsPrincipal p, UserDirectory users, InsightService insights, ConsoleOptions o,
            Escalation.Escalator escalator, TimeProvider time) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (!users.MaySee(p, store)) return Forbidden(store);
            if (QueryInput.Window(insights, o, store!, from, to, out var window) is { } badWindow) return badWindow;
            return Results.Ok(await Escalation.EscalationRegistration.WithPastLimitAsync(await insights.CoverageAsync(store!, window), escalator, store!, time.GetUtcNow()));
        });

        api.MapGet("/silences", async (string? store, ClaimsPrincipal p, UserDirectory users, ReviewStore reviews) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            return !users.MaySee(p, store) ? Forbidden(store) : Results.Ok(await reviews.ActiveSilencesAsync(store!));
        });

        // ---- lead ----

        var lead = api.MapGroup("").RequireAuthorization(Roles.Lead);

        lead.MapGet("/calibration", async (string? store, string? from, string? to, ClaimsPrincipal p, UserDirectory users, InsightService insights, ConsoleOptions o) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (!users.MaySee(p, store)) return Forbidden(store);
            if (QueryInput.Window(insights, o, store!, from, to, out var window) is { } badWindow) return badWindow;
            return Results.Ok(await insights.CalibrationAsync(store!, window));
        });

        lead.MapGet("/verdicts.csv", async (string? store, string? from, string? to, ClaimsPrincipal p, UserDirectory users, InsightService insights, ConsoleOptions o) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (!users.MaySee(p, store)) return Forbidden(store);
            if (QueryInput.Window(insights, o, store!, from, to, out var window) is { } badWindow) return badWindow;
            var csv = InsightService.ToCsv(await insights.VerdictsAsync(store!, window));
            // The store id goes into the file name percent-encoded (any text is a store id).
            return Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8",
                $"verdicts-{Alerting.Redis.RedisKeys.Encode(store!)}-{window.From.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)}.csv");
        });

        lead.MapGet("/overview", async (string? store, string? from, string? to, ClaimsPrincipal p, UserDirectory users, InsightService insights, ConsoleOptions o) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (!users.MaySee(p, store)) return Forbidden(store);
            if (QueryInput.Window(insights, o, store!, from, to, out var window) is { } badWindow) return badWindow;
            return Results.Ok(await insights.OverviewAsync(store!, window));
        });

        lead.MapGet("/alert-range", async (string? store, ClaimsPrincipal p, UserDirectory users, ActivityService activity) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            return !users.MaySee(p, store) ? Forbidden(store) : Results.Ok(await activity.RangeAsync(store!));
        });

        lead.MapGet("/hourly-coverage", async (string? store, string? from, string? to, ClaimsPrincipal p, UserDirectory users, InsightService insights, ActivityService activity, ConsoleOptions o) =>
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (!users.MaySee(p, store)) return Forbidden(store);
            if (QueryInput.Window(insights, o, store!, from, to, out var window) is { } badWindow) return badWindow;
            return Results.Ok(await activity.HourlyCoverageAsync(store!, window));
        });

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
        {
            if (QueryInput.Store(store) is { } bad) return bad;
            if (id.Length is 0 or > 64) return QueryInput.Bad("id", "a silence id of 1 to 64 characters");
            return !users.MaySee(p, store) ? Forbidden(store) : await reviews.LiftSilenceAsync(store, id) ? Results.NoContent() : Results.NotFound();
        });
    }

    /// <summary>
    /// Login: body checked, then the per-name window and the lockout (both before any hashing, the same for
    /// known and unknown names), then the password check in a bounded number of slots. The per-address window
    /// runs before this, in the rate-limiting middleware.
    /// </summary>
    private static async Task<IResult> LoginAsync(LoginRequest? body, UserDirectory users, LoginGuard guard, SessionStore sessions, TimeProvider time, HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress?.ToString();
        var name = body?.Name;
        if (body is null || string.IsNullOrEmpty(name) || name.Length > 128 || body.Password is null || body.Password.Length > 1024)
        {
            guard.Refused("invalid_request", name, address, "name (1-128 characters) and password (at most 1024) required");
            return Results.Problem("name (1 to 128 characters) and password (at most 1024) are required", statusCode: StatusCodes.Status400BadRequest);
        }
        using (var attempt = guard.TryAttempt(name))
        {
            if (!attempt.IsAcquired)
            {
                guard.Refused("rate_limited_name", name, address, "too many attempts for this name in the last minute");
                return TooMany(http, attempt.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1),
                    "too many login attempts for this name; try again later");
            }
        }
        try
        {
            if (await guard.LockedUntilAsync(name) is { } until)
            {
                guard.Refused("locked", name, address, $"locked until {until:O}");
                return TooMany(http, until - time.GetUtcNow(), $"too many failed logins for this name: locked until {until.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'}",
                    new Dictionary<string, object?> { ["unlockAt"] = until.ToUniversalTime() });
            }
            ConsoleUser? user;
            using (var slot = await guard.WaitForCheckAsync(http.RequestAborted))
            {
                if (!slot.IsAcquired)
                {
                    guard.Refused("busy", name, address, "too many password checks waiting");
                    return TooMany(http, TimeSpan.FromSeconds(5), "the console is busy checking other logins; try again in a few seconds");
                }
                user = users.Authenticate(name, body.Password);
            }
            if (user is null)
            {
                var locked = await guard.RecordFailureAsync(name);
                guard.Refused("bad_credentials", name, address, locked is { } l ? $"wrong name or password; name locked until {l:O}" : "wrong name or password");
                return Results.Problem("wrong name or password", statusCode: StatusCodes.Status401Unauthorized);
            }
            await guard.ClearAsync(name);
            var now = time.GetUtcNow();
            var session = await sessions.CreateAsync(user.Name);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                UserDirectory.PrincipalOf(user, CookieAuthenticationDefaults.AuthenticationScheme, session, now));
            return Results.Ok(Me(user));
        }
        catch (StackExchange.Redis.RedisException)
        {
            // Lockouts and sessions live in Redis: without it nobody logs in (fail closed).
            return Results.Problem("the console cannot reach Redis; try again shortly", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>The checks of the cookie's OnValidatePrincipal, again, for a long-lived feed.</summary>
    private static async Task<bool> SessionStillLiveAsync(HttpContext http)
    {
        var sp = http.RequestServices;
        var principal = http.User;
        var issued = long.TryParse(principal.FindFirst(SessionStore.SessionIdClaim) is null ? null : principal.FindFirst(SessionStore.IssuedAtClaim)?.Value,
            System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        try
        {
            return sp.GetRequiredService<UserDirectory>().IsCurrent(principal)
                   && issued is { } at && sp.GetRequiredService<TimeProvider>().GetUtcNow() - at < sp.GetRequiredService<ConsoleOptions>().SessionLifetime
                   && await sp.GetRequiredService<SessionStore>().IsLiveAsync(principal.FindFirst(SessionStore.SessionIdClaim)?.Value, principal.Identity?.Name);
        }
        catch (StackExchange.Redis.RedisException)
        {
            return true; // Redis unreachable: the feed cannot read anything either; the next request re-checks.
        }
    }

    private static IResult TooMany(HttpContext http, TimeSpan retryAfter, string detail, IDictionary<string, object?>? extensions = null)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, extensions: extensions);
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
