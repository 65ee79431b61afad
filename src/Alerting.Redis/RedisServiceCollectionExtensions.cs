using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Alerting.Redis;

/// <summary>Opens the connection the adapter expects.</summary>
public static class RedisConnection
{
    /// <summary>
    /// Parses <see cref="RedisAlertingOptions.ConnectionString"/> and forces <c>AbortOnConnectFail=false</c>:
    /// the process starts even while Redis is down and reconnects in the background; writes wait in
    /// the retry loop meanwhile.
    /// </summary>
    public static ConfigurationOptions Configuration(RedisAlertingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = ConfigurationOptions.Parse(options.ConnectionString);
        config.AbortOnConnectFail = false;
        return config;
    }

    /// <summary>Connects (returns even when Redis is not reachable yet).</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisAlertingOptions options, TextWriter? log = null)
        => await ConnectionMultiplexer.ConnectAsync(Configuration(options), log).ConfigureAwait(false);
}

/// <summary>Validates <see cref="RedisAlertingOptions"/> at start and on every reload.</summary>
public sealed class RedisAlertingOptionsValidator : IValidateOptions<RedisAlertingOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisAlertingOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.ToString()));
    }
}

/// <summary>Runs <see cref="StreamRetention"/> every <see cref="RedisAlertingOptions.RetentionInterval"/>.</summary>
public sealed partial class StreamRetentionService : BackgroundService
{
    private readonly StreamRetention _retention;
    private readonly RedisAlertingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StreamRetentionService> _logger;

    public StreamRetentionService(StreamRetention retention, IOptions<RedisAlertingOptions> options, TimeProvider time, ILogger<StreamRetentionService> logger)
    {
        _retention = retention;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.RetentionInterval, _time);
        do
        {
            try
            {
                await _retention.TrimAsync(_time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(_logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 4140, Level = LogLevel.Error, Message = "Stream retention run failed; next run at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception error);
}

/// <summary>DI wiring of the Redis adapter.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedisAlertingOptions"/> (bound to <paramref name="section"/>, normally
    /// <c>Redis</c>, validated at start), a shared <see cref="IConnectionMultiplexer"/> (unless one is
    /// registered already), <see cref="RedisAlertSink"/>, <see cref="PartitionCheckpointStore"/>,
    /// <see cref="StreamRetention"/> and, when <paramref name="runRetention"/>, the hosted
    /// <see cref="StreamRetentionService"/>. Run retention in one place (the worker or a cron job).
    /// </summary>
    public static IServiceCollection AddAlertingRedis(this IServiceCollection services, IConfiguration section, bool runRetention = true)
    {
        services.AddOptions<RedisAlertingOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisAlertingOptions>, RedisAlertingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // Redis settings are read once at start: a new connection string needs a restart.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<RedisAlertingOptions>>().Value);
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
            ConnectionMultiplexer.Connect(RedisConnection.Configuration(sp.GetRequiredService<RedisAlertingOptions>())));
        services.TryAddSingleton(sp => new RedisAlertSink(
            sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
            sp.GetService<ILogger<RedisAlertSink>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new PartitionCheckpointStore(
            sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
            sp.GetService<ILogger<PartitionCheckpointStore>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new StreamRetention(
            sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
            sp.GetService<ILogger<StreamRetention>>()));
        services.TryAddSingleton(sp => new RedisMemoryPolicyCheck(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetService<ILogger<RedisMemoryPolicyCheck>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisMemoryPolicyCheck>.Instance));
        services.AddHostedService(sp => sp.GetRequiredService<RedisMemoryPolicyCheck>());
        if (runRetention) services.AddHostedService<StreamRetentionService>();
        return services;
    }
}
