using Alerting.Core.Config;

namespace Alerting.Core.Pipeline;

/// <summary>
/// How conversations are tracked (config section <c>Rules:Conversation</c>, per store
/// <c>Rules:Stores:&lt;shopId&gt;:Conversation</c>). Shared by the timing rules.
/// </summary>
public sealed class ConversationOptions
{
    /// <summary>Whether a <c>bot</c> reply ends a buyer's wait. Default false: an auto-reply is not an answer from a person.</summary>
    public bool BotRepliesAnswer { get; set; }

    /// <summary>
    /// Courtesy closings (e.g. 好的, 谢谢, 嗯嗯) that do not start a new waiting period when a buyer sends
    /// exactly one of them (surrounding punctuation and spaces ignored). Default empty: the agent is expected
    /// to have the last word.
    /// </summary>
    public List<string> ClosingPhrases { get; set; } = [];

    /// <summary>Opening hours; waiting outside them does not count toward the timing thresholds. Default: always open.</summary>
    public BusinessHoursOptions BusinessHours { get; set; } = new();

    private BusinessHours? _hours;

    /// <summary>The compiled <see cref="BusinessHours"/> (built once per config version).</summary>
    internal BusinessHours Hours => _hours ??= Pipeline.BusinessHours.From(BusinessHours);

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        foreach (var p in BusinessHours.Validate($"{path}:BusinessHours")) yield return p;
        for (var i = 0; i < ClosingPhrases.Count; i++)
            if (string.IsNullOrWhiteSpace(ClosingPhrases[i]))
                yield return new ConfigProblem($"{path}:ClosingPhrases:{i}", "must not be empty");
    }

    internal bool IsClosingPhrase(string text)
    {
        if (ClosingPhrases.Count == 0) return false;
        var trimmed = text.AsSpan().Trim(" \t\r\n,.!?~，。！？～、…😊🙏".AsSpan());
        foreach (var phrase in ClosingPhrases)
            if (trimmed.SequenceEqual(phrase.AsSpan().Trim())) return true;
        return false;
    }
}

/// <summary>Partition-wide settings (config section <c>Rules:EventTime</c>); global only.</summary>
public sealed class EventTimeOptions
{
    /// <summary>How late (in sentAt) a message may arrive and still be treated as in order. Default 5 s.</summary>
    public double AllowedDisorderSeconds { get; set; } = 5;

    /// <summary>Conversations with no activity for this long (event time) are forgotten. Default 24 h.</summary>
    public double EvictIdleAfterMinutes { get; set; } = 24 * 60;

    /// <summary>
    /// A record whose sentAt is more than this ahead of the largest sentAt its partition has admitted is
    /// dead-lettered as <c>sentAt out of range</c> (replay and live alike). Default 744 h (31 days); 0 = off.
    /// Replaying two recordings more than this apart in one input: raise it, or replay them one by one.
    /// </summary>
    public double MaxAheadOfClockHours { get; set; } = 31 * 24;

    /// <summary>Live only: a record whose sentAt is more than this ahead of the worker's wall clock is dead-lettered. Default 300 s; 0 = off.</summary>
    public double MaxFutureSkewSeconds { get; set; } = 300;

    /// <summary>
    /// Live only: a record whose sentAt is older than this (wall clock) is dead-lettered. Default 0 = off,
    /// so a backlog, a restored partition or a rehearsal of recorded traffic is processed whatever its age.
    /// </summary>
    public double MaxAgeDays { get; set; }

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        if (MaxAheadOfClockHours is < 0 or > 24 * 366 * 10)
            yield return new ConfigProblem($"{path}:MaxAheadOfClockHours", $"must be between 0 (off) and 87840 hours (10 years), was {MaxAheadOfClockHours}");
        if (MaxFutureSkewSeconds is < 0 or > 86400 * 7)
            yield return new ConfigProblem($"{path}:MaxFutureSkewSeconds", $"must be between 0 (off) and 604800 seconds (7 days), was {MaxFutureSkewSeconds}");
        if (MaxAgeDays is < 0 or > 3660)
            yield return new ConfigProblem($"{path}:MaxAgeDays", $"must be between 0 (off) and 3660 days, was {MaxAgeDays}");
        if (MaxFutureSkewSeconds > 0 && MaxFutureSkewSeconds < AllowedDisorderSeconds)
            yield return new ConfigProblem($"{path}:MaxFutureSkewSeconds", $"must be 0 (off) or at least AllowedDisorderSeconds ({AllowedDisorderSeconds}), was {MaxFutureSkewSeconds}");
        if (AllowedDisorderSeconds is < 0 or > 3600)
            yield return new ConfigProblem($"{path}:AllowedDisorderSeconds", $"must be between 0 and 3600 seconds, was {AllowedDisorderSeconds}");
        if (EvictIdleAfterMinutes is < 1 or > 60 * 24 * 30)
            yield return new ConfigProblem($"{path}:EvictIdleAfterMinutes", $"must be between 1 minute and 30 days, was {EvictIdleAfterMinutes}");
    }
}
