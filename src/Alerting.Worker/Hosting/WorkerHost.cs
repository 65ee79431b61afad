using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Redis;
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
        // Alerts appended to Redis are counted and notified (best-effort: the notifier only queues).
        builder.Services.AddSingleton<IDurableAlertsObserver, DurableAlertsAnnouncer>();
        // The batch's writes in Redis (alerts with their cross-conversation batches, agent facts and progress, checkpoints).
        // Agent-level judging waits for every partition of the consumed topic.
        builder.Services.AddSingleton(sp => new Alerting.Redis.CrossConversation.AgentEvaluationScope(sp.GetRequiredService<KafkaOptions>().Topic,
            sp.GetRequiredService<TopicPartitionCount>().Get));
        builder.Services.AddAlertingRedisWriteStages(sp => sp.GetRequiredService<KafkaOptions>().GroupId);
        builder.Services.AddAlertingKafka();
        // agent_response_rate_low (off unless Rules:AgentResponseRate:Enabled): judged by one worker at a time once every partition is past a window.
        builder.Services.AddSingleton<AgentRateEvaluationService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentRateEvaluationService>());
        // Conversation transcripts (Transcripts section): a write stage before the batch's alerts (an alert an inspector sees already has its context).
        builder.Services.AddValidatedOptions<Alerting.Redis.Transcripts.TranscriptOptions>(Alerting.Redis.Transcripts.TranscriptOptions.SectionName, o => o.Validate());
        builder.Services.AddSingleton<Alerting.Core.Messages.IMessageBatchWriter>(sp => new Alerting.Redis.Transcripts.TranscriptWriter(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
            sp.GetRequiredService<RedisAlertingOptions>(), sp.GetRequiredService<Alerting.Redis.Transcripts.TranscriptOptions>(),
            sp.GetRequiredService<ILogger<Alerting.Redis.Transcripts.TranscriptWriter>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<Alerting.Core.Pipeline.Batches.IBatchWriteStage>(sp =>
            new Alerting.Core.Pipeline.Batches.MessageWriteStage(sp.GetRequiredService<Alerting.Core.Messages.IMessageBatchWriter>()));
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
}
