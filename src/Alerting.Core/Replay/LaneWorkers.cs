using System.Collections.Concurrent;

namespace Alerting.Core.Replay;

/// <summary>
/// One thread per lane, each applying the slots handed to it in order (one lane: applied at once on the caller's
/// thread). A lane that fails marks the slot (the merge rethrows) and goes on, so the merge never waits forever.
/// </summary>
internal sealed class LaneWorkers : IDisposable
{
    private readonly ReplayLane[] _lanes;
    private readonly bool _trackWatermark;
    private readonly BlockingCollection<ReplaySlot>[] _queues;
    private readonly Thread[] _threads;

    public LaneWorkers(ReplayLane[] lanes, bool trackWatermark)
    {
        _lanes = lanes;
        _trackWatermark = trackWatermark;
        var threaded = lanes.Length > 1;
        _queues = new BlockingCollection<ReplaySlot>[threaded ? lanes.Length : 0];
        _threads = new Thread[_queues.Length];
        for (var k = 0; k < _queues.Length; k++)
        {
            var queue = _queues[k] = new BlockingCollection<ReplaySlot>();
            var lane = lanes[k];
            _threads[k] = new Thread(() => Work(lane, queue)) { IsBackground = true, Name = $"replay lane {k}" };
            _threads[k].Start();
        }
    }

    /// <summary>Hands a filled slot to every lane.</summary>
    public void Start(ReplaySlot slot)
    {
        slot.Start(_lanes.Length);
        if (_queues.Length == 0)
        {
            Apply(_lanes[0], slot);
            return;
        }
        foreach (var queue in _queues) queue.Add(slot);
    }

    /// <summary>Lets every lane thread finish what it was handed and end.</summary>
    public void Stop()
    {
        foreach (var queue in _queues) queue.CompleteAdding();
        foreach (var thread in _threads) thread.Join();
    }

    public void Dispose()
    {
        foreach (var queue in _queues)
            if (!queue.IsAddingCompleted) queue.CompleteAdding();
        foreach (var thread in _threads) thread.Join();
        foreach (var queue in _queues) queue.Dispose();
    }

    private void Work(ReplayLane lane, BlockingCollection<ReplaySlot> queue)
    {
        foreach (var slot in queue.GetConsumingEnumerable()) Apply(lane, slot);
    }

    private void Apply(ReplayLane lane, ReplaySlot slot)
    {
        try
        {
            lane.Run(slot, _trackWatermark);
        }
        catch (Exception ex)
        {
            lock (slot) slot.Failure ??= ex;
        }
        finally
        {
            slot.LaneDone();
        }
    }
}
