using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Replay;

/// <summary>
/// One lane of a parallel replay: a <see cref="PartitionPipeline"/> holding the conversations whose
/// (store, conversation) hash falls in the lane. Every lane sees every admitted record's time, so every lane's
/// store clocks, shared clock and admission checks are those of a single pipeline over the whole input: a record
/// of another lane reaches it as a clock-only close of a conversation no record can name
/// (<see cref="ClockOnlyConversationId"/> holds a control character, which the parser refuses in ids), which
/// moves the clocks, fires this lane's due deadlines and changes no conversation.
/// </summary>
internal sealed class ReplayLane(int index, IRulesSource rules, TimeProvider wallClock)
{
    /// <summary>The conversation id of the clock-only records (never a real id: ids must not hold control characters).</summary>
    public const string ClockOnlyConversationId = "\u0000clock";

    public int Index { get; } = index;
    public PartitionPipeline Pipeline { get; } = new(rules, wallClock);

    /// <summary>What the lane raised at the end of input (<see cref="Finish"/>).</summary>
    public List<Alert> Alerts { get; } = [];
    public List<AgentActivity> Facts { get; } = [];

    /// <summary>
    /// Applies a chunk: the lane's own records in full, every other admitted record as a clock-only record;
    /// what each record raised goes to the lane's output of the slot.
    /// </summary>
    public void Run(ReplaySlot slot, bool trackWatermark)
    {
        var output = slot.Outputs[Index];
        output.Alerts.Clear();
        output.Facts.Clear();
        var lanes = slot.LaneOf;
        for (var i = 0; i < slot.Chunk.Count; i++)
        {
            output.Refusals[i] = null;
            var lane = lanes[i];
            if (lane >= 0)
            {
                if (lane == Index) output.Refusals[i] = Pipeline.Process(slot.Parsed[i].Message!, output.Alerts);
                else Pipeline.Process(slot.ClockOnly[i]!, output.Alerts);
                if (Pipeline.PendingActivity > 0) Pipeline.DrainActivity(output.Facts);
                if (trackWatermark) output.Watermarks[i] = Pipeline.Watermark;
            }
            output.AlertEnds[i] = output.Alerts.Count;
            output.FactEnds[i] = output.Facts.Count;
        }
    }

    /// <summary>End of input: every clock to <paramref name="to"/>, firing what is due.</summary>
    public void Finish(DateTimeOffset to)
    {
        Alerts.Clear();
        Facts.Clear();
        Pipeline.AdvanceWatermark(to, Alerts);
        if (Pipeline.PendingActivity > 0) Pipeline.DrainActivity(Facts);
    }

    /// <summary>A record's lane: a stable hash (FNV-1a) of store and conversation, the same on every run and machine.</summary>
    public static int LaneOf(ChatMessage message, int lanes)
    {
        if (lanes == 1) return 0;
        var hash = 2166136261u;
        foreach (var c in message.ShopId) hash = (hash ^ c) * 16777619u;
        hash = (hash ^ 0x1f) * 16777619u;
        foreach (var c in message.ConversationId) hash = (hash ^ c) * 16777619u;
        return (int)(hash % (uint)lanes);
    }

    /// <summary>The clock-only stand-in of a record for the other lanes: same store and sentAt, a close of no conversation.</summary>
    public static ChatMessage ClockOnly(ChatMessage message) => new()
    {
        MessageId = message.MessageId,
        ConversationId = ClockOnlyConversationId,
        ShopId = message.ShopId,
        Sender = SenderKind.System,
        SenderId = "",
        SentAt = message.SentAt,
        Event = ChatEventKind.Close,
    };
}
