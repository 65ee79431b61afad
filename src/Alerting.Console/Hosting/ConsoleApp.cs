using Alerting.InspectorConsole.Feed;
using Alerting.InspectorConsole.Insights;
using Alerting.InspectorConsole.Review;
using Alerting.Redis;
using Microsoft.AspNetCore.Authentication.Cookies;
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
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // The pages carry no data (everything comes from the API after login), so they are public;
            // no-cache makes a deployment visible at the next reload.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapConsoleApi();
        app.MapRuleCatalog();
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
        services.TryAddSingleton<ReviewStore>();
        services.TryAddSingleton<FeedDoorbell>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedDoorbell>());
        services.TryAddSingleton<FeedService>();
        services.TryAddSingleton<InsightService>();
        services.AddHostedService<PoolKeeper>();

        var session = configuration.GetSection(ConsoleOptions.SectionName).GetValue<TimeSpan?>(nameof(ConsoleOptions.SessionLifetime)) ?? new ConsoleOptions().SessionLifetime;
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "alerting-console";
            o.Cookie.HttpOnly = true;
            // Strict same-site cookie plus JSON-only POST bodies (a cross-site form cannot send them) is the CSRF defence.
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = session;
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = ctx => Status(ctx.Response, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => Status(ctx.Response, StatusCodes.Status403Forbidden);
            o.Events.OnValidatePrincipal = ctx =>
            {
                // A user removed from config (or whose role changed) loses access at the next request, not at cookie expiry.
                var users = ctx.HttpContext.RequestServices.GetRequiredService<UserDirectory>();
                if (!users.IsCurrent(ctx.Principal)) ctx.RejectPrincipal();
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.Lead, p => p.RequireRole(Roles.Lead));
    }

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
