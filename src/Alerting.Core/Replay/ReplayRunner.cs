using System.Runtime.ExceptionServices;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline.CrossConversation;
using Alerting.Core.Rules.AgentResponseRate;

namespace Alerting.Core.Replay;

/// <summary>Counts printed at the end of a replay.</summary>
public sealed record ReplaySummary(long Lines, long Messages, long BadLines, long Alerts, IReadOnlyDictionary<string, int> AlertsByRule, DateTimeOffset FinalClock, long LateRecords);

/// <summary>
/// Offline replay (CONTRACTS.md §3): the live pipeline over a JSONL file, on pure event time. The clock
/// is the largest sentAt seen less the allowed disorder; at the end of input it advances to
/// <c>until</c> (or the largest sentAt) and fires what is due by then. Same input and config give
/// the same alerts in the same order, whatever the number of lanes.
/// </summary>
/// <remarks>
/// Input is read in chunks of lines; the reading thread parses each chunk while <c>lanes</c> pipelines apply the
/// earlier ones on their own threads (<see cref="LaneWorkers"/>, up to four chunks in flight), each lane holding the
/// conversations of its (store, conversation) hash and seeing every other record's time (see <see cref="ReplayLane"/>),
/// so each lane's clocks are those of one pipeline over the whole input.
/// The lanes' output is then merged record by record, in input order: the alerts one record's step produced
/// (its rules, and the timers its time made due in any lane) sorted by (eventTime, rule, conversation, alertId,
/// revision, status), then the cross-conversation steps of <see cref="CrossConversationStage"/> — the same
/// orchestration the live worker runs, over <see cref="InMemoryCrossConversation"/>.
/// </remarks>
public static class ReplayRunner
{
    /// <summary>Lines per chunk (parsed, then applied, then merged together).</summary>
    private const int ChunkLines = 4096;

    /// <summary>Chunks in flight: the lanes apply up to this many ahead of the merge, so none waits for a slower one.</summary>
    private const int SlotsInFlight = 4;

    /// <summary>The replay's partition name in the progress it reports to the cross-conversation stage.</summary>
    private const string ProgressTopic = "replay";

    /// <summary>Replays text lines (each encoded to UTF-8 for the parser).</summary>
    /// <param name="lanes">Parallel lanes; 0 = one per processor. The output does not depend on it.</param>
    public static ReplaySummary Run(TextReader input, RulesSnapshot rules, Action<Alert> onAlert, Action<long, string> onBadLine, DateTimeOffset? until = null, TimeProvider? wallClock = null, int lanes = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Run(ReplayLineReader.For(input), rules, onAlert, onBadLine, until, wallClock, lanes);
    }

    /// <summary>Replays a UTF-8 JSONL stream, its bytes handed to the parser as read (no string per line).</summary>
    /// <param name="lanes">Parallel lanes; 0 = one per processor. The output does not depend on it.</param>
    public static ReplaySummary Run(Stream input, RulesSnapshot rules, Action<Alert> onAlert, Action<long, string> onBadLine, DateTimeOffset? until = null, TimeProvider? wallClock = null, int lanes = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Run(ReplayLineReader.For(input), rules, onAlert, onBadLine, until, wallClock, lanes);
    }

    private static ReplaySummary Run(ReplayLineReader reader, RulesSnapshot rules, Action<Alert> onAlert, Action<long, string> onBadLine, DateTimeOffset? until, TimeProvider? wallClock, int lanes)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(onAlert);
        ArgumentNullException.ThrowIfNull(onBadLine);
        ArgumentOutOfRangeException.ThrowIfNegative(lanes);
        if (lanes == 0) lanes = Environment.ProcessorCount;
        var clock = wallClock ?? TimeProvider.System;
        var source = new FixedRulesSource(rules);
        var run = new RunState(new ReplayLane[lanes], new CrossConversationStage(new InMemoryCrossConversation(source, clock), source), onAlert);
        for (var k = 0; k < lanes; k++) run.Lanes[k] = new ReplayLane(k, source, clock);
        // The agent-level rule is judged on the pipelines' watermark; without it on anywhere, nothing reads it.
        var trackWatermark = rules.Defaults.AgentResponseRate.Enabled || rules.ConfiguredStores.Any(s => rules.ForShop(s).AgentResponseRate.Enabled);

        long messages = 0, bad = 0;
        var slots = new ReplaySlot[lanes == 1 ? 1 : SlotsInFlight];
        for (var j = 0; j < slots.Length; j++) slots[j] = new ReplaySlot(ChunkLines, lanes);
        using var workers = new LaneWorkers(run.Lanes, trackWatermark);

        void Merge(ReplaySlot slot)
        {
            slot.Done.Wait();
            if (slot.Failure is { } failure) ExceptionDispatchInfo.Capture(failure).Throw();
            var chunk = slot.Chunk;
            var starts = new int[lanes];
            var factStarts = new int[lanes];
            for (var i = 0; i < chunk.Count; i++)
            {
                if (slot.LaneOf[i] < 0)
                {
                    bad++;
                    onBadLine(chunk.LineNumbers[i], slot.Parsed[i].Error!);
                    continue;
                }
                var lowest = DateTimeOffset.MaxValue;
                for (var k = 0; k < lanes; k++)
                {
                    var output = slot.Outputs[k];
                    for (var x = starts[k]; x < output.AlertEnds[i]; x++) run.Step.Add(output.Alerts[x]);
                    for (var f = factStarts[k]; f < output.FactEnds[i]; f++) run.Facts.Add(output.Facts[f]);
                    starts[k] = output.AlertEnds[i];
                    factStarts[k] = output.FactEnds[i];
                    if (trackWatermark && output.Watermarks[i] < lowest) lowest = output.Watermarks[i];
                }
                if (slot.Outputs[slot.LaneOf[i]].Refusals[i] is { } refused)
                {
                    // Out of range or failed while applied: reported like a line that does not parse (the live worker dead-letters it).
                    bad++;
                    onBadLine(chunk.LineNumbers[i], refused);
                }
                else messages++;
                run.Emit(trackWatermark ? lowest : null, force: false);
            }
            slot.Clear();
        }

