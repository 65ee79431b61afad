using Alerting.Core.Config;
using Alerting.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Alerting.IntegrationTests.Worker;

/// <summary>The worker host binds every section through options and refuses to start on a bad one, naming path and reason.</summary>
public sealed class WorkerOptionsTests
{
    private static IHost Host(Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["Redis:ConnectionString"] = "127.0.0.1:9",
            ["Worker:HttpUrls"] = "http://127.0.0.1:0",
        };
        foreach (var (k, v) in settings) all[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var (rules, problems) = ReloadingRulesSource.Start(null, false, null, NullLogger.Instance, TimeProvider.System, TimeSpan.Zero);
        Assert.True(rules is not null, string.Join("; ", problems));
        return WorkerHost.Build(configuration, rules!, logging => { });
    }

    [Fact]
    public void Validate_ReportsATypoAndABadValueOfOneSection_Both_InTheProjectsWords()
    {
        var root = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServer"] = "kafka:9092",
            ["Kafka:BatchMaxRecords"] = "many",
            ["Kafka:BatchMaxDelayMs"] = "-1",
            ["Redis:ConectionString"] = "redis:6379",
        }).Build();
        var problems = Alerting.Worker.WorkerSettings.Validate(root).Select(p => p.ToString()).ToList();
        Assert.Contains("Kafka:BootstrapServer: unknown setting 'BootstrapServer': did you mean 'BootstrapServers'?", problems);
        Assert.Contains("Kafka:BatchMaxRecords: 'many' is not a whole number", problems);
        Assert.Contains(problems, p => p.StartsWith("Kafka:BatchMaxDelayMs:", StringComparison.Ordinal));
        Assert.Contains("Redis:ConectionString: unknown setting 'ConectionString': did you mean 'ConnectionString'?", problems);
        Assert.Equal(problems.Count, problems.Distinct().Count());
    }

    [Theory]
    [InlineData("Notifications:QueueCapacity", "0", "Notifications:QueueCapacity: must be between 1 and 1000000, got 0")]
    [InlineData("Kafka:BatchMaxRecords", "0", "Kafka:BatchMaxRecords")]
    [InlineData("Transcripts:MaxMessages", "0", "Transcripts:MaxMessages: must be 1 to 500, was 0")]
    [InlineData("Transcripts:Ttl", "00:00:10", "Transcripts:Ttl: must be 1 minute to 31 days")]
    [InlineData("Worker:Telemetry:Tracing", "true", "Worker:Telemetry:Tracing: tracing exports over OTLP")]
    public async Task Start_WithAnInvalidSection_FailsBeforeConnecting_NamingPathAndReason(string key, string value, string expected)
    {
        using var host = Host(new() { [key] = value });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
