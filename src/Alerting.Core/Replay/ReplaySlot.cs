using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Replay;

/// <summary>
/// One chunk in flight: its lines, their parse results and lanes, and what each lane made of it. The reading
/// thread fills and parses it, every lane applies it on its own thread, and once all have (<see cref="Done"/>) the
/// reading thread merges it and reuses the slot. Lanes never wait for each other, only for slots to fill.
/// </summary>
internal sealed class ReplaySlot
{
    private int _remaining;

    public ReplaySlot(int capacity, int lanes)
    {
        Chunk = new ReplayChunk(capacity);
        Parsed = new ParseResult[capacity];
        ClockOnly = new ChatMessage?[capacity];
        LaneOf = new int[capacity];
        Outputs = new LaneOutput[lanes];
        for (var k = 0; k < lanes; k++) Outputs[k] = new LaneOutput(capacity);
    }

    public ReplayChunk Chunk { get; }
    public ParseResult[] Parsed { get; }
    /// <summary>The clock-only stand-in of each record, for the lanes that do not hold its conversation (null with one lane).</summary>
    public ChatMessage?[] ClockOnly { get; }
    /// <summary>The lane of each record, or -1 for a line that did not parse.</summary>
    public int[] LaneOf { get; }
    public LaneOutput[] Outputs { get; }
    public ManualResetEventSlim Done { get; } = new(false);
    /// <summary>The first failure of a lane on this chunk (a pipeline bug), rethrown by the merge.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Hands the filled slot to <paramref name="lanes"/> lanes.</summary>
    public void Start(int lanes)
    {
        Failure = null;
        Done.Reset();
        Volatile.Write(ref _remaining, lanes);
    }

    /// <summary>One lane is done with the slot; the last one sets <see cref="Done"/>.</summary>
    public void LaneDone()
    {
        if (Interlocked.Decrement(ref _remaining) == 0) Done.Set();
    }

    /// <summary>Drops the chunk's records (so parsed messages are not kept alive while the slot waits).</summary>
    public void Clear()
    {
        Array.Clear(Parsed, 0, Chunk.Count);
        Array.Clear(ClockOnly, 0, Chunk.Count);
    }
}

/// <summary>What one lane made of one chunk, record after record.</summary>
internal sealed class LaneOutput(int capacity)
{
    public List<Alert> Alerts { get; } = [];
    public List<AgentActivity> Facts { get; } = [];
    /// <summary>End of record i's alerts in <see cref="Alerts"/> (they start at the previous record's end).</summary>
    public int[] AlertEnds { get; } = new int[capacity];
    public int[] FactEnds { get; } = new int[capacity];
    /// <summary>The pipeline's watermark after each record (the progress reported for agent-level evaluation).</summary>
    public DateTimeOffset[] Watermarks { get; } = new DateTimeOffset[capacity];
    /// <summary>Why the lane's own record i was refused (null: applied, or not the lane's).</summary>
    public string?[] Refusals { get; } = new string?[capacity];
}
