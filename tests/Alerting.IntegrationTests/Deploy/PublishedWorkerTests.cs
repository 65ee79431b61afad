using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Alerting.IntegrationTests.Faults;
using Alerting.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Deploy;

/// <summary>
/// Two worker processes run from `dotnet publish` output — what the container image holds — share the
/// partitions of one group and together raise every expected alert exactly once.
/// </summary>
[Collection(PublishedWorkerTestGroup.Name)]
public sealed class PublishedWorkerTests(PublishedWorker published, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoPublishedWorkers_SharePartitions_AndTheAlertsAreComplete()
    {
        var dll = published.EntryDll;
        await using var s = await FaultScenario.CreateAsync(seed: 410, conversations: 300, partitions: 8);
        var ports = new[] { FreePort(), FreePort() };
        await using var a = WorkerProcess.Start(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString, s.ConfigFile, dll, $"http://127.0.0.1:{ports[0]}");
        await using var b = WorkerProcess.Start(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString, s.ConfigFile, dll, $"http://127.0.0.1:{ports[1]}");
        s.Produce(0, s.Messages.Count);
        await s.AssertExactlyOnceAsync(TimeSpan.FromSeconds(120));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var partitions = new List<int>();
        foreach (var port in ports)
        {
            // The body carries the partition count whether or not the worker is ready at this instant
            // (a loaded machine can make a write slow enough to pause consumption for a moment: 503).
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"));
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            partitions.Add(doc.RootElement.GetProperty("partitions").GetInt32());
        }
        output.WriteLine($"partitions per published worker: {string.Join(", ", partitions)}; {s.Expected.Count} expected alert events present exactly once");
        Assert.All(partitions, n => Assert.True(n > 0, "each worker should own partitions"));
        Assert.Equal(8, partitions.Sum());
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
