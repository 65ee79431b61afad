using System.Text.RegularExpressions;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Microsoft.Extensions.Configuration;

namespace Alerting.Notifications;

/// <summary>
/// Config section <c>Notifications</c>: optional receivers outside Redis (webhook, DingTalk, WeCom).
/// Read once at start (not hot-reloaded). No receivers (the default) turns notifications off.
/// </summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>The receivers; each alert goes to every receiver whose route matches it. Default: none.</summary>
    public List<ReceiverOptions> Receivers { get; set; } = [];

    /// <summary>
    /// Alerts waiting between the consume loop and the dispatcher. Default 10000. When full, further
    /// alerts are dropped (and counted) instead of slowing the consume loop down.
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Unknown keys, values that do not bind, and <see cref="Validate"/> problems of the section in <paramref name="root"/>, each once.</summary>
    public static IReadOnlyList<ConfigProblem> ValidateSection(IConfiguration root)
    {
        var problems = new List<ConfigProblem>();
        if (ConfigShape.Bind<NotificationOptions>(root.GetSection(SectionName), problems) is { } options)
            problems.AddRange(options.Validate());
        return problems;
    }

    /// <summary>Every problem with its config path (e.g. <c>Notifications:Receivers:0:Url</c>) and what was expected.</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        if (QueueCapacity is < 1 or > 1_000_000)
            problems.Add(new ConfigProblem($"{SectionName}:QueueCapacity", $"must be between 1 and 1000000, got {QueueCapacity}"));
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Receivers.Count; i++)
        {
            var r = Receivers[i];
            var path = $"{SectionName}:Receivers:{i}";
            if (r is null)
            {
                problems.Add(new ConfigProblem(path, "empty receiver"));
                continue;
            }
            problems.AddRange(r.Validate(path));
            if (!string.IsNullOrWhiteSpace(r.Name) && !names.Add(r.Name))
                problems.Add(new ConfigProblem($"{path}:Name", $"duplicate receiver name '{r.Name}': names must be unique (they label metrics and logs)"));
        }
        return problems;
    }
}

/// <summary>One receiver: where to send, which alerts (its route), and how to group and pace them.</summary>
public sealed partial class ReceiverOptions
{
    /// <summary>Fields an alert can be grouped by.</summary>
    public static readonly IReadOnlyList<string> GroupableFields = ["shopId", "rule", "severity", "agentId", "conversationId"];

    /// <summary>Unique name, used in logs and metrics. Required.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>webhook</c> (POST a JSON array of alerts), <c>dingtalk</c> or <c>wecom</c> (group robot, markdown). Required.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Absolute http(s) URL; for the robots, the webhook URL with its access token / key. Required.</summary>
    public string Url { get; set; } = "";

    /// <summary>DingTalk only: the robot's signing secret (<c>SEC…</c>); when set, each request is signed. Default: none.</summary>
    public string? Secret { get; set; }

    /// <summary>Rule names this receiver gets (e.g. <c>unanswered_buyer</c>); empty = all rules. Default: empty.</summary>
    public List<string> Rules { get; set; } = [];

    /// <summary>Store ids this receiver gets; empty = all stores. Default: empty.</summary>
    public List<string> Stores { get; set; } = [];

    /// <summary>Lowest severity sent: <c>info</c>, <c>low</c>, <c>medium</c>, <c>high</c>, <c>critical</c>. Default <c>high</c>.</summary>
    public string MinSeverity { get; set; } = "high";

    /// <summary>Also notify resolutions (<c>status: resolved</c>). Default false.</summary>
    public bool SendResolved { get; set; }

    /// <summary>Alert fields that form a group (one message per group). Default <c>shopId</c>, <c>rule</c>.</summary>
    public List<string> GroupBy { get; set; } = [];

    /// <summary>How long a new group collects alerts before its first message. Default 10.</summary>
    public int GroupWaitSeconds { get; set; } = 10;

    /// <summary>After a message, how long a group collects new alerts before the next one. Default 60.</summary>
    public int GroupIntervalSeconds { get; set; } = 60;

    /// <summary>
    /// How long an alert event (alertId, status, revision) already sent is not sent again (a replay or a
    /// redelivery after a crash), and how long a quiet group is remembered (its running count). Default 240.
    /// </summary>
    public int RepeatIntervalMinutes { get; set; } = 240;

    /// <summary>Messages per sliding minute at most (DingTalk allows 20). Default 20.</summary>
    public int MaxMessagesPerMinute { get; set; } = 20;

    /// <summary>Retries of a failed message (jittered exponential backoff, 1 s doubling up to 30 s). Default 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Timeout of one HTTP attempt. Default 10.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Alerts listed in one DingTalk/WeCom message (the rest are counted). Default 10.</summary>
    public int MaxListedAlerts { get; set; } = 10;

