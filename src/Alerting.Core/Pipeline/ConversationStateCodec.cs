using System.Text;

namespace Alerting.Core.Pipeline;

/// <summary>
/// Binary form of a <see cref="ConversationState"/> for partition checkpoints. Versioned: a reader
/// refuses a version it does not know (so a rollback never misreads a newer checkpoint silently —
/// see the delivery doc next to the Kafka adapter for what happens then).
/// </summary>
/// <remarks>
/// Version 2 = version 1 followed by the buyer signals (<c>buyer_complaint_risk</c>, <c>forbidden_review_invitation</c>). A conversation
/// without them is still written as version 1, so a rollback reads every conversation no buyer
/// signal touched; both versions are read.
/// Version 3 = version 1 followed by a byte of which parts follow (1 = buyer signals, 2 = repeated
/// replies of <c>repeated_reply</c>), then those parts in that order. It is written only when a
/// conversation has repeated-reply state, so the others stay readable by a release that knows 1 and 2.
/// Version 4 = version 3 whose parts byte may also hold 4 = the open <c>response_warning</c> (the warned
/// message id, after the other parts). It is written only while a warning is open, so every other
/// conversation stays readable by a release that knows 1 to 3, and one that does not know 4 refuses it
/// instead of dropping the warning silently.
/// </remarks>
public static class ConversationStateCodec
{
    public const byte Version = 4;

    private const byte VersionWithRepeats = 3;

    private const byte VersionWithoutSignals = 1;
    private const byte VersionWithSignals = 2;

    public static byte[] Encode(ConversationState s)
    {
        using var buffer = new MemoryStream(128);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(s.WarnedMessageId is not null ? Version
                : s.RepeatedReplies is not null ? VersionWithRepeats
                : s.BuyerSignals is null ? VersionWithoutSignals : VersionWithSignals);
            w.Write(s.ConversationId);
            w.Write(s.ShopId);
            WriteOptional(w, s.OwnerAgentId);
            WriteOptional(w, s.FirstWaitingMessageId);
            WriteOptional(w, s.AskedPromotion?.PromotionId);
            WriteTime(w, s.WaitingSince);
            WriteTime(w, s.LastHumanReplyAt);
            WriteTime(w, s.LastActivityAt);
            WriteTime(w, s.Deadline);
            WriteTime(w, s.AskedPromotion?.At ?? default);
            w.Write(s.WaitingCount);
            w.Write((byte)((s.UnansweredFired ? 1 : 0) | (s.HasHumanReply ? 2 : 0)));
            if (s.RepeatedReplies is not null || s.WarnedMessageId is not null)
                w.Write((byte)((s.BuyerSignals is null ? 0 : 1) | (s.RepeatedReplies is null ? 0 : 2) | (s.WarnedMessageId is null ? 0 : 4)));
            if (s.BuyerSignals is { } b)
            {
                WriteOptional(w, b.RiskMessageId);
                WriteTime(w, b.RiskSince);
                w.Write((byte)b.RiskLevel);
                w.Write(b.RiskRevision);
                WriteTime(w, b.EscalateAt);
                w.Write(b.LastBuyerNegative);
                w.Write((byte)b.Review);
            }
            if (s.RepeatedReplies is { } repeats) WriteRepeats(w, repeats);
            if (s.WarnedMessageId is { } warned) w.Write(warned);
        }
        return buffer.ToArray();
    }

    public static ConversationState Decode(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var version = r.ReadByte();
        if (version is not (Version or VersionWithRepeats or VersionWithSignals or VersionWithoutSignals))
            throw new InvalidDataException($"conversation state format {version} is not supported by this release (expects {Version})");
        var state = new ConversationState { ConversationId = r.ReadString(), ShopId = r.ReadString() };
        state.OwnerAgentId = ReadOptional(r);
        state.FirstWaitingMessageId = ReadOptional(r);
        var askedId = ReadOptional(r);
        state.WaitingSince = ReadTime(r);
        state.LastHumanReplyAt = ReadTime(r);
        state.LastActivityAt = ReadTime(r);
        state.Deadline = ReadTime(r);
        var askedAt = ReadTime(r);
        // The promotion asked about is the rule's own object now; its two fields keep their place in the format.
        if (askedId is not null || askedAt != default) state.AskedPromotion = new Rules.PromotionAnswers.AskedPromotionState { PromotionId = askedId, At = askedAt };
        state.WaitingCount = r.ReadInt32();
        var flags = r.ReadByte();
        state.UnansweredFired = (flags & 1) != 0;
        state.HasHumanReply = (flags & 2) != 0;
        var parts = version switch { VersionWithSignals => 1, VersionWithRepeats or Version => r.ReadByte(), _ => 0 };
        if ((parts & ~(version == Version ? 7 : 3)) != 0) throw new InvalidDataException($"unknown parts {parts} in conversation state");
        if ((parts & 1) != 0)
        {
            var signals = new Rules.BuyerComplaintRisk.BuyerSignalState { RiskMessageId = ReadOptional(r), RiskSince = ReadTime(r) };
            var level = r.ReadByte();
            signals.RiskLevel = level <= (byte)Alerts.Severity.Critical ? (Alerts.Severity)level : throw new InvalidDataException($"unknown severity {level} in conversation state");
            signals.RiskRevision = r.ReadInt32();
            signals.EscalateAt = ReadTime(r);
            signals.LastBuyerNegative = r.ReadBoolean();
            signals.Review = (Rules.BuyerComplaintRisk.ReviewContext)r.ReadByte();
            state.BuyerSignals = signals;
        }
        if ((parts & 2) != 0) state.RepeatedReplies = ReadRepeats(r);
        if ((parts & 4) != 0) state.WarnedMessageId = r.ReadString();
        return state;
    }

    private static void WriteRepeats(BinaryWriter w, Rules.RepeatedReply.RepeatedReplyState s)
    {
        w.Write(s.LastReplyHash);
        w.Write(s.LastAnsweredQuestion);
        w.Write(s.PendingQuestion);
        w.Write(s.RunFired);
        WriteOccurrences(w, s.Run);
        w.Write((byte)s.Replies.Count);
        foreach (var reply in s.Replies)
        {
            w.Write(reply.Hash);
            w.Write(reply.Fired);
            WriteOccurrences(w, reply.Occurrences);
        }
    }

    private static Rules.RepeatedReply.RepeatedReplyState ReadRepeats(BinaryReader r)
    {
        var s = new Rules.RepeatedReply.RepeatedReplyState
        {
            LastReplyHash = r.ReadUInt64(), LastAnsweredQuestion = r.ReadUInt64(), PendingQuestion = r.ReadUInt64(), RunFired = r.ReadBoolean(),
        };
        ReadOccurrences(r, s.Run);
        var count = r.ReadByte();
        if (count > Rules.RepeatedReply.RepeatedReplyState.MaxTracked) throw new InvalidDataException($"{count} tracked replies in conversation state (at most {Rules.RepeatedReply.RepeatedReplyState.MaxTracked})");
        for (var i = 0; i < count; i++)
        {
            var reply = new Rules.RepeatedReply.TrackedReply { Hash = r.ReadUInt64(), Fired = r.ReadBoolean() };
            ReadOccurrences(r, reply.Occurrences);
            s.Replies.Add(reply);
        }
        return s;
    }

    private static void WriteOccurrences(BinaryWriter w, List<Rules.RepeatedReply.Occurrence> list)
    {
        w.Write((byte)list.Count);
        foreach (var o in list)
        {
            w.Write(o.MessageId);
            WriteTime(w, o.At);
        }
    }

    private static void ReadOccurrences(BinaryReader r, List<Rules.RepeatedReply.Occurrence> into)
    {
        var count = r.ReadByte();
        if (count > Rules.RepeatedReply.RepeatedReplyState.MaxOccurrences) throw new InvalidDataException($"{count} reply occurrences in conversation state (at most {Rules.RepeatedReply.RepeatedReplyState.MaxOccurrences})");
        for (var i = 0; i < count; i++) into.Add(new Rules.RepeatedReply.Occurrence(r.ReadString(), ReadTime(r)));
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteTime(BinaryWriter w, DateTimeOffset t)
    {
        w.Write(t.UtcTicks);
        w.Write((short)t.Offset.TotalMinutes);
    }

    private static DateTimeOffset ReadTime(BinaryReader r)
    {
        var ticks = r.ReadInt64();
        var offset = TimeSpan.FromMinutes(r.ReadInt16());
        return ticks == 0 && offset == TimeSpan.Zero ? default : new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
    }
}

