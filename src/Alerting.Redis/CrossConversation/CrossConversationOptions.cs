using Alerting.Core.Config;

namespace Alerting.Redis.CrossConversation;

/// <summary>
/// Redis side of the alerts that span conversations (config <c>Redis:CrossConversation</c>; read once at
/// start). The rule thresholds themselves are rule config (<c>Rules:BatchWrongPromoAnswer</c>, hot-reloaded).
/// </summary>
public sealed class CrossConversationOptions
{
    public const string SectionName = "CrossConversation";

    /// <summary>Prefix of the batch member hashes: <c>&lt;prefix&gt;{&lt;shop&gt;}:&lt;alertId&gt;</c>. Default <c>alerts:batch:</c>.</summary>
    public string BatchKeyPrefix { get; set; } = "alerts:batch:";

    /// <summary>Prefix of the per-agent fact hashes: <c>&lt;prefix&gt;{&lt;shop&gt;}:&lt;agent&gt;:&lt;stepStartUnix&gt;</c>. Default <c>alerts:agent:</c>.</summary>
    public string AgentKeyPrefix { get; set; } = "alerts:agent:";

    /// <summary>Prefix of the per-step agent sets: <c>&lt;prefix&gt;{&lt;shop&gt;}:&lt;stepStartUnix&gt;</c>. Default <c>alerts:agents:</c>.</summary>
    public string AgentSetKeyPrefix { get; set; } = "alerts:agents:";

    /// <summary>
    /// Prefix of the agent-level evaluation keys: <c>&lt;prefix&gt;{&lt;shop&gt;}</c> (the store's first step
    /// not judged yet), <c>&lt;prefix&gt;stores</c> (stores with facts) and <c>&lt;prefix&gt;lease</c> (which
    /// worker evaluates). Default <c>alerts:agenteval:</c>.
    /// </summary>
    public string AgentEvaluationKeyPrefix { get; set; } = "alerts:agenteval:";

    /// <summary>Prefix of the partition progress hashes: <c>&lt;prefix&gt;{&lt;group&gt;:&lt;topic&gt;}</c>. Default <c>alerts:progress:</c>.</summary>
    public string ProgressKeyPrefix { get; set; } = "alerts:progress:";

    /// <summary>How often a worker checks whether agent-level windows are complete and judges them. Default 1 s.</summary>
    public TimeSpan AgentEvaluationInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Life of a batch member hash, an agent fact hash or an agent set after its last change (wall time). Must cover how far back a worker
    /// can replay after a crash or rollback: a replayed wrong answer whose batch expired starts a new,
    /// smaller member set whose revisions are already delivered (harmless), or none. Default 2 days.
    /// </summary>
    public TimeSpan StateTtl { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Checks every setting; paths are <c>Redis:CrossConversation:&lt;field&gt;</c>.</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        var path = $"{RedisAlertingOptions.SectionName}:{SectionName}";
        var prefixes = new[]
        {
            (nameof(BatchKeyPrefix), BatchKeyPrefix), (nameof(AgentKeyPrefix), AgentKeyPrefix), (nameof(AgentSetKeyPrefix), AgentSetKeyPrefix),
            (nameof(AgentEvaluationKeyPrefix), AgentEvaluationKeyPrefix), (nameof(ProgressKeyPrefix), ProgressKeyPrefix),
        };
        foreach (var (name, value) in prefixes)
            if (string.IsNullOrEmpty(value) || value.Contains('{') || value.Contains('}') || value.Any(char.IsWhiteSpace))
                problems.Add(new ConfigProblem($"{path}:{name}", "must be non-empty, without whitespace, '{' or '}' (they are Redis Cluster hash tags)"));
        if (prefixes.Select(p => p.Item2).Distinct(StringComparer.Ordinal).Count() != prefixes.Length)
            problems.Add(new ConfigProblem($"{path}:{nameof(AgentKeyPrefix)}", "BatchKeyPrefix, AgentKeyPrefix, AgentSetKeyPrefix, AgentEvaluationKeyPrefix and ProgressKeyPrefix must differ"));
        if (AgentEvaluationInterval < TimeSpan.FromMilliseconds(100) || AgentEvaluationInterval > TimeSpan.FromMinutes(1))
            problems.Add(new ConfigProblem($"{path}:{nameof(AgentEvaluationInterval)}", $"must be 100 ms to 1 minute (e.g. \"00:00:01\"), was {AgentEvaluationInterval}"));
        if (StateTtl < TimeSpan.FromMinutes(1))
            problems.Add(new ConfigProblem($"{path}:{nameof(StateTtl)}", $"must be at least 1 minute (e.g. \"2.00:00:00\"), was {StateTtl}"));
        return problems;
    }
}
