namespace Alerting.Simulation;

/// <summary>
/// Ground truth: one alert a correct worker must raise for the generated traffic (CONTRACTS.md §2).
/// Compare by <see cref="AlertId"/> (or rule + conversation + <see cref="MessageIds"/>).
/// </summary>
/// <param name="AlertId"><c>AlertIds.ForConversation(Rule, ConversationId, MessageIds[0])</c>.</param>
/// <param name="Rule"><c>rude_language</c>, <c>wrong_promo_answer</c>, <c>slow_response</c> or <c>unanswered_buyer</c>.</param>
/// <param name="ShopId">Store.</param>
/// <param name="ConversationId">Conversation.</param>
/// <param name="AgentId">Agent the alert is about (sender of the reply; owner for unanswered). Advisory.</param>
/// <param name="MessageIds">Triggering messages exactly as CONTRACTS.md §2 orders them.</param>
/// <param name="EventTime">Expected <c>eventTime</c>: the agent message's sentAt; for unanswered the deadline, or the close time when the close came first.</param>
/// <param name="DueAt">
/// Set only for alerts fired by a timer (unanswered at its deadline): the alert is due only if the
/// consumer's final event-time clock reaches this instant; <c>null</c> = fired by a message, always due.
/// </param>
/// <param name="Evidence">Rule-specific details, e.g. <c>phrase</c>; <c>promotion</c>, <c>expected</c>, <c>stated</c>; <c>delayMs</c>; <c>firedBy</c>, <c>buyerMessages</c>.</param>
public sealed record ExpectedAlert(
    string AlertId,
    string Rule,
    string ShopId,
    string ConversationId,
    string? AgentId,
    IReadOnlyList<string> MessageIds,
    DateTimeOffset EventTime,
    DateTimeOffset? DueAt,
    IReadOnlyDictionary<string, string> Evidence)
{
    public const string RudeLanguage = "rude_language";
    public const string WrongPromoAnswer = "wrong_promo_answer";
    public const string SlowResponse = "slow_response";
    public const string UnansweredBuyer = "unanswered_buyer";
    public const string PersonalDataExposure = "personal_data_exposure";
    public const string OffPlatformContact = "off_platform_contact";
    public const string BuyerComplaintRisk = "buyer_complaint_risk";
    public const string ForbiddenReviewInvitation = "forbidden_review_invitation";
    public const string RepeatedReply = "repeated_reply";
    public const string ResponseWarning = "response_warning";

    /// <summary>Whether the alert is due when the consumer's event-time clock ends at <paramref name="finalClock"/>.</summary>
    public bool IsDueBy(DateTimeOffset finalClock) => DueAt is null || DueAt <= finalClock;

    /// <summary>Value equality, including the contents of <see cref="MessageIds"/> and <see cref="Evidence"/>.</summary>
    public bool Equals(ExpectedAlert? other)
        => other is not null
           && AlertId == other.AlertId && Rule == other.Rule && ShopId == other.ShopId && ConversationId == other.ConversationId
           && AgentId == other.AgentId && EventTime == other.EventTime && DueAt == other.DueAt
           && MessageIds.SequenceEqual(other.MessageIds)
           && Evidence.Count == other.Evidence.Count
           && Evidence.All(p => other.Evidence.TryGetValue(p.Key, out var v) && v == p.Value);

    public override int GetHashCode() => HashCode.Combine(AlertId, Rule, ConversationId);
}
