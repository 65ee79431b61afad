using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Pipeline;
using Alerting.Core.Pipeline.Batches;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Pipeline.CrossConversation;
using Alerting.Redis.CrossConversation;
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
            sp.GetService<ILogger<RedisAlertSink>>(), sp.GetRequiredService<TimeProvider>(), sp.GetServices<IDurableAlertsObserver>()));
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

    /// <summary>
    /// The consume path's writes in Redis, as Core's ports and as write stages in the order of
    /// <see cref="BatchStageOrder"/>: <see cref="IAlertSink"/> = <see cref="RedisAlertSink"/> behind
    /// <see cref="BatchDetectingAlertSink"/> (wrong answers update their cross-conversation batch in the same step);
    /// <see cref="IAgentActivitySink"/> = agent facts, then partition progress (both through <see cref="RedisCrossConversation"/>, whose
    /// judging rounds need an <see cref="AgentEvaluationScope"/> registered by the host); <see cref="IPartitionStateStore"/> =
    /// <see cref="PartitionCheckpointStore"/> of <paramref name="consumerGroup"/>. Needs <see cref="AddAlertingRedis"/>
    /// and an <see cref="IRulesSource"/>.
    /// </summary>
    public static IServiceCollection AddAlertingRedisWriteStages(this IServiceCollection services, Func<IServiceProvider, string> consumerGroup)
    {
        ArgumentNullException.ThrowIfNull(consumerGroup);
        services.TryAddSingleton(sp => sp.GetRequiredService<RedisAlertingOptions>().CrossConversation);
        services.TryAddSingleton(sp =>
        {
            var rules = sp.GetRequiredService<IRulesSource>();
            return new BatchWrongAnswerTracker(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
                shop => rules.Current.ForShop(shop).BatchWrongPromoAnswer, sp.GetRequiredService<CrossConversationOptions>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<BatchWrongAnswerTracker>>());
        });
        services.TryAddSingleton(sp =>
        {
            var rules = sp.GetRequiredService<IRulesSource>();
            return new AgentActivityTracker(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
                shop => rules.Current.ForShop(shop).AgentResponseRate, (shop, at) => rules.Current.ForShop(shop).IsOpen(at), sp.GetRequiredService<CrossConversationOptions>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AgentActivityTracker>>());
        });
        services.TryAddSingleton(sp => new PartitionProgressStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
            consumerGroup(sp), sp.GetRequiredService<CrossConversationOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PartitionProgressStore>>()));
        // One cross-conversation stage, the orchestration replay runs too: batches with the alerts, facts then progress, judging rounds.
        services.TryAddSingleton(sp => new RedisCrossConversation(sp.GetRequiredService<BatchWrongAnswerTracker>(), sp.GetRequiredService<AgentActivityTracker>(),
            sp.GetRequiredService<PartitionProgressStore>(), sp.GetService<AgentEvaluationScope>(), sp.GetRequiredService<IRulesSource>(),
            sp.GetRequiredService<CrossConversationOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<RedisCrossConversation>>()));
        services.TryAddSingleton(sp => new CrossConversationStage(sp.GetRequiredService<RedisCrossConversation>(), sp.GetRequiredService<IRulesSource>()));
        services.TryAddSingleton<IAlertSink>(sp => new BatchDetectingAlertSink(sp.GetRequiredService<RedisAlertSink>(), sp.GetRequiredService<CrossConversationStage>()));
        services.TryAddSingleton<IAgentActivitySink>(sp => sp.GetRequiredService<RedisCrossConversation>());
        services.TryAddSingleton<IPartitionStateStore>(sp => new PartitionCheckpointStore(
            sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
            sp.GetService<ILogger<PartitionCheckpointStore>>(), sp.GetRequiredService<TimeProvider>(), consumerGroup(sp)));
        services.AddSingleton<IBatchWriteStage>(sp => new AlertWriteStage(sp.GetRequiredService<IAlertSink>()));
        services.AddSingleton<IBatchWriteStage>(sp => new CrossConversationFactsStage(sp.GetRequiredService<IAgentActivitySink>()));
        services.AddSingleton<IBatchWriteStage>(sp => new CheckpointWriteStage(sp.GetRequiredService<IPartitionStateStore>()));
        return services;
    }
}
