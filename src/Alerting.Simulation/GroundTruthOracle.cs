using System.Globalization;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;

namespace Alerting.Simulation;

/// <summary>
/// Derives the exact expected alerts of one conversation from the records actually emitted,
/// with the timing semantics the rules implement:
/// waiting starts with a buyer message when none is waiting and ends with the next human agent
/// reply (bots, transfers don't count); <c>slow_response</c> when that reply comes more than the
/// threshold after the first waiting buyer message; <c>unanswered_buyer</c> once per waiting period,
/// at its deadline (first waiting message + timeout) or at a close that comes first.
/// </summary>
internal static class GroundTruthOracle
{
    public static void Evaluate(PlannedConversation conv, SimulationOptions options, DateTimeOffset start, Action<ExpectedAlert> emit)
    {
        var slowMs = (long)options.SlowResponseThreshold.TotalMilliseconds;
        var timeoutMs = (long)options.UnansweredTimeout.TotalMilliseconds;
        DateTimeOffset Time(long ms) => start.AddMilliseconds(ms);
        var inv = CultureInfo.InvariantCulture;

        PlannedEvent? waitingFirst = null;
        var waitingCount = 0;
        var unansweredFired = false;
        string? owner = conv.InitialOwner;
        var complaintRiskRaised = false;
        var repeats = new List<PlannedEvent>();
        // response_warning: at the warning point of a wait that lasted that long (only when the run labels it).
        var warnOn = options.ResponseWarningShare > 0;
        var warnSpan = options.WarningPoint;
        void Warn(DateTimeOffset? dueAt, string endedBy)
            => emit(Make(ExpectedAlert.ResponseWarning, conv, owner, [waitingFirst!.MessageId!], Time(waitingFirst.AtMs) + warnSpan, dueAt, new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["endedBy"] = endedBy,
            }));
        bool WaitedPastWarning(long atMs) => TimeSpan.FromMilliseconds(atMs - waitingFirst!.AtMs) >= warnSpan;