        // Chunk c goes to slot c mod n; before a slot is filled again, its previous chunk is merged (chunks merge in order).
        long filled = 0;
        while (true)
        {
            var slot = slots[filled % slots.Length];
            if (filled >= slots.Length) Merge(slot);
            if (!reader.Fill(slot.Chunk)) break;
            var count = slot.Chunk.Count;
            for (var i = 0; i < count; i++)
            {
                var result = slot.Chunk.Parse(i);
                slot.Parsed[i] = result;
                if (result.Message is { } m)
                {
                    slot.LaneOf[i] = ReplayLane.LaneOf(m, lanes);
                    slot.ClockOnly[i] = lanes == 1 ? null : ReplayLane.ClockOnly(m);
                }
                else slot.LaneOf[i] = -1;
            }
            workers.Start(slot);
            filled++;
        }
        // The slot that found no more input was merged already (or never used); merge the others in order.
        for (var c = Math.Max(0, filled - slots.Length + 1); c < filled; c++) Merge(slots[c % slots.Length]);
        workers.Stop();

        var finalClock = until ?? run.Lanes[0].Pipeline.MaxSentAt;
        if (messages > 0 || until is not null)
        {
            Parallel(lanes, lanes, (from, to) =>
            {
                for (var k = from; k < to; k++) run.Lanes[k].Finish(finalClock);
            });
            foreach (var lane in run.Lanes)
            {
                run.Step.AddRange(lane.Alerts);
                run.Facts.AddRange(lane.Facts);
            }
        }
        run.Emit(finalClock, force: true);
        return new ReplaySummary(reader.Lines, messages, bad, run.Total, run.ByRule, finalClock, run.Lanes[0].Pipeline.LateRecords);
    }

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="count"/>) in up to <paramref name="ways"/> contiguous slices, in parallel.</summary>
    private static void Parallel(int ways, int count, Action<int, int> body)
    {
        if (ways == 1 || count <= 1)
        {
            body(0, count);
            return;
        }
        var slices = Math.Min(ways, count);
        try
        {
            System.Threading.Tasks.Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices },
                s => body((int)((long)count * s / slices), (int)((long)count * (s + 1) / slices)));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>The merge side of a run: one record's step through the cross-conversation stage, then out.</summary>
    private sealed class RunState(ReplayLane[] lanes, CrossConversationStage stage, Action<Alert> onAlert)
    {
        private readonly List<PartitionProgress> _progress = new(1);
        private readonly List<Alert> _judged = [];

        public ReplayLane[] Lanes { get; } = lanes;
        public List<Alert> Step { get; } = [];
        public List<AgentActivity> Facts { get; } = [];
        public SortedDictionary<string, int> ByRule { get; } = new(StringComparer.Ordinal);
        public long Total { get; private set; }

        /// <summary>One step: the alerts in canonical order with the batches they raise, the facts and progress, the agent windows now complete.</summary>
        public void Emit(DateTimeOffset? progress, bool force)
        {
            if (Step.Count > 1) Step.Sort(CanonicalOrder);
            var all = Step.Count == 0 ? Step : Complete(stage.WithBatchesAsync(Step, CancellationToken.None));
            _progress.Clear();
            if (progress is { } p) _progress.Add(new PartitionProgress(ProgressTopic, 0, p));
            stage.RecordAsync(Facts, _progress, CancellationToken.None).GetAwaiter().GetResult();
            Facts.Clear();
            foreach (var alert in all) Write(alert);
            if (progress is not null)
            {
                stage.EvaluateAsync(force, (alerts, _) => { _judged.AddRange(alerts); return Task.CompletedTask; }, CancellationToken.None).GetAwaiter().GetResult();
                foreach (var alert in _judged) Write(alert);
                _judged.Clear();
            }
            Step.Clear();
        }

        private void Write(Alert alert)
        {
            onAlert(alert);
            Total++;
            ByRule[alert.Rule] = ByRule.GetValueOrDefault(alert.Rule) + 1;
        }

        private static IReadOnlyList<Alert> Complete(ValueTask<IReadOnlyList<Alert>> pending)
            => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The order of one step's alerts: independent of which lane produced which.</summary>
    private static int CanonicalOrder(Alert x, Alert y)
    {
        var c = x.EventTime.UtcTicks.CompareTo(y.EventTime.UtcTicks);
        if (c == 0) c = string.CompareOrdinal(x.Rule, y.Rule);
        if (c == 0) c = string.CompareOrdinal(x.ConversationId, y.ConversationId);
        if (c == 0) c = string.CompareOrdinal(x.AlertId, y.AlertId);
        if (c == 0) c = x.Revision.CompareTo(y.Revision);
        if (c == 0) c = x.Status.CompareTo(y.Status);
        return c;
    }
}
