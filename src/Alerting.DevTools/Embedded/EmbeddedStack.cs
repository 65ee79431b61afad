using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Simulation;
using Alerting.Worker.Hosting;
using Alerting.DevTools.Verbs;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerting.DevTools.Embedded;

/// <summary>
/// Everything on one machine for <c>demo</c> and <c>loadgen --embedded</c>: the in-process
/// Kafka-protocol broker, a redis-server on a free port, a rules file with the generated stores'
/// promotions, and the real worker host against them.
/// </summary>
internal sealed class EmbeddedStack : IAsyncDisposable
{
    public const string Topic = "chat.messages";

    private bool _started;

    private EmbeddedStack(LocalRedisServer redis, EmbeddedKafkaCluster kafka, DirectoryInfo configDir, string rulesFile, ReloadingRulesSource rules, IHost host, ILoggerFactory loggers)
    {
        Redis = redis;
        Kafka = kafka;
        ConfigDir = configDir;
        RulesFile = rulesFile;
        Rules = rules;
        Host = host;
        _loggers = loggers;
    }

    private readonly ILoggerFactory _loggers;

    public LocalRedisServer Redis { get; }
    public EmbeddedKafkaCluster Kafka { get; }
    public DirectoryInfo ConfigDir { get; }
    public string RulesFile { get; }
    public ReloadingRulesSource Rules { get; }
    public IHost Host { get; }
    public ConsumerStatus Status => Host.Services.GetRequiredService<ChatStreamConsumer>().Status;

    public string? HealthAddress => Host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();

    /// <summary>Starts broker, Redis and the worker; returns null (after printing why) when the config is refused.</summary>
    public static async Task<EmbeddedStack> StartAsync(IEnumerable<SimulatedPromotion> promotions, int partitions, CancellationToken ct, bool startWorker = true)
    {
        var redis = await LocalRedisServer.StartNewAsync();
        var kafka = EmbeddedKafkaCluster.Start(brokers: 1);
        kafka.CreateTopic(Topic, partitions);
        kafka.CreateTopic(Topic + ".dlq", 1);
        var configDir = Directory.CreateTempSubdirectory("alerting-embedded-");
        var rulesFile = Path.Combine(configDir.FullName, "rules.json");
        await File.WriteAllTextAsync(rulesFile, DemoVerb.DemoRulesJson(promotions), ct);

        var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var (rules, problems) = ReloadingRulesSource.Start(rulesFile, false, null, loggers.CreateLogger("Alerting.Config"), TimeProvider.System, TimeSpan.FromSeconds(2));
        if (rules is null) throw new InvalidOperationException("generated rules refused: " + string.Join("; ", problems));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:Topic"] = Topic,
            ["Kafka:GroupId"] = "alerting-embedded",
            // librdkafka's mock broker answers a fetch only when fetch.wait.max.ms (default 500 ms)
            // expires, even when data is waiting; a real broker answers as soon as data is there.
            ["Kafka:Consumer:fetch.wait.max.ms"] = "5",
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Worker:HttpUrls"] = "http://127.0.0.1:0",
        })
            // Benchmarks vary worker settings without a code change, e.g. ALERTING_Kafka__PartitionWorkers=1.
            .AddEnvironmentVariables("ALERTING_").Build();
        var host = WorkerHost.Build(configuration, rules, l => l.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Warning));
        var stack = new EmbeddedStack(redis, kafka, configDir, rulesFile, rules, host, loggers);
        if (startWorker) await stack.StartWorkerAsync(ct);
        return stack;
    }

    /// <summary>Starts the worker (when the stack was created without it, e.g. to build a backlog first).</summary>
    public async Task StartWorkerAsync(CancellationToken ct)
    {
        if (_started) return;
        await Host.StartAsync(ct);
        _started = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_started) await Host.StopAsync(CancellationToken.None);
        Host.Dispose();
        Rules.Dispose();
        Kafka.Dispose();
        await Redis.DisposeAsync();
        _loggers.Dispose();
        try { ConfigDir.Delete(true); } catch (IOException) { }
    }
}
