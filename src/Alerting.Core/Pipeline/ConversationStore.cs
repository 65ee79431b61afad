namespace Alerting.Core.Pipeline;

/// <summary>
/// One partition's open conversations, keyed by (store, conversation), with the change log of the incremental
/// checkpoints (conversations changed and checkpoint fields removed since the last <see cref="TakeChanges"/>, encoded
/// by <see cref="ConversationStateCodec"/>), the idle-eviction scan and the pool of store and agent ids. Not
/// thread-safe: the partition's one thread drives it.
/// </summary>
public sealed class ConversationStore
{
    private const int MaxPooledNames = 100_000;

    private readonly Dictionary<ConversationKey, ConversationState> _conversations = new();
    private readonly HashSet<ConversationState> _changed = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <param name="trackChanges">Keep the change log (live worker with checkpoints); replay leaves it off.</param>
    public ConversationStore(bool trackChanges) => TracksChanges = trackChanges;

    public bool TracksChanges { get; }

    public int Count => _conversations.Count;

    public IEnumerable<ConversationState> All => _conversations.Values;

    public bool TryGet(ConversationKey key, out ConversationState? state) => _conversations.TryGetValue(key, out state);

    /// <summary>A new conversation. <paramref name="wasRemoved"/>: it was closed since the last checkpoint (the log forgets that deletion now).</summary>
    public ConversationState Open(ConversationKey key, string shopId, out bool wasRemoved)
    {
        var state = new ConversationState { ConversationId = key.ConversationId, ShopId = shopId };
        _conversations.Add(key, state);
        wasRemoved = TracksChanges && _removed.Remove(key.CheckpointField);
        return state;
    }

    /// <summary>A restored conversation read from checkpoint field <paramref name="field"/>; a field of an older layout is moved. Returns false if it replaced one.</summary>
    public bool Put(ConversationKey key, ConversationState state, string field)
    {
        var added = !_conversations.ContainsKey(key);
        _conversations[key] = state;
        if (TracksChanges && field != key.CheckpointField)
        {
            _removed.Add(field);
            _changed.Add(state);
        }
        return added;
    }

    /// <summary>Forgets the conversation; the next checkpoint deletes it unless it was never saved (<paramref name="isNew"/>). Returns whether it was there.</summary>
    public bool Remove(ConversationState state, bool isNew)
    {
        state.Removed = true;
        var key = new ConversationKey(state.ShopId, state.ConversationId);
        var removed = _conversations.Remove(key);
        if (!TracksChanges) return removed;
        _changed.Remove(state);
        if (!isNew) _removed.Add(key.CheckpointField);
        return removed;
    }

    /// <summary>The conversation changed: it goes with the next checkpoint.</summary>
    public void MarkChanged(ConversationState state)
    {
        if (TracksChanges) _changed.Add(state);
    }

    /// <summary>The checkpoint field must be deleted with the next checkpoint (a conversation closed before a failed record reopened it).</summary>
    public void MarkFieldRemoved(string field)
    {
        if (TracksChanges) _removed.Add(field);
    }

    /// <summary>Conversations changed and checkpoint fields removed since the last call.</summary>
    public (IReadOnlyCollection<ConversationState> Changed, IReadOnlyCollection<string> Removed) TakeChanges()
    {
        var changed = _changed.ToArray();
        var removed = _removed.ToArray();
        _changed.Clear();
        _removed.Clear();
        return (changed, removed);
    }

    /// <summary><see cref="TakeChanges"/> in checkpoint form: each changed conversation under its field, encoded by <see cref="ConversationStateCodec"/>.</summary>
    public (List<KeyValuePair<string, byte[]>> Changed, IReadOnlyCollection<string> Removed) TakeEncodedChanges()
    {
        var (changed, removed) = TakeChanges();
        var encoded = new List<KeyValuePair<string, byte[]>>(changed.Count);
        foreach (var s in changed) encoded.Add(KeyValuePair.Create(new ConversationKey(s.ShopId, s.ConversationId).CheckpointField, ConversationStateCodec.Encode(s)));
        return (encoded, removed);
    }

    /// <summary>
    /// The conversations idle for longer than <paramref name="idleAfter"/> on their store's deadline clock, with no
    /// deadline pending (a buyer still waiting for an unfired deadline is kept); null when none.
    /// </summary>
    internal List<ConversationState>? FindIdle(StoreClocks clocks, TimeSpan idleAfter)
    {
        List<ConversationState>? idle = null;
        foreach (var state in _conversations.Values)
            if (state.LastActivityAt < clocks.ClockFor(clocks[state.ShopId]) - idleAfter && (!state.IsWaiting || state.UnansweredFired))
                (idle ??= []).Add(state);
        return idle;
    }

    /// <summary>
    /// One string per store and agent id per partition, so a million open conversations do not each keep their own
    /// copy (bounded: past 100,000 distinct ids new ones are kept as they are).
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public string? Intern(string? value)
    {
        if (value is null) return null;
        if (_names.TryGetValue(value, out var pooled)) return pooled;
        if (_names.Count < MaxPooledNames) _names[value] = value;
        return value;
    }
}
