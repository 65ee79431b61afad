using Alerting.Core.Config;

namespace Alerting.Redis.Transcripts;

/// <summary>
/// Settings of the conversation transcripts, bound from the config section <c>Transcripts</c>
/// (<see cref="SectionName"/>). A transcript is the one place the system keeps message text: the last
/// <see cref="MaxMessages"/> messages of a conversation, each cut to <see cref="MaxTextChars"/>, for
/// <see cref="Ttl"/> after the conversation's last message, without any buyer id. The key prefix is
/// <see cref="RedisAlertingOptions.TranscriptKeyPrefix"/> (with the other key names).
/// </summary>
public sealed class TranscriptOptions
{
    /// <summary>Config section these options bind to.</summary>
    public const string SectionName = "Transcripts";

    /// <summary>Highest accepted <see cref="MaxMessages"/>.</summary>
    public const int MaxMessagesLimit = 500;

    /// <summary>Highest accepted <see cref="MaxTextChars"/>.</summary>
    public const int MaxTextCharsLimit = 10_000;

    /// <summary>
    /// Whether the worker writes transcripts. Default true: judging an alert needs what was said around it, and the
    /// transcript is bounded (size, text length, TTL) and holds no buyer id. False writes nothing (existing
    /// transcripts then expire after their TTL; the console answers 404 for conversations without one).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Messages kept per conversation (the newest win). Default 30; 1 to <see cref="MaxMessagesLimit"/>.</summary>
    public int MaxMessages { get; set; } = 30;

    /// <summary>Characters of text kept per message (longer text is cut and marked <c>truncated</c>). Default 500; 1 to <see cref="MaxTextCharsLimit"/>.</summary>
    public int MaxTextChars { get; set; } = 500;

    /// <summary>How long a transcript lives after its last write. Default 7 days; 1 minute to 31 days.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Checks every setting; each problem names its config path (e.g. <c>Transcripts:Ttl</c>) and what was expected.</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        void Add(string name, string reason) => problems.Add(new ConfigProblem($"{SectionName}:{name}", reason));
        if (MaxMessages is < 1 or > MaxMessagesLimit) Add(nameof(MaxMessages), $"must be 1 to {MaxMessagesLimit}, was {MaxMessages}");
        if (MaxTextChars is < 1 or > MaxTextCharsLimit) Add(nameof(MaxTextChars), $"must be 1 to {MaxTextCharsLimit}, was {MaxTextChars}");
        if (Ttl < TimeSpan.FromMinutes(1) || Ttl > TimeSpan.FromDays(31)) Add(nameof(Ttl), $"must be 1 minute to 31 days (e.g. \"7.00:00:00\"), was {Ttl}");
        return problems;
    }
}