        // firedBy: "close", "deadline", or "cut" (a deadline in a conversation MessageCount cut short).
        void FireUnanswered(DateTimeOffset eventTime, DateTimeOffset? dueAt, string firedBy)
        {
            emit(Make(ExpectedAlert.UnansweredBuyer, conv, owner, [waitingFirst!.MessageId!], eventTime, dueAt, new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["firedBy"] = firedBy,
                ["buyerMessages"] = waitingCount.ToString(inv),
            }));
            unansweredFired = true;
        }

        for (int i = 0; i < conv.Emitted; i++)
        {
            var e = conv.Events[i];
            // A deadline passed before this record: the timer fired first (its instant is earlier).
            if (waitingFirst is not null && !unansweredFired && e.AtMs > waitingFirst.AtMs + timeoutMs)
            {
                var deadline = Time(waitingFirst.AtMs + timeoutMs);
                FireUnanswered(deadline, deadline, "deadline");
            }

            if (e.Kind == ChatEventKind.Transfer)
            {
                owner = e.AgentId;
                continue;
            }
            if (e.Kind == ChatEventKind.Close)
            {
                if (warnOn && waitingFirst is not null && WaitedPastWarning(e.AtMs)) Warn(null, "close");
                if (waitingFirst is not null && !unansweredFired) FireUnanswered(Time(e.AtMs), null, "close");
                waitingFirst = null;
                waitingCount = 0;
                unansweredFired = false;
                continue;
            }
            switch (e.Sender)
            {
                case SenderKind.Buyer:
                    // One complaint-risk alert per conversation, named by its first risky buyer message.
                    if ((e.Fault & SimulatedFault.ComplaintRisk) != 0 && !complaintRiskRaised)
                    {
                        complaintRiskRaised = true;
                        emit(Make(ExpectedAlert.BuyerComplaintRisk, conv, owner, [e.MessageId!], Time(e.AtMs), null, new SortedDictionary<string, string>(StringComparer.Ordinal)
                        {
                            ["tier"] = e.FaultDetail!,
                        }));
                    }
                    if (waitingFirst is null)
                    {
                        waitingFirst = e;
                        waitingCount = 0;
                        unansweredFired = false;
                    }
                    waitingCount++;
                    break;
                case SenderKind.Agent:
                    owner = e.SenderId;
                    if ((e.Fault & SimulatedFault.RudeLanguage) != 0)
                        emit(Make(ExpectedAlert.RudeLanguage, conv, e.SenderId, [e.MessageId!], Time(e.AtMs), null, new SortedDictionary<string, string>(StringComparer.Ordinal)
                        {
                            ["phrase"] = e.RudePhrase!,
                        }));
                    if ((e.Fault & SimulatedFault.PersonalData) != 0)
                        emit(Make(ExpectedAlert.PersonalDataExposure, conv, e.SenderId, [e.MessageId!], Time(e.AtMs), null, new SortedDictionary<string, string>(StringComparer.Ordinal)
                        {
                            ["kind"] = e.FaultDetail!,
                        }));
                    // Paid-review wording always; the phrase book's closer 满意的话记得给个好评 once the buyer showed a complaint risk.
                    if ((e.Fault & SimulatedFault.PaidReview) != 0 || (complaintRiskRaised && e.Text.Contains("记得给个好评", StringComparison.Ordinal)))
                        emit(Make(ExpectedAlert.ForbiddenReviewInvitation, conv, e.SenderId, [e.MessageId!], Time(e.AtMs), null, new SortedDictionary<string, string>(StringComparer.Ordinal)
                        {
                            ["reason"] = (e.Fault & SimulatedFault.PaidReview) != 0 ? "paid" : "complaint_risk",
                        }));
                    // The burst's copies are the only repeats in the conversation: the third emitted copy fires,
                    // named by the first (a stream cut before the third raises nothing).
                    if ((e.Fault & SimulatedFault.RepeatedReply) != 0)
                    {
                        repeats.Add(e);
                        if (repeats.Count == 3)
                            emit(Make(ExpectedAlert.RepeatedReply, conv, e.SenderId, repeats.Select(r => r.MessageId!).ToArray(), Time(e.AtMs), null, new SortedDictionary<string, string>(StringComparer.Ordinal)
                            {
                                ["kind"] = "repeated",
                                ["count"] = "3",
                            }));
                    }
                    if ((e.Fault & SimulatedFault.OffPlatformContact) != 0)
                        emit(Make(ExpectedAlert.OffPlatformContact, conv, e.SenderId, [e.MessageId!], Time(e.AtMs), null, new SortedDictionary<string, string>(StringComparer.Ordinal)
                        {
                            ["category"] = e.FaultDetail!,
                        }));
                    if ((e.Fault & SimulatedFault.WrongPromoAnswer) != 0)
                        emit(Make(ExpectedAlert.WrongPromoAnswer, conv, e.SenderId, [e.MessageId!], Time(e.AtMs), null, new SortedDictionary<string, string>(StringComparer.Ordinal)
                        {
                            ["promotion"] = e.Promotion!.Id,
                            ["expected"] = e.Promotion.Terms,
                            ["stated"] = e.StatedTerms!,
                        }));
                    if (waitingFirst is not null)
                    {
                        if (warnOn && WaitedPastWarning(e.AtMs)) Warn(null, (e.Fault & SimulatedFault.NearMissReply) != 0 ? "near_miss" : "reply");
                        var delay = e.AtMs - waitingFirst.AtMs;
                        if (delay > slowMs)
                            emit(Make(ExpectedAlert.SlowResponse, conv, e.SenderId, [waitingFirst.MessageId!, e.MessageId!], Time(e.AtMs), null, new SortedDictionary<string, string>(StringComparer.Ordinal)
                            {
                                ["delayMs"] = delay.ToString(inv),
                                ["thresholdMs"] = slowMs.ToString(inv),
                            }));
                        waitingFirst = null;
                        waitingCount = 0;
                        unansweredFired = false;
                    }
                    break;
            }
        }

        // Still waiting when the stream ended for this conversation: due only if the consumer's
        // final clock reaches the deadline.
        if (warnOn && waitingFirst is not null)
        {
            var warnAt = Time(waitingFirst.AtMs) + warnSpan;
            Warn(warnAt, "open");
        }
        if (waitingFirst is not null && !unansweredFired)
        {
            var deadline = Time(waitingFirst.AtMs + timeoutMs);
            // "cut": MessageCount ended the stream inside this conversation (its reply was never emitted).
            FireUnanswered(deadline, deadline, conv.Emitted < conv.Events.Count ? "cut" : "deadline");
        }
    }

    private static ExpectedAlert Make(string rule, PlannedConversation conv, string? agentId, string[] messageIds, DateTimeOffset eventTime, DateTimeOffset? dueAt, SortedDictionary<string, string> evidence)
        => new(AlertIds.ForConversation(rule, conv.ConversationId, messageIds[0]), rule, conv.Store.ShopId, conv.ConversationId, agentId,
            messageIds, eventTime, dueAt, evidence);
}
