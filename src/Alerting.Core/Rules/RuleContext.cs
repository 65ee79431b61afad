using Alerting.Core.Pipeline;

namespace Alerting.Core.Rules;

/// <summary>
/// What a rule may know when it evaluates one record: the conversation's state after the record was
/// applied, how the record changed the waiting state, and the event-time watermark. One instance is
/// reused per partition (the pipeline is single-threaded per partition), so rules must not keep it.
/// </summary>
public sealed class RuleContext
{
    /// <summary>The conversation the record belongs to (state after the record was applied).</summary>
    public ConversationState Conversation { get; internal set; } = null!;

    /// <summary>Set when this record was a human reply that ended a waiting period.</summary>
    public AnsweredWait? Answered { get; internal set; }

    /// <summary>Set when this record closed the conversation while a buyer was waiting.</summary>
    public AnsweredWait? ClosedWhileWaiting { get; internal set; }

    /// <summary>Whether the store is within its business hours at the record's sentAt (always true by default).</summary>
    public bool StoreOpen { get; internal set; } = true;

    /// <summary>The partition's event-time watermark (largest sentAt seen less the allowed disorder).</summary>
    public DateTimeOffset Watermark { get; internal set; }

    /// <summary>When a wait that started at <paramref name="since"/> reaches <paramref name="threshold"/> of counted (business-hours) time.</summary>
    public DateTimeOffset DeadlineOf(DateTimeOffset since, TimeSpan threshold) => Hours.AddCounted(since, threshold);

    internal Pipeline.BusinessHours Hours { get; set; } = Pipeline.BusinessHours.AlwaysOpen;

    /// <summary>Version of the config snapshot in force.</summary>
    public string ConfigVersion { get; internal set; } = "";
}

/// <summary>
/// A waiting period that just ended: the first buyer message left waiting, how many buyer messages
/// waited, and (when <c>unanswered_buyer</c> already fired for it) that alert's id so it can be resolved.
/// <see cref="CountedWait"/> is the wait within the store's business hours (all of it when always open).
/// </summary>
public readonly record struct AnsweredWait(
    string FirstMessageId,
    DateTimeOffset WaitingSince,
    int BuyerMessages,
    bool IsFirstResponse,
    string? UnansweredAlertId,
    TimeSpan CountedWait);
