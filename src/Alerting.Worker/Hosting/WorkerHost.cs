using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Pipeline;
using Alerting.Kafka;
using Alerting.Redis;
using Alerting.Redis.CrossConversation;
using Alerting.Worker.Metrics;
using Alerting.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerting.Worker.Hosting;

/// <summary>Builds the worker host: the same wiring for <c>run</c>, <c>demo</c> and the tests.</summary>
internal static class WorkerHost
{
    /// <summary>Default listen address of the health endpoints (<c>Worker:HttpUrls</c>; empty turns HTTP off).</summary>
    public const string DefaultHttpUrls = "http://0.0.0.0:8080";

    public static IHost Build(IConfiguration configuration, ReloadingRulesSource rules, Action<ILoggingBuilder>? logging = null, TimeSpan? shutdownTimeout = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        var urls = configuration["Worker:HttpUrls"] ?? DefaultHttpUrls;
        if (urls.Length > 0)
        {
            builder.WebHost.UseKestrelCore();
            builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries));
            builder.Services.AddRoutingCore();
            builder.Services.AddWorkerHealth();
        }
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        if (logging is null)
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        else
            logging(builder.Logging);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(30));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IRulesSource>(rules);
        builder.Services.AddSingleton(rules);
        // Every section is bound once, through options, and validated at start (the verbs check the same earlier, with file names).
        builder.Services.AddValidatedOptions<KafkaOptions>(KafkaOptions.SectionName, o => o.Validate());
        builder.Services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.SectionName, o => o.Validate());
        builder.Services.AddAlertingRedis(configuration.GetSection(RedisAlertingOptions.SectionName));
        builder.Services.AddWorkerMetrics(configuration);
        builder.Services.AddSingleton<IConsumeObserver>(sp => sp.GetRequiredService<WorkerMetrics>());
        builder.Services.AddAlertNotifications();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<RedisAlertingOptions>().CrossConversation);
        builder.Services.AddSingleton(sp =>
        {
            var rulesSource = sp.GetRequiredService<IRulesSource>();
            return new BatchWrongAnswerTracker(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
                shop => rulesSource.Current.ForShop(shop).BatchWrongPromoAnswer, sp.GetRequiredService<CrossConversationOptions>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<BatchWrongAnswerTracker>>());
        });
        builder.Services.AddSingleton<IAlertSink>(sp => new RedisSink(sp.GetRequiredService<RedisAlertSink>(), sp.GetRequiredService<BatchWrongAnswerTracker>(),
            sp.GetRequiredService<WorkerMetrics>(), sp.GetRequiredService<IAlertNotifier>(), sp.GetRequiredService<TimeProvider>()));
        // agent_response_rate_low (off unless Rules:AgentResponseRate:Enabled): facts and partition progress in Redis,
        // judged by one worker at a time once every partition is past a window.
        builder.Services.AddSingleton(sp =>
        {
            var rulesSource = sp.GetRequiredService<IRulesSource>();
            return new AgentActivityTracker(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
                shop => rulesSource.Current.ForShop(shop).AgentResponseRate, (shop, at) => rulesSource.Current.ForShop(shop).IsOpen(at), sp.GetRequiredService<CrossConversationOptions>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AgentActivityTracker>>());
        });
        builder.Services.AddSingleton(sp => new PartitionProgressStore(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), sp.GetRequiredService<RedisAlertingOptions>(),
            sp.GetRequiredService<KafkaOptions>().GroupId, sp.GetRequiredService<CrossConversationOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PartitionProgressStore>>()));
        builder.Services.AddSingleton<Alerting.Core.Rules.AgentResponseRate.IAgentActivitySink>(sp => new AgentActivitySink(
            sp.GetRequiredService<AgentActivityTracker>(), sp.GetRequiredService<PartitionProgressStore>()));
        builder.Services.AddSingleton<TopicPartitionCount>();
        builder.Services.AddSingleton<AgentRateEvaluationService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentRateEvaluationService>());
        builder.Services.AddSingleton<IPartitionStateStore>(sp => new RedisStateStore(sp.GetRequiredService<PartitionCheckpointStore>(), sp.GetRequiredService<KafkaOptions>().GroupId));
        // Conversation transcripts (Transcripts section): written with each batch, before its alerts and offsets.
        builder.Services.AddValidatedOptions<Alerting.Redis.Transcripts.TranscriptOptions>(Alerting.Redis.Transcripts.TranscriptOptions.SectionName, o => o.Validate());
        builder.Services.AddSingleton<Alerting.Core.Messages.IMessageBatchWriter>(sp => new Alerting.Redis.Transcripts.TranscriptWriter(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
            sp.GetRequiredService<RedisAlertingOptions>(), sp.GetRequiredService<Alerting.Redis.Transcripts.TranscriptOptions>(),
            sp.GetRequiredService<ILogger<Alerting.Redis.Transcripts.TranscriptWriter>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ChatStreamConsumer>();
        builder.Services.AddHostedService<ChatConsumerService>();
        var app = builder.Build();
        if (urls.Length > 0)
        {
            app.UseRouting();
            HealthEndpoints.Map(app);
            MetricsEndpoint.MapMetrics(app);
        }
        return app;
    }

    /// <summary>Partition checkpoints in Redis, per consumer group.</summary>
    private sealed class RedisStateStore(PartitionCheckpointStore store, string group) : IPartitionStateStore
    {
        public Task<long> ClaimAsync(string topic, int partition, CancellationToken ct) => store.ClaimAsync(group, topic, partition, ct);

        public Task SaveAsync(string topic, int partition, long epoch, long nextOffset, IReadOnlyCollection<KeyValuePair<string, byte[]>> changed, IReadOnlyCollection<string> removed, CancellationToken ct)
            => store.SaveAsync(group, topic, partition, epoch, nextOffset, changed, removed, ct);

        public async Task<PartitionStateCheckpoint?> LoadAsync(string topic, int partition, CancellationToken ct)
            => await store.LoadAsync(group, topic, partition, ct) is { } c ? new PartitionStateCheckpoint(c.NextOffset, c.Entries) : null;
    }

    /// <summary>The Redis adapter seen through the pipeline's sink contract.</summary>
    /// <remarks>
    /// Wrong promotion answers first update the cross-conversation batches in Redis (idempotent per
    /// message); the batch alerts they complete are written in the same sink call as the batch's own
    /// alerts, before the offsets move — so a crash replays both.
    /// </remarks>
    private sealed class RedisSink(RedisAlertSink sink, BatchWrongAnswerTracker batches, WorkerMetrics metrics, IAlertNotifier notifier, TimeProvider time) : IAlertSink
    {
        public async Task WriteAsync(IReadOnlyList<Alert> batchAlerts, CancellationToken cancellationToken)
        {
            var grouped = await batches.ObserveAsync(batchAlerts, cancellationToken);
            IReadOnlyList<Alert> alerts = grouped.Count == 0 ? batchAlerts : [.. batchAlerts, .. grouped];
            var appended = new List<Alert>();
            using (var span = MetricsEndpoint.Traces.StartActivity("alerts.write"))
            {
                span?.SetTag("alerting.alerts", alerts.Count);
                await sink.WriteAsync(alerts, cancellationToken, appended);
                span?.SetTag("alerting.alerts.appended", appended.Count);
            }
            // Durable from here on. Only alerts appended now are counted and notified: a batch replayed after
            // a crash, or an agent window judged again, is not announced twice. The notifier only queues
            // (never blocks, drops when full): best-effort.
            if (appended.Count == 0) return;
            metrics.RecordAlertsDurable(appended, time.GetUtcNow());
            notifier.Offer(appended);
        }
    }
}