    /// <summary>Alerts held for this receiver while it is paced or down; beyond, new ones are dropped and counted. Default 10000.</summary>
    public int MaxPendingAlerts { get; set; } = 10_000;

    /// <summary><see cref="GroupBy"/>, or its default when empty.</summary>
    public IReadOnlyList<string> EffectiveGroupBy => GroupBy.Count > 0 ? GroupBy : ["shopId", "rule"];

    /// <summary>Parsed <see cref="MinSeverity"/> (<see cref="Severity.High"/> if it does not parse; <see cref="Validate"/> reports that).</summary>
    public Severity MinimumSeverity => Alert.TryParseSeverity(MinSeverity, out var s) ? s : Severity.High;

    internal IEnumerable<ConfigProblem> Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(Name))
            yield return new ConfigProblem($"{path}:Name", "required: a unique name for logs and metrics");
        if (Kind is not (ReceiverKinds.Webhook or ReceiverKinds.DingTalk or ReceiverKinds.WeCom))
            yield return new ConfigProblem($"{path}:Kind", $"expected one of webhook, dingtalk, wecom; got '{Kind}'");
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            yield return new ConfigProblem($"{path}:Url", $"expected an absolute http(s) URL; got '{Url}'");
        if (!string.IsNullOrEmpty(Secret) && Kind != ReceiverKinds.DingTalk)
            yield return new ConfigProblem($"{path}:Secret", "only DingTalk robots sign requests; remove Secret or set Kind to dingtalk");
        for (var i = 0; i < Rules.Count; i++)
            if (Rules[i] is null || !RuleNamePattern().IsMatch(Rules[i]))
                yield return new ConfigProblem($"{path}:Rules:{i}", $"expected a snake_case rule name such as unanswered_buyer; got '{Rules[i]}'");
        for (var i = 0; i < Stores.Count; i++)
            if (string.IsNullOrWhiteSpace(Stores[i]))
                yield return new ConfigProblem($"{path}:Stores:{i}", "empty store id");
        if (!Alert.TryParseSeverity(MinSeverity, out _))
            yield return new ConfigProblem($"{path}:MinSeverity", $"expected info, low, medium, high or critical; got '{MinSeverity}'");
        for (var i = 0; i < GroupBy.Count; i++)
            if (!GroupableFields.Contains(GroupBy[i]))
                yield return new ConfigProblem($"{path}:GroupBy:{i}", $"expected one of {string.Join(", ", GroupableFields)}; got '{GroupBy[i]}'");
        if (GroupWaitSeconds is < 0 or > 3600)
            yield return new ConfigProblem($"{path}:GroupWaitSeconds", $"must be between 0 and 3600, got {GroupWaitSeconds}");
        if (GroupIntervalSeconds is < 1 or > 86_400)
            yield return new ConfigProblem($"{path}:GroupIntervalSeconds", $"must be between 1 and 86400, got {GroupIntervalSeconds}");
        if (RepeatIntervalMinutes is < 1 or > 10_080)
            yield return new ConfigProblem($"{path}:RepeatIntervalMinutes", $"must be between 1 and 10080 (a week), got {RepeatIntervalMinutes}");
        else if (RepeatIntervalMinutes * 60 < GroupIntervalSeconds)
            yield return new ConfigProblem($"{path}:RepeatIntervalMinutes", $"must not be shorter than GroupIntervalSeconds ({GroupIntervalSeconds} s)");
        if (MaxMessagesPerMinute is < 1 or > 6000)
            yield return new ConfigProblem($"{path}:MaxMessagesPerMinute", $"must be between 1 and 6000, got {MaxMessagesPerMinute}");
        if (MaxRetryAttempts is < 0 or > 20)
            yield return new ConfigProblem($"{path}:MaxRetryAttempts", $"must be between 0 and 20, got {MaxRetryAttempts}");
        if (TimeoutSeconds is < 1 or > 300)
            yield return new ConfigProblem($"{path}:TimeoutSeconds", $"must be between 1 and 300, got {TimeoutSeconds}");
        if (MaxListedAlerts is < 1 or > 100)
            yield return new ConfigProblem($"{path}:MaxListedAlerts", $"must be between 1 and 100, got {MaxListedAlerts}");
        if (MaxPendingAlerts is < 1 or > 1_000_000)
            yield return new ConfigProblem($"{path}:MaxPendingAlerts", $"must be between 1 and 1000000, got {MaxPendingAlerts}");
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex RuleNamePattern();
}

/// <summary>Values of <see cref="ReceiverOptions.Kind"/>.</summary>
public static class ReceiverKinds
{
    public const string Webhook = "webhook";
    public const string DingTalk = "dingtalk";
    public const string WeCom = "wecom";
}
