using Alerting.Redis;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Redis;

public sealed class PartitionCheckpointStoreTests
{
    private static KeyValuePair<string, byte[]> Entry(string conversation, params byte[] state) => new(conversation, state);

    [Fact]
    public async Task LoadAsync_NothingSaved_ReturnsNull()
    {
        await using var host = await RedisTestHost.StartAsync();
        var store = new PartitionCheckpointStore(host.Connection, host.Options);

        Assert.Null(await store.LoadAsync("alerting", "chat.messages", 0, CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_StaleOwnerAfterHandover_IsRefusedAndChangesNothing()
    {
        await using var host = await RedisTestHost.StartAsync();
        var store = new PartitionCheckpointStore(host.Connection, host.Options);
        var oldOwner = await store.ClaimAsync("g", "t", 7, CancellationToken.None);
        await store.SaveAsync("g", "t", 7, oldOwner, 10, [Entry("c-1", 1)], [], CancellationToken.None);

        var newOwner = await store.ClaimAsync("g", "t", 7, CancellationToken.None);
        Assert.True(newOwner > oldOwner);
        await store.SaveAsync("g", "t", 7, newOwner, 15, [Entry("c-1", 2)], [], CancellationToken.None);
        // The old owner's save, sent before it heard of the handover, lands late: offset back, state overwritten — refused.
        await Assert.ThrowsAsync<Alerting.Core.Pipeline.CheckpointFencedException>(() =>
            store.SaveAsync("g", "t", 7, oldOwner, 12, [Entry("c-1", 9), Entry("c-2", 9)], ["c-1"], CancellationToken.None));

        var loaded = await store.LoadAsync("g", "t", 7, CancellationToken.None);
        Assert.NotNull(loaded);
        Assert.Equal(15, loaded.NextOffset);
        Assert.Equal(new byte[] { 2 }, loaded.Entries["c-1"]);
        Assert.False(loaded.Entries.ContainsKey("c-2"));
    }

    [Fact]
    public async Task LoadAsync_ClaimedButNeverSaved_ReturnsNull()
    {
        await using var host = await RedisTestHost.StartAsync();
        var store = new PartitionCheckpointStore(host.Connection, host.Options);
        await store.ClaimAsync("g", "t", 1, CancellationToken.None);
        Assert.Null(await store.LoadAsync("g", "t", 1, CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_IncrementalChangesAndRemovals_LoadReturnsMergedStateAndLastOffset()
    {
        await using var host = await RedisTestHost.StartAsync();
        var store = new PartitionCheckpointStore(host.Connection, host.Options);
        await store.SaveAsync("alerting", "chat.messages", 3, 10,
            [Entry("c-1", 1), Entry("c-2", 2, 0, 255), Entry("c-3", 3), Entry("_offset", 9)], [], CancellationToken.None);

        await store.SaveAsync("alerting", "chat.messages", 3, 20,
            [Entry("c-2", 22), Entry("c-4", 4)], ["c-1", "c-missing"], CancellationToken.None);
        var loaded = await store.LoadAsync("alerting", "chat.messages", 3, CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(20, loaded.NextOffset);
        Assert.Equal(["_offset", "c-2", "c-3", "c-4"], loaded.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new byte[] { 22 }, loaded.Entries["c-2"]);
        Assert.Equal(new byte[] { 9 }, loaded.Entries["_offset"]);
        Assert.Null(await store.LoadAsync("alerting", "chat.messages", 4, CancellationToken.None));
        var raw = await host.Db.HashGetAllAsync("alerts:state:{alerting:chat.messages:3}");
        Assert.Equal("20", raw.Single(e => e.Name == "_offset").Value);
        Assert.Equal("1", raw.Single(e => e.Name == "_format").Value);
    }

    [Fact]
    public async Task SaveAsync_MoreEntriesThanChunkSize_AppliesEverythingAndLeavesNoStaging()
    {
        await using var host = await RedisTestHost.StartAsync(o => o.CheckpointChunkSize = 7);
        var store = new PartitionCheckpointStore(host.Connection, host.Options);
        await store.SaveAsync("g", "t", 0, 5, Enumerable.Range(0, 30).Select(i => Entry($"c-{i}", (byte)i)).ToList(), [], CancellationToken.None);

        // 40 changes + 12 removals (c-10, c-11 in both: removal wins): 7 staged chunks, then a last
        // chunk of removals that travels with the offset.
        await store.SaveAsync("g", "t", 0, 99,
            Enumerable.Range(10, 40).Select(i => Entry($"c-{i}", (byte)(i + 100))).ToList(),
            Enumerable.Range(0, 12).Select(i => $"c-{i}").ToList(), CancellationToken.None);
        var loaded = await store.LoadAsync("g", "t", 0, CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(99, loaded.NextOffset);
        Assert.Equal(Enumerable.Range(12, 38).Select(i => $"c-{i}").Order(StringComparer.Ordinal), loaded.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { (byte)112 }, loaded.Entries["c-12"]);
        Assert.Equal(new[] { (byte)149 }, loaded.Entries["c-49"]);
        var stagingKeys = host.Connection.GetServers()[0].Keys(pattern: "*staging*").ToList();
        Assert.Empty(stagingKeys);
    }

    [Fact]
    public async Task SaveAsync_ChunkedSaveWhereRemovalsAreStaged_RemovalWinsOverEarlierChange()
    {
        await using var host = await RedisTestHost.StartAsync(o => o.CheckpointChunkSize = 2);
        var store = new PartitionCheckpointStore(host.Connection, host.Options);

        await store.SaveAsync("g", "t", 1, 7, [Entry("x", 1), Entry("y", 2)], ["x", "z", "w", "v"], CancellationToken.None);
        var loaded = await store.LoadAsync("g", "t", 1, CancellationToken.None);

        Assert.Equal(["y"], loaded!.Entries.Keys);
        Assert.Equal(7, loaded.NextOffset);
    }

    [Fact]
    public async Task LoadAsync_MoreFieldsThanHgetallLimit_ScansAll()
    {
        await using var host = await RedisTestHost.StartAsync(o => o.CheckpointChunkSize = 2000);
        var store = new PartitionCheckpointStore(host.Connection, host.Options);
        var entries = Enumerable.Range(0, 6000).Select(i => Entry($"conv-{i}", BitConverter.GetBytes(i))).ToList();

        await store.SaveAsync("g", "t", 2, 6000, entries, [], CancellationToken.None);
        var loaded = await store.LoadAsync("g", "t", 2, CancellationToken.None);

        Assert.Equal(6000, loaded!.Entries.Count);
        Assert.Equal(BitConverter.GetBytes(4321), loaded.Entries["conv-4321"]);
    }

    [Fact]
    public async Task LoadAsync_UnknownFormatVersion_ThrowsNamingTheKey()
    {
        await using var host = await RedisTestHost.StartAsync();
        var store = new PartitionCheckpointStore(host.Connection, host.Options);
        await store.SaveAsync("g", "t", 0, 1, [Entry("c", 1)], [], CancellationToken.None);
        await host.Db.HashSetAsync("alerts:state:{g:t:0}", "_format", "99");

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => store.LoadAsync("g", "t", 0, CancellationToken.None));
        Assert.Contains("alerts:state:{g:t:0}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveAsync_GroupAndTopicWithOddCharacters_AreEncodedInTheHashTag()
    {
        await using var host = await RedisTestHost.StartAsync();
        var store = new PartitionCheckpointStore(host.Connection, host.Options);

        await store.SaveAsync("grp}1", "chat:msgs", 5, 1, [Entry("c", 1)], [], CancellationToken.None);

        Assert.True(await host.Db.KeyExistsAsync("alerts:state:{grp%7D1:chat%3Amsgs:5}"));
        Assert.Equal(1, (await store.LoadAsync("grp}1", "chat:msgs", 5, CancellationToken.None))!.NextOffset);
    }
}
