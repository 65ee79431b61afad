using Alerting.Core.Alerts;
using Alerting.Core.Config;

namespace Alerting.Core.Rules.BatchWrongPromoAnswer;

/// <summary>
/// Options of <c>batch_wrong_promo_answer</c> (config <c>Rules:BatchWrongPromoAnswer</c>, per store
/// <c>Rules:Stores:&lt;shopId&gt;:BatchWrongPromoAnswer</c>).
/// </summary>
public sealed class BatchWrongPromoAnswerOptions
{
    /// <summary>Default true. Off: wrong answers of the store are not tracked and no batch alert is raised.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Distinct agents sending the same wrong statement that make a batch. Default 3; 0 turns this criterion off.</summary>
    public int MinAgents { get; set; } = 3;

    /// <summary>Distinct conversations receiving the same wrong statement that make a batch. Default 5; 0 turns this criterion off.</summary>
    public int MinConversations { get; set; } = 5;

    /// <summary>
    /// Length of the fixed window, in minutes; a wrong answer belongs to the window its <c>sentAt</c>
    /// falls in (floored to the window length since the Unix epoch). Default 10. Must divide 1440, so
    /// windows start on whole minutes/hours in UTC and in Beijing time alike.
    /// </summary>
    public int WindowMinutes { get; set; } = 10;

    /// <summary>Severity of the batch alert. Default <c>critical</c>.</summary>
    public string Severity { get; set; } = "critical";

    /// <summary>
    /// At most this many message ids are listed in <c>messageIds</c> (the earliest by sentAt, then id);
    /// <c>evidence.messageCount</c> always has the full count. Default 200.
    /// </summary>
    public int MaxListedMessages { get; set; } = 200;

    /// <summary>The window as a span.</summary>
    public TimeSpan Window => TimeSpan.FromMinutes(WindowMinutes);

    /// <summary>
    /// Smallest number of wrong answers that can make a batch: the lowest active threshold. It is the
    /// revision base (revision = members − base), stored with a group when the group is created.
    /// </summary>
    public int RevisionBase => (MinAgents, MinConversations) switch
    {
        ( > 0, > 0) => Math.Min(MinAgents, MinConversations),
        ( > 0, _) => MinAgents,
        _ => Math.Max(1, MinConversations),
    };

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        if (MinAgents is < 0 or 1)
            yield return new ConfigProblem($"{path}:MinAgents", $"must be 0 (criterion off) or at least 2, was {MinAgents}");
        if (MinConversations is < 0 or 1)
            yield return new ConfigProblem($"{path}:MinConversations", $"must be 0 (criterion off) or at least 2, was {MinConversations}");
        if (MinAgents == 0 && MinConversations == 0)
            yield return new ConfigProblem($"{path}:MinAgents", "MinAgents and MinConversations are both 0: at least one criterion must be on (disable the rule with Enabled: false)");
        if (WindowMinutes is < 1 or > 1440 || 1440 % Math.Max(1, WindowMinutes) != 0)
            yield return new ConfigProblem($"{path}:WindowMinutes", $"must be between 1 and 1440 and divide 1440 (1, 5, 10, 15, 30, 60 …), was {WindowMinutes}");
        if (!Alert.TryParseSeverity(Severity, out _))
            yield return new ConfigProblem($"{path}:Severity", $"unknown severity '{Severity}': expected info, low, medium, high or critical");
        if (MaxListedMessages < 1)
            yield return new ConfigProblem($"{path}:MaxListedMessages", $"must be at least 1, was {MaxListedMessages}");
    }
}
