using Alerting.Core.Pipeline;

namespace Alerting.Core.Rules.AgentResponseRate;

/// <summary>The 3-minute manual response rate of one agent over one window: counted turns and those answered in time.</summary>
/// <param name="Turns">Buyer turns counted: started in the daily window, in a conversation a human agent took part in.</param>
/// <param name="InTime">Counted turns whose first valid reply (human, or an assisting bot) came within <c>ManualResponseSeconds</c>.</param>
/// <param name="Late">First waiting message ids of the counted turns not answered in time, in time order.</param>
public sealed record ManualResponseStats(int Turns, int InTime, IReadOnlyList<string> Late);

/// <summary>
/// The platforms' 3-minute manual response rate (3分钟人工响应率) from an agent's facts: a turn runs from a
/// buyer's first message (the start of a wait) to the first valid reply — a human agent message, or a
/// message of the assisting bot (<see cref="AgentActivityKind.BotReply"/>); turns of conversations handled
/// wholly by a bot (no human agent message by the settle time) are left out; only turns that start in the
/// configured daily window count. Raw sentAt time (not business-hours counted). Pure and order-free.
/// </summary>
public static class ManualResponseRate
{
    /// <summary>
    /// Turns with <c>At</c> in [<paramref name="from"/>, <paramref name="to"/>). Replies and human messages later
    /// than <paramref name="to"/> + <c>SettleSeconds</c> are not taken into account (see <see cref="AgentResponseRates.Measure"/>).
    /// </summary>
    public static ManualResponseStats Measure(IEnumerable<AgentActivity> facts, DateTimeOffset from, DateTimeOffset to, AgentResponseRateOptions options)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        var answeredBy = AgentResponseRates.AnsweredBy(to, options);
        var limit = TimeSpan.FromSeconds(options.ManualResponseSeconds);
        var daily = options.ManualDailyWindow;
        var human = new HashSet<string>(StringComparer.Ordinal);
        var bots = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        var waitsById = new Dictionary<string, AgentActivity>(StringComparer.Ordinal);
        foreach (var f in facts)
        {
            switch (f.Kind)
            {
                case AgentActivityKind.AgentMessage when f.At <= answeredBy:
                    human.Add(f.ConversationId);
                    break;
                case AgentActivityKind.BotReply when f.At <= answeredBy:
                    (bots.TryGetValue(f.ConversationId, out var b) ? b : bots[f.ConversationId] = []).Add(f.At);
                    break;
                case AgentActivityKind.WaitAnswered or AgentActivityKind.WaitUnanswered:
                    // Two versions of one wait (unanswered at its deadline, answered later) are one turn.
                    waitsById[f.FactId] = waitsById.TryGetValue(f.FactId, out var seen) ? AgentActivity.Merge(seen, f) : f;
                    break;
            }
        }
        var waitsByConversation = new Dictionary<string, List<AgentActivity>>(StringComparer.Ordinal);
        foreach (var w in waitsById.Values)
            (waitsByConversation.TryGetValue(w.ConversationId, out var list) ? list : waitsByConversation[w.ConversationId] = []).Add(w);

        var counted = new List<(AgentActivity Wait, bool InTime)>();
        foreach (var (conversation, waits) in waitsByConversation)
        {
            if (!human.Contains(conversation)) continue; // handled wholly by a bot
            waits.Sort((x, y) => x.At.UtcTicks.CompareTo(y.At.UtcTicks));
            bots.TryGetValue(conversation, out var botTimes);
            for (var i = 0; i < waits.Count; i++)
            {
                var wait = waits[i];
                if (wait.At < from || wait.At >= to || !daily.IsOpen(wait.At)) continue;
                DateTimeOffset? humanReply = wait.Kind == AgentActivityKind.WaitAnswered ? wait.AnsweredAt ?? wait.At + wait.Wait : null;
                if (humanReply > answeredBy) humanReply = null;
                // A bot reply belongs to this turn when it comes after its start and before the turn's end
                // (the human reply, else the next turn's start).
                var end = humanReply ?? (i + 1 < waits.Count ? waits[i + 1].At : answeredBy);
                var reply = humanReply;
                if (botTimes is not null)
                    foreach (var t in botTimes)
                        if (t >= wait.At && t <= end && (reply is null || t < reply)) reply = t;
                counted.Add((wait, reply is { } r && r - wait.At <= limit));
            }
        }
        counted.Sort((x, y) => x.Wait.At.UtcTicks != y.Wait.At.UtcTicks ? x.Wait.At.UtcTicks.CompareTo(y.Wait.At.UtcTicks) : string.CompareOrdinal(x.Wait.FactId, y.Wait.FactId));
        return new ManualResponseStats(counted.Count, counted.Count(c => c.InTime), counted.Where(c => !c.InTime).Select(c => c.Wait.MessageId).ToList());
    }

    /// <summary>The daily window's <see cref="BusinessHours"/> (valid options only; validate first).</summary>
    internal static BusinessHours DailyWindowOf(AgentResponseRateOptions options)
        => BusinessHours.From(new BusinessHoursOptions { TimeZone = options.ManualResponseTimeZone, Opens = options.ManualResponseOpens, Closes = options.ManualResponseCloses });
}
