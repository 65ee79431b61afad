using Alerting.Core.Config;
using Alerting.Kafka;
using Alerting.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerting.IntegrationTests.Infrastructure;

/// <summary>The real worker host (same wiring as <c>alerting run</c>), in process, against a test cluster and redis-server.</summary>
public sealed class WorkerUnderTest : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ReloadingRulesSource _rules;

    private WorkerUnderTest(IHost host, ReloadingRulesSource rules)
    {
        _host = host;
        _rules = rules;
    }

    public ReloadingRulesSource Rules => _rules;

    public ConsumerStatus Status => _host.Services.GetRequiredService<ChatStreamConsumer>().Status;

    /// <summary>Where the health endpoints listen (a free loopback port).</summary>
    public Uri BaseAddress => new(_host.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Starts a worker; <paramref name="configPath"/> is a rules file or folder (null for defaults).</summary>
    /// <param name="logging">Replaces the default logging (Warning and above to the console), e.g. to capture every line.</param>
    public static async Task<WorkerUnderTest> StartAsync(string bootstrap, string topic, string group, string redis, string? configPath = null, TimeSpan? reloadPoll = null,
        Action<ILoggingBuilder>? logging = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrap,
            ["Kafka:Topic"] = topic,
            ["Kafka:DeadLetterTopic"] = topic + ".dlq",
            ["Kafka:GroupId"] = group,
            ["Kafka:IdleTickMs"] = "100",
            ["Kafka:Consumer:session.timeout.ms"] = "6000",
            ["Kafka:Consumer:heartbeat.interval.ms"] = "500",
            ["Redis:ConnectionString"] = redis,
            ["Worker:HttpUrls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        var loaded = ConfigFiles.Load(configPath);
        Assert.True(loaded.Root is not null, string.Join("; ", loaded.Problems));
        var configuration = new ConfigurationBuilder().AddConfiguration(loaded.Root).AddInMemoryCollection(settings).Build();
        var (rules, problems) = ReloadingRulesSource.Start(configPath, false, null, NullLogger.Instance, TimeProvider.System, reloadPoll ?? TimeSpan.Zero);
        Assert.True(rules is not null, string.Join("; ", problems));
        var host = WorkerHost.Build(configuration, rules!, logging ?? (l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole()), TimeSpan.FromSeconds(20));
        await host.StartAsync();
        return new WorkerUnderTest(host, rules!);
    }

    /// <summary>Graceful stop: flush, commit, leave the group.</summary>
    public async Task StopAsync() => await _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        catch (OperationCanceledException)
        {
        }
        _host.Dispose();
        _rules.Dispose();
    }
}
