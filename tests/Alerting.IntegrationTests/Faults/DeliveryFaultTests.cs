using System.Text;
using Alerting.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Faults;

/// <summary>
/// Delivery fault tests: for each, a deterministic script whose expected alerts (replay) include
/// timing alerts with deadlines straddling the fault; the streams must end up holding exactly that set.
/// </summary>
public sealed class DeliveryFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task TwoInstances_OneKilledAbruptlyMidStream_TheOtherTakesOver()
    {
        await using var s = await FaultScenario.CreateAsync(seed: 401, conversations: 500);
        s.Produce(0, s.Messages.Count / 2);
        await using var a = WorkerProcess.Start(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString, s.ConfigFile);
        await using var b = WorkerProcess.Start(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString, s.ConfigFile);
        await s.WaitForProgressAsync(0.2, Long);
        a.Kill();
        s.Produce(s.Messages.Count / 2, s.Messages.Count);
        await s.AssertExactlyOnceAsync(Long);
        output.WriteLine($"{s.Messages.Count} messages, {s.Expected.Count} expected alert events; survivor output:\n{b.Output}");
    }

    [Fact]
    public async Task ThreeInstancesOverTwelvePartitions_RaiseTheSameAlertsAsOne()
    {
        foreach (var instances in new[] { 3, 1 })
        {
            await using var s = await FaultScenario.CreateAsync(seed: 402, conversations: 400, partitions: 12);
            var workers = new List<WorkerUnderTest>();
            try
            {
                for (var i = 0; i < instances; i++)
                    workers.Add(await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString, s.ConfigFile));
                // The group settles before the traffic starts: on a loaded machine a late joiner could otherwise find
                // the whole backlog drained by the first two and own nothing when the assertion looks.
                var settled = DateTime.UtcNow + Long;
                while (workers.Sum(w => w.Status.AssignedPartitions) != 12 || workers.Any(w => w.Status.AssignedPartitions == 0))
                {
                    if (DateTime.UtcNow > settled) break;
                    await Task.Delay(50);
                }
                s.Produce(0, s.Messages.Count);
                await s.AssertExactlyOnceAsync(Long);
                if (instances == 3) Assert.All(workers, w => Assert.True(w.Status.AssignedPartitions > 0, "every instance should own partitions"));
                output.WriteLine($"{instances} instance(s): {s.Expected.Count} expected alert events, all present exactly once; partitions per instance: {string.Join(",", workers.Select(w => w.Status.AssignedPartitions))}");
            }
            finally
            {
                foreach (var w in workers) await w.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RedisUnreachableForSeconds_MidStream_NothingLostNothingDoubled()
    {
        await using var s = await FaultScenario.CreateAsync(seed: 403, conversations: 400, appendOnlyRedis: true);
        await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString, s.ConfigFile);
        s.Produce(0, s.Messages.Count / 2);
        await s.WaitForProgressAsync(0.2, Long);

        s.RedisServer.Pause(); // SIGSTOP: connections stay open, nothing answers
        s.Produce(s.Messages.Count / 2, s.Messages.Count);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!worker.Status.PausedForBackpressure && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(worker.Status.PausedForBackpressure, "the worker should pause consuming while Redis does not answer");
        using var http = new HttpClient { BaseAddress = worker.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("paused", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(3));
        s.RedisServer.Resume();

        await s.AssertExactlyOnceAsync(Long);
        // The last checkpoint save may still be in its retry back-off when the alerts are all visible.
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (worker.Status.PausedForBackpressure && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(worker.Status.PausedForBackpressure, "consumption should resume by itself once Redis answers");
        var readyAgain = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.True(readyAgain.IsSuccessStatusCode, await readyAgain.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OnePercentMalformed_AllDeadLetteredWithReasons_AllOthersProcessed()
    {
        await using var s = await FaultScenario.CreateAsync(seed: 404, conversations: 300);
        var records = new List<(string, byte[])>();
        var bad = 0;
        for (var i = 0; i < s.Messages.Count; i++)
        {
            records.Add((s.Messages[i].Key, s.Messages[i].Utf8Json));
            if (i % 100 == 50)
            {
                bad++;
                records.Add((s.Messages[i].Key, bad % 2 == 0
                    ? Encoding.UTF8.GetBytes("{\"messageId\":\"bad-" + bad + "\"")
                    : Encoding.UTF8.GetBytes("{\"messageId\":\"bad-" + bad + "\",\"conversationId\":\"c\",\"shopId\":\"s\",\"sender\":\"buyer\",\"senderId\":\"b\",\"text\":\"x\",\"sentAt\":\"yesterday\"}")));
            }
        }
        s.Kafka.Produce(s.Topic, records);
        await using var worker = await WorkerUnderTest.StartAsync(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString, s.ConfigFile);
        await s.AssertExactlyOnceAsync(Long);
        var dead = s.Kafka.ReadAll(s.Topic + ".dlq", bad, TimeSpan.FromSeconds(30));
        Assert.Equal(bad, dead.Count);
        Assert.All(dead, d => Assert.False(string.IsNullOrEmpty(Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes("dlq.reason")))));
        var badTimes = (bad + 1) / 2; // odd-numbered bad records carry an unparsable sentAt, even ones are truncated JSON
        Assert.Equal(badTimes, dead.Count(d => Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes("dlq.reason")).Contains("'sentAt'", StringComparison.Ordinal)));
        output.WriteLine($"{records.Count} records, {bad} malformed, all dead-lettered with reasons");
    }

    [Fact]
    public async Task WorkerRestartedFiveTimesMidStream_KilledOrStopped_ExactlyOnce()
    {
        await using var s = await FaultScenario.CreateAsync(seed: 405, conversations: 500);
        var chunk = s.Messages.Count / 6;
        for (var round = 0; round < 5; round++)
        {
            s.Produce(round * chunk, (round + 1) * chunk);
            await using var worker = WorkerProcess.Start(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString, s.ConfigFile);
            try
            {
                var due = s.ExpectedWithin((round + 1) * chunk);
                await s.WaitForAsync(due, due.Count / 2, Long);
            }
            catch (TimeoutException)
            {
                output.WriteLine($"round {round} worker output:\n{worker.Output}");
                throw;
            }
            if (round % 2 == 0) worker.Kill(); else await worker.StopAsync();
        }
        s.Produce(5 * chunk, s.Messages.Count);
        await using var last = WorkerProcess.Start(s.Kafka.BootstrapServers, s.Topic, s.Group, s.RedisServer.ConnectionString, s.ConfigFile);
        await s.AssertExactlyOnceAsync(Long);
    }
}
