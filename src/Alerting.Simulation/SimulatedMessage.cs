using Alerting.Core.Messages;

namespace Alerting.Simulation;

/// <summary>Faults deliberately injected into one message (labels; the ground truth is in <see cref="ExpectedAlert"/>).</summary>
[Flags]
public enum SimulatedFault
{
    None = 0,
    /// <summary>An agent message with a rude / bad-attitude phrase.</summary>
    RudeLanguage = 1,
    /// <summary>An agent message naming a promotion with a wrong threshold or amount.</summary>
    WrongPromoAnswer = 2,
    /// <summary>A first human reply sent deliberately late (slow-reply delay range).</summary>
    SlowReply = 4,
    /// <summary>A buyer message deliberately never answered by a human.</summary>
    UnansweredBuyer = 8,
    /// <summary>An agent message exposing a buyer's full mobile number, resident id or bank card (<c>personal_data_exposure</c>).</summary>
    PersonalData = 16,
    /// <summary>An agent message moving the buyer off the platform: another channel or payment outside it (<c>off_platform_contact</c>).</summary>
    OffPlatformContact = 32,
    /// <summary>A buyer message threatening a complaint or showing strong negative emotion (<c>buyer_complaint_risk</c>).</summary>
    ComplaintRisk = 64,
    /// <summary>An agent message with paid-review wording (<c>forbidden_review_invitation</c>; invitations after a complaint risk are derived by the oracle).</summary>
    PaidReview = 128,
    /// <summary>One copy of an agent reply sent three times within seconds (<c>repeated_reply</c>); every copy carries the label.</summary>
    RepeatedReply = 256,
    /// <summary>A first human reply after the <c>response_warning</c> point but within the <c>slow_response</c> threshold (a warning resolved as answered).</summary>
    NearMissReply = 512,
}

/// <summary>One generated chat record: the message, its CONTRACTS.md §1 UTF-8 JSON and its fault labels.</summary>
public sealed class SimulatedMessage
{
    public SimulatedMessage(long sequence, ChatMessage message, SimulatedFault fault)
    {
        Sequence = sequence;
        Message = message;
        Fault = fault;
        Utf8Json = ChatMessageJson.ToUtf8(message);
    }

    /// <summary>0-based position in arrival (output) order.</summary>
    public long Sequence { get; }

    public ChatMessage Message { get; }

    /// <summary>The Kafka value: one UTF-8 JSON object (CONTRACTS.md §1), no trailing newline.</summary>
    public byte[] Utf8Json { get; }

    /// <summary>Kafka key: the conversation id.</summary>
    public string Key => Message.ConversationId;

    public SimulatedFault Fault { get; }
}
