using Alerting.Core.Rules.AgentResponseRate;
using Alerting.IntegrationTests.Redis;
using Alerting.Redis.CrossConversation;

namespace Alerting.IntegrationTests.CrossConversation;

/// <summary>Partition progress in a real redis-server: forward only, "caught up" marker, lowest over all partitions.</summary>
public sealed class PartitionProgressStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Publish_WatermarksOnlyMoveForward_AndTheCaughtUpMarkerReplacesAndIsReplaced()
    {
        await using var host = await RedisTestHost.StartAsync();
        var store = new PartitionProgressStore(host.Connection, host.Options, "g-1");
        Assert.Equal("alerts:progress:{g-1:chat}", store.Key("chat").ToString());

        await store.PublishAsync([new("chat", 0, T0.AddMinutes(5)), new("chat", 1, T0), new("chat", 2, null)], CancellationToken.None);
        // A new owner restarting from a checkpoint reports an older watermark: ignored.
        await store.PublishAsync([new("chat", 0, T0.AddMinutes(1)), new("chat", 1, T0.AddMinutes(2))], CancellationToken.None);
        var marks = await store.ReadAsync("chat", CancellationToken.None);
        Assert.Equal(T0.AddMinutes(5), marks[0]);
        Assert.Equal(T0.AddMinutes(2), marks[1]);
        Assert.Null(marks[2]);

        // Caught up with nothing open replaces a watermark; a watermark replaces the marker again.
        await store.PublishAsync([new("chat", 0, null), new("chat", 2, T0.AddMinutes(3))], CancellationToken.None);
        marks = await store.ReadAsync("chat", CancellationToken.None);
        Assert.Null(marks[0]);
        Assert.Equal(T0.AddMinutes(3), marks[2]);
        Assert.True(await host.Db.KeyTimeToLiveAsync(store.Key("chat")) > TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task Groups_AndTopics_HaveTheirOwnProgress()
    {
        await using var host = await RedisTestHost.StartAsync();
        var a = new PartitionProgressStore(host.Connection, host.Options, "g-a");
        var b = new PartitionProgressStore(host.Connection, host.Options, "g-b");
        await a.PublishAsync([new("chat", 0, T0), new("other", 0, T0.AddHours(1))], CancellationToken.None);

        Assert.Equal(T0, (await a.ReadAsync("chat", CancellationToken.None))[0]);
        Assert.Equal(T0.AddHours(1), (await a.ReadAsync("other", CancellationToken.None))[0]);
        Assert.Empty(await b.ReadAsync("chat", CancellationToken.None));
    }

    [Fact]
    public void LowestOf_WaitsForEveryPartition_IgnoresCaughtUpOnes()
    {
        var marks = new Dictionary<int, DateTimeOffset?> { [0] = T0.AddMinutes(4), [1] = null, [3] = T0.AddMinutes(2) };

        Assert.Null(PartitionProgressStore.LowestOf(marks, 4, out var missing));
        Assert.Equal(2, missing);

        marks[2] = T0.AddMinutes(9);
        Assert.Equal(T0.AddMinutes(2), PartitionProgressStore.LowestOf(marks, 4, out missing));
        Assert.Null(missing);
        // A partition beyond the topic's count (the topic shrank in config, not in Kafka) is not looked at.
        Assert.Equal(T0.AddMinutes(4), PartitionProgressStore.LowestOf(marks, 2, out _));
        // Every partition caught up: nothing to judge on.
        Assert.Null(PartitionProgressStore.LowestOf(new Dictionary<int, DateTimeOffset?> { [0] = null }, 1, out missing));
        Assert.Null(missing);
    }
}
