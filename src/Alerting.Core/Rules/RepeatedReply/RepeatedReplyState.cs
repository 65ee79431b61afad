namespace Alerting.Core.Rules.RepeatedReply;

/// <summary>
/// What <c>repeated_reply</c> remembers of one conversation, bounded whatever the conversation's
/// length: at most <see cref="MaxTracked"/> recent distinct agent replies (a 64-bit hash of the folded
/// text, never the text, with the ids and times of their latest occurrences, at most
/// <see cref="MaxOccurrences"/>), and the current run of one reply answering different buyer questions.
/// Null on a conversation until a buyer question or a counted agent reply is seen. Checkpointed with the conversation
/// (<see cref="Pipeline.ConversationStateCodec"/> version 3). Mutated only by the partition's pipeline thread.
/// </summary>
public sealed class RepeatedReplyState
{
    /// <summary>Distinct replies remembered for the repeat count (oldest dropped first).</summary>
    public const int MaxTracked = 4;

    /// <summary>Occurrences remembered per reply and per run (the options cap the thresholds at this).</summary>
    public const int MaxOccurrences = 10;

    /// <summary>Recent distinct replies, least recently sent first.</summary>
    public List<TrackedReply> Replies { get; } = [];

    /// <summary>Hash of the latest counted agent reply; 0 when none or when a short reply broke the run.</summary>
    public ulong LastReplyHash { get; set; }

    /// <summary>Hash of the buyer question the latest reply answered; 0 when it answered none.</summary>
    public ulong LastAnsweredQuestion { get; set; }

    /// <summary>Hash of the buyer's latest question not yet followed by an agent reply; 0 when none.</summary>
    public ulong PendingQuestion { get; set; }

    /// <summary>The replies of the current run (same reply, each answering a different question), oldest first.</summary>
    public List<Occurrence> Run { get; } = [];

    /// <summary>Whether the current run already raised its alert.</summary>
    public bool RunFired { get; set; }

    /// <summary>A deep copy, so a record whose rules fail can be undone (see <c>ConversationState.Save</c>).</summary>
    internal RepeatedReplyState Copy()
    {
        var copy = new RepeatedReplyState
        {
            LastReplyHash = LastReplyHash, LastAnsweredQuestion = LastAnsweredQuestion, PendingQuestion = PendingQuestion, RunFired = RunFired,
        };
        foreach (var r in Replies)
        {
            var t = new TrackedReply { Hash = r.Hash, Fired = r.Fired };
            t.Occurrences.AddRange(r.Occurrences);
            copy.Replies.Add(t);
        }
        copy.Run.AddRange(Run);
        return copy;
    }

    /// <summary>
    /// Copies <paramref name="from"/> into <paramref name="into"/> reusing its lists and tracked replies (the pipeline's
    /// undo keeps one copy, so a clean record allocates nothing): replies <paramref name="into"/> no longer needs go to
    /// <paramref name="spare"/>, and replies it needs come from there first.
    /// </summary>
    internal static void CopyInto(RepeatedReplyState from, RepeatedReplyState into, Stack<TrackedReply>? spare)
    {
        into.LastReplyHash = from.LastReplyHash;
        into.LastAnsweredQuestion = from.LastAnsweredQuestion;
        into.PendingQuestion = from.PendingQuestion;
        into.RunFired = from.RunFired;
        into.Run.Clear();
        into.Run.AddRange(from.Run);
        while (into.Replies.Count > from.Replies.Count)
        {
            spare?.Push(into.Replies[^1]);
            into.Replies.RemoveAt(into.Replies.Count - 1);
        }
        for (var i = 0; i < from.Replies.Count; i++)
        {
            if (i == into.Replies.Count) into.Replies.Add(spare is { Count: > 0 } ? spare.Pop() : new TrackedReply());
            var source = from.Replies[i];
            var target = into.Replies[i];
            target.Hash = source.Hash;
            target.Fired = source.Fired;
            target.Occurrences.Clear();
            target.Occurrences.AddRange(source.Occurrences);
        }
    }
}

/// <summary>One distinct reply of a conversation: its folded-text hash and its latest occurrences.</summary>
public sealed class TrackedReply
{
    /// <summary>FNV-1a 64 of the folded text (stable across processes, so it survives a restart).</summary>
    public ulong Hash { get; set; }

    /// <summary>Occurrences within the window, oldest first (at most <see cref="RepeatedReplyState.MaxOccurrences"/>).</summary>
    public List<Occurrence> Occurrences { get; } = [];

    /// <summary>Whether the repeats starting at the first occurrence already raised their alert.</summary>
    public bool Fired { get; set; }
}

/// <summary>One sending of a reply: its message id and sentAt.</summary>
public readonly record struct Occurrence(string MessageId, DateTimeOffset At);
