using System.Text;
using Alerting.Core.Pipeline;

namespace Alerting.Core.Tests.Pipeline;

/// <summary>
/// The checkpoint format kept while rule-specific fields moved out of <see cref="ConversationState"/> into their rules'
/// objects: a version-1 record written field by field from the documented layout (not by the codec) decodes into
/// the rules' objects, and encodes back to the same bytes, so a checkpoint written before the move still restores.
/// </summary>
public sealed class CodecFormatTests
{
    private static readonly DateTimeOffset Asked = new(2026, 11, 11, 0, 3, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset Since = new(2026, 11, 11, 0, 2, 0, TimeSpan.FromHours(8));

    /// <summary>Version 1: version, ids, owner, first waiting, asked promotion, five times (ticks + offset minutes), count, flags.</summary>
    private static byte[] VersionOne(string? askedPromotion, DateTimeOffset askedAt)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)1);
            w.Write("c-亲-001");
            w.Write("shop-美妆");
            w.Write(true); w.Write("agent-7");
            w.Write(true); w.Write("m-12");
            w.Write(askedPromotion is not null); if (askedPromotion is not null) w.Write(askedPromotion);
            foreach (var t in new[] { Since, default, Since.AddSeconds(30), Since.AddMinutes(3), askedAt })
            {
                w.Write(t.UtcTicks);
                w.Write((short)t.Offset.TotalMinutes);
            }
            w.Write(2);
            w.Write((byte)0);
        }
        return buffer.ToArray();
    }

    [Fact]
    public void Decode_VersionOneWithAnAskedPromotion_FillsThePromotionRulesStateAndEncodesTheSameBytes()
    {
        var bytes = VersionOne("d11", Asked);
        var state = ConversationStateCodec.Decode(bytes);
        Assert.Equal("d11", state.AskedPromotion?.PromotionId);
        Assert.Equal(Asked, state.AskedPromotion?.At);
        Assert.Equal(TimeSpan.FromHours(8), state.AskedPromotion?.At.Offset);
        Assert.Equal("m-12", state.FirstWaitingMessageId);
        Assert.Equal(Since.AddMinutes(3), state.Deadline);
        Assert.Equal(2, state.WaitingCount);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(ConversationStateCodec.Encode(state)));
    }

    [Fact]
    public void Decode_VersionOneWithoutAnAskedPromotion_LeavesTheRuleStateNullAndEncodesTheSameBytes()
    {
        var bytes = VersionOne(null, default);
        var state = ConversationStateCodec.Decode(bytes);
        Assert.Null(state.AskedPromotion);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(ConversationStateCodec.Encode(state)));
    }
}
