using Alerting.Core.Pipeline;
using Alerting.Core.Pipeline.Batches;

namespace Alerting.Core.Tests.Pipeline;

public class ConversationStoreTests
{
    private static readonly ConversationKey Key = new("shop-亲", "c-1");

    [Fact]
    public void ChangedThenClosed_TheCheckpointDeletesItAndDoesNotSaveIt()
    {
        var store = new ConversationStore(trackChanges: true);
        var state = store.Open(Key, "shop-亲", out _);
        store.MarkChanged(state);
        store.TakeChanges();
        store.MarkChanged(state);
        Assert.True(store.Remove(state, isNew: false));

        var (changed, removed) = store.TakeEncodedChanges();
        Assert.Empty(changed);
        Assert.Equal([Key.CheckpointField], removed);
        Assert.True(state.Removed);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void ClosedThenReopened_BeforeTheCheckpoint_IsSavedNotDeleted()
    {
        var store = new ConversationStore(trackChanges: true);
        var first = store.Open(Key, "shop-亲", out var wasRemoved);
        Assert.False(wasRemoved);
        store.Remove(first, isNew: false);
        var again = store.Open(Key, "shop-亲", out wasRemoved);
        Assert.True(wasRemoved);
        store.MarkChanged(again);

        var (changed, removed) = store.TakeEncodedChanges();
        Assert.Empty(removed);
        var (field, bytes) = Assert.Single(changed);
        Assert.Equal(Key.CheckpointField, field);
        Assert.Equal("c-1", ConversationStateCodec.Decode(bytes).ConversationId);
        Assert.Empty(store.TakeChanges().Changed);
    }

    [Fact]
    public void RestoredFromAnOlderField_MovesToItsStoreAndConversationField()
    {
        var store = new ConversationStore(trackChanges: true);
        var state = new ConversationState { ShopId = "shop-亲", ConversationId = "c-1" };
        Assert.True(store.Put(Key, state, "c-1"));
        Assert.False(store.Put(Key, state, Key.CheckpointField));

        var (changed, removed) = store.TakeChanges();
        Assert.Same(state, Assert.Single(changed));
        Assert.Equal(["c-1"], removed);
    }

    [Fact]
    public void WithoutChangeTracking_NothingIsLogged()
    {
        var store = new ConversationStore(trackChanges: false);
        var state = store.Open(Key, "shop-亲", out var wasRemoved);
        store.MarkChanged(state);
        store.Remove(state, isNew: false);
        store.MarkFieldRemoved("x");
        Assert.False(wasRemoved);
        var (changed, removed) = store.TakeChanges();
        Assert.Empty(changed);
        Assert.Empty(removed);
    }

    [Fact]
    public void Intern_ReturnsOnePooledInstancePerId()
    {
        var store = new ConversationStore(trackChanges: false);
        var a = store.Intern(new string("agent-０７".ToCharArray()));
        var b = store.Intern(new string("agent-０７".ToCharArray()));
        Assert.Same(a, b);
        Assert.Null(store.Intern(null));
    }
}

public class CheckpointWriteStageTests
{
    [Fact]
    public async Task SaveRefusedByANewerOwner_MarksTheCheckpointFenced_AndAReleasedPartitionIsNotSaved()
    {
        var store = new RecordingStateStore { FenceTopic = "fenced" };
        using var released = new CancellationTokenSource();
        released.Cancel();
        var batch = new SealedBatch();
        var fenced = new PartitionCheckpointWrite("fenced", 0, 3, 10, [], [], CancellationToken.None);
        var saved = new PartitionCheckpointWrite("t", 1, 3, 20, [KeyValuePair.Create("f", new byte[] { 1 })], ["gone"], CancellationToken.None);
        var handedOver = new PartitionCheckpointWrite("t", 2, 3, 30, [], [], released.Token);
        batch.Checkpoints.AddRange([fenced, saved, handedOver]);
        string? abandoned = null;

        await new CheckpointWriteStage(store, m => abandoned = m).WriteAsync(batch, CancellationToken.None);

        Assert.True(fenced.Fenced);
        Assert.False(saved.Fenced);
        Assert.NotNull(abandoned);
        Assert.Equal([("t", 1, 3L, 20L)], store.Saves);
    }

    [Fact]
    public void BuiltInStages_RunInTheDocumentedOrder()
    {
        IBatchWriteStage[] stages = [new CheckpointWriteStage(new RecordingStateStore()), new AlertWriteStage(new NullSink())];
        Assert.Equal(["alerts", "checkpoints"], stages.OrderBy(s => s.Order).Select(s => s.Name));
        Assert.True(BatchStageOrder.DeadLetters < BatchStageOrder.Alerts && BatchStageOrder.Alerts < BatchStageOrder.CrossConversationFacts
            && BatchStageOrder.CrossConversationFacts < BatchStageOrder.Checkpoints);
    }

    private sealed class NullSink : Alerting.Core.Alerts.IAlertSink
    {
        public Task WriteAsync(IReadOnlyList<Alerting.Core.Alerts.Alert> alerts, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class RecordingStateStore : IPartitionStateStore
    {
        public string? FenceTopic { get; init; }
        public List<(string Topic, int Partition, long Epoch, long NextOffset)> Saves { get; } = [];

        public Task<long> ClaimAsync(string topic, int partition, CancellationToken ct) => Task.FromResult(1L);

        public Task SaveAsync(string topic, int partition, long epoch, long nextOffset, IReadOnlyCollection<KeyValuePair<string, byte[]>> changed, IReadOnlyCollection<string> removed, CancellationToken ct)
        {
            if (topic == FenceTopic) throw new CheckpointFencedException("claimed by epoch 4");
            lock (Saves) Saves.Add((topic, partition, epoch, nextOffset));
            return Task.CompletedTask;
        }

        public Task<PartitionStateCheckpoint?> LoadAsync(string topic, int partition, CancellationToken ct) => Task.FromResult<PartitionStateCheckpoint?>(null);
    }
}