/// <summary>
/// Where a partition's rule state is checkpointed together with the offset it corresponds to
/// (the Redis adapter in production). Saves are incremental: only conversations changed or removed
/// since the previous save.
/// </summary>
public interface IPartitionStateStore
{
    /// <summary>
    /// Becomes the partition's owner: returns a new ownership epoch, higher than any before. Called on
    /// assignment, before <see cref="LoadAsync"/>; from then on a save with an older epoch is refused.
    /// </summary>
    Task<long> ClaimAsync(string topic, int partition, CancellationToken ct);

    /// <summary>
    /// Durably applies the changes and records <paramref name="nextOffset"/> in one atomic step — unless the
    /// partition was claimed with a higher epoch since <paramref name="epoch"/> was: then nothing is written and
    /// <see cref="CheckpointFencedException"/> is thrown (a stale owner's late save never overwrites the new owner).
    /// </summary>
    Task SaveAsync(string topic, int partition, long epoch, long nextOffset, IReadOnlyCollection<KeyValuePair<string, byte[]>> changed, IReadOnlyCollection<string> removed, CancellationToken ct);

    /// <summary>The partition's checkpoint, or null when it has none.</summary>
    Task<PartitionStateCheckpoint?> LoadAsync(string topic, int partition, CancellationToken ct);
}

/// <summary>A checkpoint save refused because another owner claimed the partition since (see <see cref="IPartitionStateStore.ClaimAsync"/>).</summary>
public sealed class CheckpointFencedException : Exception
{
    public CheckpointFencedException() { }

    public CheckpointFencedException(string message) : base(message) { }

    public CheckpointFencedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A partition's checkpointed state: the next offset to consume and every open conversation.</summary>
public sealed record PartitionStateCheckpoint(long NextOffset, IReadOnlyDictionary<string, byte[]> Conversations);
