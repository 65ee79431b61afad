using Alerting.InspectorConsole.Feed;
using Alerting.InspectorConsole.Insights;
using Alerting.InspectorConsole.Review;
using Alerting.Redis;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Alerting.InspectorConsole.Hosting;

/// <summary>Builds the console web application: config, Redis, cookie auth, the API and the static pages.</summary>
public static class ConsoleApp
{
    /// <summary>
    /// Builds the app from command-line arguments: <c>--config PATH</c> (a JSON file or a folder of them,
    /// layered in path order), then environment variables prefixed <c>ALERTING_</c>, then
    /// <c>Section:Key=value</c> arguments. <paramref name="configure"/> lets tests add config or services.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var (configPath, rest) = SplitConfigArg(args);
        var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = rest,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Directory.Exists(webRoot) ? webRoot : null,
        });
        if (configPath is not null)
        {
            var files = Directory.Exists(configPath)
                ? Directory.GetFiles(configPath, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()
                : File.Exists(configPath) ? [Path.GetFullPath(configPath)] : throw new FileNotFoundException($"--config: no such file or folder: {configPath}");
            foreach (var f in files) builder.Configuration.AddJsonFile(f, optional: false, reloadOnChange: false);
        }
        builder.Configuration.AddEnvironmentVariables("ALERTING_");
        builder.Configuration.AddCommandLine(rest);
        // Request logs at Information would drown the console's own events; config can still lower it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", Microsoft.Extensions.Logging.LogLevel.Warning);
        configure?.Invoke(builder);

        builder.WebHost.UseUrls(builder.Configuration[$"{ConsoleOptions.SectionName}:{nameof(ConsoleOptions.Urls)}"] ?? new ConsoleOptions().Urls);
        AddConsole(builder.Services, builder.Configuration);

        var app = builder.Build();
        app.UseConsoleSecurity(app.Services.GetRequiredService<ConsoleOptions>());
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // The pages carry no data (everything comes from the API after login), so they are public;
            // no-cache makes a deployment visible at the next reload.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapConsoleApi();
        app.MapRuleCatalog();
        app.MapTranscripts();
        app.MapSuggestions();
        return app;
    }

    /// <summary>Registers the console's services (options validated at start, Redis, auth, review store, feed, insights).</summary>
    public static void AddConsole(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidator>());
        services.AddOptions<RedisAlertingOptions>().Bind(configuration.GetSection(RedisAlertingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisAlertingOptions>, RedisAlertingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ConsoleOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<RedisAlertingOptions>>().Value);
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
            ConnectionMultiplexer.Connect(RedisConnection.Configuration(sp.GetRequiredService<RedisAlertingOptions>())));
        services.TryAddSingleton<ConsoleKeys>();
        services.TryAddSingleton<UserDirectory>();
        services.TryAddSingleton<SessionStore>();
        services.TryAddSingleton<ConsoleMetrics>();
        services.TryAddSingleton<LoginGuard>();
        services.TryAddSingleton<ReviewStore>();
        services.TryAddSingleton<FeedDoorbell>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedDoorbell>());
        services.TryAddSingleton<FeedService>();
        services.TryAddSingleton<InsightService>();
        services.TryAddSingleton<ActivityService>();
        services.TryAddSingleton<SuggestionStore>();
        services.TryAddSingleton<Alerting.Redis.Transcripts.TranscriptReader>();
        Escalation.EscalationRegistration.AddEscalation(services, configuration);
        services.AddHostedService<PoolKeeper>();

        var section = configuration.GetSection(ConsoleOptions.SectionName);
        var defaults = new ConsoleOptions();
        var idle = section.GetValue<TimeSpan?>(nameof(ConsoleOptions.SessionIdleTimeout)) ?? defaults.SessionIdleTimeout;
        var insecure = section.GetValue<bool?>(nameof(ConsoleOptions.InsecureCookieForDevelopment)) ?? false;
        var perAddress = section.GetSection(nameof(ConsoleOptions.Login)).GetValue<int?>(nameof(LoginLimits.PerAddressPerMinute)) ?? defaults.Login.PerAddressPerMinute;

        // Cookie encryption keys live in Redis (one key ring for every instance and every redeploy), so a
        // cookie issued by one console is read by all, and a restart logs nobody out.
        services.AddDataProtection().SetApplicationName("alerting-console");
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer, ConsoleOptions>((o, redis, console) =>
            o.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), console.KeyPrefix + "dataprotection-keys"));

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            // Secure always (the __Host- prefix makes browsers insist on it), unless a developer turned it off for plain HTTP.
            o.Cookie.Name = insecure ? "alerting-console" : "__Host-alerting-console";
            o.Cookie.Path = "/";
            o.Cookie.HttpOnly = true;
            // Strict same-site cookie plus JSON-only POST bodies (a cross-site form cannot send them) is the CSRF defence.
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = insecure ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.ExpireTimeSpan = idle;
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = ctx => Status(ctx.Response, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => Status(ctx.Response, StatusCodes.Status403Forbidden);
            o.Events.OnValidatePrincipal = async ctx =>
            {
                var sp = ctx.HttpContext.RequestServices;
                var users = sp.GetRequiredService<UserDirectory>();
                var console = sp.GetRequiredService<ConsoleOptions>();
                var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
                var principal = ctx.Principal;
                var issued = long.TryParse(principal?.FindFirst(SessionStore.IssuedAtClaim)?.Value, System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
                // A user removed from config (or whose role changed) loses access at the next request, not at cookie expiry;
                // a session past its absolute lifetime, or ended by logout (its id gone from Redis), is refused everywhere.
                var ok = users.IsCurrent(principal)
                         && issued is { } at && now - at < console.SessionLifetime
                         && await sp.GetRequiredService<SessionStore>().IsLiveAsync(principal!.FindFirst(SessionStore.SessionIdClaim)?.Value, principal.Identity?.Name);
                if (!ok)
                {
                    ctx.RejectPrincipal();
                    await ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                }
            };
        });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per client address (the proxy's X-Forwarded-For only when the proxy is trusted, see ConsoleSecurity).
            o.AddPolicy(LoginPolicy, http => RateLimitPartition.GetSlidingWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new SlidingWindowRateLimiterOptions { PermitLimit = perAddress, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0 }));
            o.OnRejected = async (ctx, ct) =>
            {
                var retry = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                ctx.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                ctx.HttpContext.RequestServices.GetRequiredService<LoginGuard>().Refused("rate_limited_address", null,
                    ctx.HttpContext.Connection.RemoteIpAddress?.ToString(), $"more than {perAddress} attempts a minute from this address");
                await Results.Problem("too many login attempts from this address; try again later", statusCode: StatusCodes.Status429TooManyRequests)
                    .ExecuteAsync(ctx.HttpContext);
            };
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.Lead, p => p.RequireRole(Roles.Lead));
    }

    /// <summary>Rate-limiting policy of the login endpoint (per client address).</summary>
    public const string LoginPolicy = "login";

    private static Task Status(HttpResponse response, int code)
    {
        response.StatusCode = code;
        return Task.CompletedTask;
    }

    private static (string? Config, string[] Others) SplitConfigArg(string[] args)
    {
        string? config = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length) config = args[++i];
            else rest.Add(args[i]);
        }
        return (config, rest.ToArray());
    }
}
