using Alerting.Redis;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Redis;

public sealed class StreamRetentionTests
{
    private const string Stream = "alerts:stream:{shop-a}";

    private static async Task<StreamEntry[]> WriteAndReadAsync(RedisTestHost host, int write, int read)
    {
        var sink = new RedisAlertSink(host.Connection, host.Options);
        await sink.WriteAsync(Enumerable.Range(0, write).Select(i => TestAlerts.Rude(alertId: $"a-{i}")).ToList(), CancellationToken.None);
        return await host.Db.StreamReadGroupAsync(Stream, "inspectors", "console-1", ">", read);
    }

    private static long Ms(RedisValue id) => long.Parse(((string)id!).Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task TrimAsync_EntriesYoungerThanRetention_KeepsThemAndReportsNoBlock()
    {
        await using var host = await RedisTestHost.StartAsync();
        var delivered = await WriteAndReadAsync(host, 3, 3);
        await host.Db.StreamAcknowledgeAsync(Stream, "inspectors", delivered.Select(e => e.Id).ToArray());

        var report = await new StreamRetention(host.Connection, host.Options).TrimAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        var stream = Assert.Single(report.Streams);
        Assert.Equal(Stream, stream.StreamKey);
        Assert.Equal(0, stream.Trimmed);
        Assert.Equal(RetentionBlock.None, stream.Block);
        Assert.Null(report.MostBlocked);
        Assert.Equal(3, await host.Db.StreamLengthAsync(Stream));
    }

    [Fact]
    public async Task TrimAsync_OldEntries_TrimsAcknowledgedButKeepsUnacknowledgedAndReportsItsAge()
    {
        await using var host = await RedisTestHost.StartAsync();
        var delivered = await WriteAndReadAsync(host, 5, 5);
        var unacked = delivered[1].Id;
        await host.Db.StreamAcknowledgeAsync(Stream, "inspectors", delivered.Where(e => e.Id != unacked).Select(e => e.Id).ToArray());
        var retention = new StreamRetention(host.Connection, host.Options);
        var now = DateTimeOffset.UtcNow.AddDays(8);

        var report = await retention.TrimAsync(now, CancellationToken.None);

        var s = Assert.Single(report.Streams);
        Assert.Equal(1, s.Trimmed);
        Assert.Equal(RetentionBlock.Pending, s.Block);
        Assert.Equal("inspectors", s.BlockingGroup);
        Assert.Equal((string)unacked!, s.BlockingEntryId);
        Assert.Equal(now - DateTimeOffset.FromUnixTimeMilliseconds(Ms(unacked)), s.BlockingAge);
        Assert.Same(s, report.MostBlocked);
        var left = await host.Db.StreamRangeAsync(Stream);
        Assert.Equal(delivered.Skip(1).Select(e => e.Id), left.Select(e => e.Id));

        await host.Db.StreamAcknowledgeAsync(Stream, "inspectors", unacked);
        var second = await retention.TrimAsync(now, CancellationToken.None);

        Assert.Equal(4, second.Trimmed);
        Assert.Null(second.MostBlocked);
        Assert.Equal(0, await host.Db.StreamLengthAsync(Stream));
    }

    [Fact]
    public async Task TrimAsync_GroupHasNotReadEverything_KeepsUndeliveredEntriesAndReportsTheFirst()
    {
        await using var host = await RedisTestHost.StartAsync();
        var delivered = await WriteAndReadAsync(host, 4, 2);
        await host.Db.StreamAcknowledgeAsync(Stream, "inspectors", delivered.Select(e => e.Id).ToArray());
        var all = await host.Db.StreamRangeAsync(Stream);
        var now = DateTimeOffset.UtcNow.AddDays(8);

        var report = await new StreamRetention(host.Connection, host.Options).TrimAsync(now, CancellationToken.None);

        var s = Assert.Single(report.Streams);
        Assert.Equal(2, s.Trimmed);
        Assert.Equal(RetentionBlock.Undelivered, s.Block);
        Assert.Equal((string)all[2].Id!, s.BlockingEntryId);
        Assert.Equal(now - DateTimeOffset.FromUnixTimeMilliseconds(Ms(all[2].Id)), s.BlockingAge);
        Assert.Equal(all.Skip(2).Select(e => e.Id), (await host.Db.StreamRangeAsync(Stream)).Select(e => e.Id));
    }

    [Fact]
    public async Task TrimAsync_SecondGroupThatReadNothing_BlocksTrimmingOfEveryStore()
    {
        await using var host = await RedisTestHost.StartAsync();
        var delivered = await WriteAndReadAsync(host, 3, 3);
        await host.Db.StreamAcknowledgeAsync(Stream, "inspectors", delivered.Select(e => e.Id).ToArray());
        await host.Db.StreamCreateConsumerGroupAsync(Stream, "auditors", "0-0");
        await new RedisAlertSink(host.Connection, host.Options).WriteAsync([TestAlerts.Rude(shopId: "shop-b")], CancellationToken.None);

        var report = await new StreamRetention(host.Connection, host.Options).TrimAsync(DateTimeOffset.UtcNow.AddDays(8), CancellationToken.None);

        Assert.Equal(["alerts:stream:{shop-a}", "alerts:stream:{shop-b}"], report.Streams.Select(s => s.StreamKey));
        Assert.All(report.Streams, s => Assert.Equal(0, s.Trimmed));
        var a = report.Streams[0];
        Assert.Equal(RetentionBlock.Undelivered, a.Block);
        Assert.Equal("auditors", a.BlockingGroup);
        Assert.Equal((string)delivered[0].Id!, a.BlockingEntryId);
        Assert.Equal(3, await host.Db.StreamLengthAsync(Stream));
    }

    [Fact]
    public async Task TrimAsync_EntriesPastTheHardMaximumAge_MoveToTheOverflowStreamAndMemoryIsFreed()
    {
        await using var host = await RedisTestHost.StartAsync();
        // Five alerts: two read and left unacknowledged, three never read (no console reads this store).
        var delivered = await WriteAndReadAsync(host, 5, 2);
        var ids = (await host.Db.StreamRangeAsync(Stream)).Select(e => e.Id).ToList();
        var retention = new StreamRetention(host.Connection, host.Options);

        // Past the retention age but not the hard maximum: everything is kept, blocked.
        var blocked = await retention.TrimAsync(DateTimeOffset.UtcNow.AddDays(10), CancellationToken.None);
        Assert.Equal(RetentionBlock.Pending, Assert.Single(blocked.Streams).Block);
        Assert.Equal(5, await host.Db.StreamLengthAsync(Stream));

        // Past the hard maximum: moved with their ids and fields, acknowledged, trimmed; a second run moves nothing twice.
        var now = DateTimeOffset.UtcNow.AddDays(15);
        await retention.TrimAsync(now, CancellationToken.None);
        await retention.TrimAsync(now, CancellationToken.None);
        Assert.Equal(0, await host.Db.StreamLengthAsync(Stream));
        var overflow = await host.Db.StreamRangeAsync("alerts:overflow:{shop-a}");
        Assert.Equal(ids, overflow.Select(e => e.Id));
        Assert.All(overflow, e => Assert.False(e["alert"].IsNullOrEmpty));
        var group = Assert.Single(await host.Db.StreamGroupInfoAsync(Stream));
        Assert.Equal(0, group.PendingMessageCount);
        Assert.Equal((string)ids[^1]!, (string)group.LastDeliveredId!);

        // New alerts still flow to the store stream and its group.
        await new RedisAlertSink(host.Connection, host.Options).WriteAsync([TestAlerts.Rude(alertId: "late-1")], CancellationToken.None);
        Assert.Single(await host.Db.StreamReadGroupAsync(Stream, "inspectors", "console-1", ">", 10));

        // The overflow stream itself is trimmed by age after Retention more.
        await retention.TrimAsync(DateTimeOffset.UtcNow.AddDays(22), CancellationToken.None);
        Assert.Equal(0, await host.Db.StreamLengthAsync("alerts:overflow:{shop-a}"));
        Assert.Equal(2, delivered.Length);
    }
}
