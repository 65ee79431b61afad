namespace Alerting.Core.Pipeline;

/// <summary>The pipeline's side of checkpoints: the change log handed out, and a partition's conversations restored.</summary>
public sealed partial class PartitionPipeline
{
    /// <summary>Conversations changed and checkpoint fields removed since the last call (for incremental checkpoints).</summary>
    public (IReadOnlyCollection<ConversationState> Changed, IReadOnlyCollection<string> Removed) TakeChanges()
    {
        return _store.TakeChanges();
    }

    /// <summary>
    /// Restores checkpointed conversations (before any record is applied) and re-arms their pending
    /// deadlines. Each store's clock resumes from the latest activity of its restored conversations less
    /// the allowed disorder; deadlines that passed while nobody owned the partition fire as the clock
    /// moves on, with their original deadline as eventTime.
    /// </summary>
    public void Restore(IEnumerable<ConversationState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        Restore(states.Select(s => KeyValuePair.Create(new ConversationKey(s.ShopId, s.ConversationId).CheckpointField, s)));
    }

    /// <summary>
    /// <see cref="Restore(IEnumerable{ConversationState})"/> with the checkpoint field each state was read
    /// from: a field of an older layout (the conversation id alone) is removed and the state saved again
    /// under its (store, conversation) field with the next checkpoint.
    /// </summary>
    public void Restore(IEnumerable<KeyValuePair<string, ConversationState>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var disorder = _rules.Current.AllowedDisorder;
        foreach (var (field, state) in fields)
        {
            var key = new ConversationKey(state.ShopId, state.ConversationId);
            var clock = _clocks.Of(state.ShopId);
            if (_store.Put(key, state, field)) clock.Conversations++;
            if (state.LastActivityAt > clock.MaxSentAt) clock.MaxSentAt = state.LastActivityAt;
            if (state.LastActivityAt > MaxSentAt) MaxSentAt = state.LastActivityAt;
            _timers.ArmRestored(clock, state, _rules.Current.ForShop(state.ShopId));
        }
        foreach (var clock in _clocks.All)
        {
            clock.LastArrival = _wallClock.GetTimestamp();
            if (clock.MaxSentAt == DateTimeOffset.MinValue) continue;
            var watermark = clock.MaxSentAt - disorder;
            if (watermark > clock.Watermark)
            {
                clock.Watermark = watermark;
                _clocks.Track(clock);
            }
        }
    }
}
