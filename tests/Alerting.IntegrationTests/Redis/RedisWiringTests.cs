using Alerting.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alerting.IntegrationTests.Redis;

public sealed class RedisWiringTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAlertingRedis(config.GetSection(RedisAlertingOptions.SectionName), runRetention: false);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddAlertingRedis_DedupeTtlShorterThanRetention_FailsNamingTheSetting()
    {
        using var provider = Build(new() { ["Redis:DedupeTtl"] = "3.00:00:00" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisAlertingOptions>>().Value);
        Assert.Contains("Redis:DedupeTtl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAlertingRedis_BoundToRealServer_SinkWritesAndStoreLoads()
    {
        await using var server = await RedisServer.StartNewAsync();
        await using var provider = Build(new() { ["Redis:ConnectionString"] = server.ConnectionString, ["Redis:BatchSize"] = "7" });

        Assert.Equal(7, provider.GetRequiredService<RedisAlertingOptions>().BatchSize);
        var result = await provider.GetRequiredService<RedisAlertSink>().WriteAsync([TestAlerts.Rude()], CancellationToken.None);
        Assert.Equal(new AlertWriteResult(1, 0), result);
        Assert.Null(await provider.GetRequiredService<PartitionCheckpointStore>().LoadAsync("g", "t", 0, CancellationToken.None));
        Assert.Single((await provider.GetRequiredService<StreamRetention>().TrimAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Streams);
    }
}
