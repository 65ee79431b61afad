using Alerting.Core.Alerts;
using Alerting.Core.Config;

namespace Alerting.Core.Rules.AgentResponseRate;

/// <summary>
/// Options of <c>agent_response_rate_low</c> (proposed config <c>Rules:AgentResponseRate</c>, per store
/// <c>Rules:Stores:&lt;shopId&gt;:AgentResponseRate</c>). A target of 0 turns that measure off.
/// </summary>
public sealed class AgentResponseRateOptions
{
    /// <summary>Default false: the rule is opt-in (<c>Rules:AgentResponseRate:Enabled</c>, or per store).</summary>
    public bool Enabled { get; set; }

    /// <summary>Length of the rolling window the measures are taken over, in minutes. Default 30.</summary>
    public int WindowMinutes { get; set; } = 30;

    /// <summary>
    /// Evaluation step, in minutes: the rolling window is evaluated at every multiple of it (since the
    /// Unix epoch). Default 5. Must divide <see cref="WindowMinutes"/>. An agent is alerted at most once per
    /// fixed window of <see cref="WindowMinutes"/> (the earliest evaluation in it that is low).
    /// </summary>
    public int StepMinutes { get; set; } = 5;

    /// <summary>A reply within this many (business-hours) seconds counts toward the response rate. Default 30 (30秒应答率).</summary>
    public double ResponseSeconds { get; set; } = 30;

    /// <summary>Target 30-second response rate: answered within <see cref="ResponseSeconds"/> / buyer waits. Default 0.8.</summary>
    public double MinResponseRate { get; set; } = 0.8;

    /// <summary>Target reply rate (回复率): waits answered by a human / buyer waits. Default 0.95.</summary>
    public double MinReplyRate { get; set; } = 0.95;

    /// <summary>Target 答问比: agent messages / buyer messages. Default 1.0.</summary>
    public double MinAnswerRatio { get; set; } = 1.0;

    /// <summary>Rates are judged only with at least this many buyer waits in the window. Default 10.</summary>
    public int MinWaits { get; set; } = 10;

    /// <summary>答问比 is judged only with at least this many buyer messages in the window. Default 10.</summary>
    public int MinBuyerMessages { get; set; } = 10;

    /// <summary>
    /// How long after an evaluation point (in chat time, on the slowest partition's watermark) its window
    /// is evaluated, so that the outcome of every wait that started in it is known. Must cover the
    /// unanswered threshold (180 s by default) plus the allowed disorder. Default 240.
    /// </summary>
    public double SettleSeconds { get; set; } = 240;

    /// <summary>Severity. Default <c>medium</c>.</summary>
    public string Severity { get; set; } = "medium";

    /// <summary>
    /// Target 3-minute manual response rate (3分钟人工响应率, see the README for the definition and its
    /// source): buyer turns whose first valid reply (a human agent, or the assisting bot) came within
    /// <see cref="ManualResponseSeconds"/> / counted turns. Default 0 = off (no bot facts are emitted then).
    /// </summary>
    public double MinManualResponseRate { get; set; }

    /// <summary>A turn answered within this many seconds of sentAt (raw, not business-hours) counts for the manual rate. Default 180.</summary>
    public double ManualResponseSeconds { get; set; } = 180;

    /// <summary>Start of the daily window turns are counted in (<c>HH:mm</c>; empty with <see cref="ManualResponseCloses"/> = all day). Default <c>08:00</c>.</summary>
    public string? ManualResponseOpens { get; set; } = "08:00";

    /// <summary>End of the daily window (<c>HH:mm</c> or <c>24:00</c>). Default <c>23:00</c>.</summary>
    public string? ManualResponseCloses { get; set; } = "23:00";

    /// <summary>IANA time zone of the daily window. Default <c>Asia/Shanghai</c>.</summary>
    public string ManualResponseTimeZone { get; set; } = "Asia/Shanghai";

    private Pipeline.BusinessHours? _manualDailyWindow;

    /// <summary>The daily window as business hours (built once; the options must be valid).</summary>
    internal Pipeline.BusinessHours ManualDailyWindow => _manualDailyWindow ??= ManualResponseRate.DailyWindowOf(this);

    public TimeSpan Window => TimeSpan.FromMinutes(WindowMinutes);

    public TimeSpan Step => TimeSpan.FromMinutes(StepMinutes);

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        if (WindowMinutes is < 1 or > 1440 || 1440 % Math.Max(1, WindowMinutes) != 0)
            yield return new ConfigProblem($"{path}:WindowMinutes", $"must be between 1 and 1440 and divide 1440, was {WindowMinutes}");
        if (StepMinutes < 1 || WindowMinutes % Math.Max(1, StepMinutes) != 0)
            yield return new ConfigProblem($"{path}:StepMinutes", $"must be at least 1 and divide WindowMinutes ({WindowMinutes}), was {StepMinutes}");
        if (ResponseSeconds is <= 0 or > 3600)
            yield return new ConfigProblem($"{path}:ResponseSeconds", $"must be between 0 (exclusive) and 3600, was {ResponseSeconds}");
        foreach (var (name, value) in new[] { (nameof(MinResponseRate), MinResponseRate), (nameof(MinReplyRate), MinReplyRate), (nameof(MinManualResponseRate), MinManualResponseRate) })
            if (value is < 0 or > 1)
                yield return new ConfigProblem($"{path}:{name}", $"must be a fraction between 0 (off) and 1, was {value}");
        if (ManualResponseSeconds is <= 0 or > 86400)
            yield return new ConfigProblem($"{path}:{nameof(ManualResponseSeconds)}", $"must be between 0 (exclusive) and 86400, was {ManualResponseSeconds}");
        if (string.IsNullOrEmpty(ManualResponseOpens) != string.IsNullOrEmpty(ManualResponseCloses))
            yield return new ConfigProblem($"{path}:{nameof(ManualResponseCloses)}", "set both ManualResponseOpens and ManualResponseCloses, or neither (all day)");
        if (!string.IsNullOrEmpty(ManualResponseOpens) && !Pipeline.BusinessHours.TryParseTime(ManualResponseOpens, out _))
            yield return new ConfigProblem($"{path}:{nameof(ManualResponseOpens)}", $"expected a time of day HH:mm, was '{ManualResponseOpens}'");
        if (!string.IsNullOrEmpty(ManualResponseCloses) && !Pipeline.BusinessHours.TryParseTime(ManualResponseCloses, out _))
            yield return new ConfigProblem($"{path}:{nameof(ManualResponseCloses)}", $"expected a time of day HH:mm or 24:00, was '{ManualResponseCloses}'");
        if (!string.IsNullOrEmpty(ManualResponseOpens) && ManualResponseOpens == ManualResponseCloses)
            yield return new ConfigProblem($"{path}:{nameof(ManualResponseCloses)}", "must differ from ManualResponseOpens (leave both empty for all day)");
        if (!Pipeline.BusinessHours.TryFindZone(ManualResponseTimeZone, out _))
            yield return new ConfigProblem($"{path}:{nameof(ManualResponseTimeZone)}", $"unknown time zone '{ManualResponseTimeZone}': expected an IANA id such as Asia/Shanghai");
        if (MinAnswerRatio is < 0 or > 100)
            yield return new ConfigProblem($"{path}:{nameof(MinAnswerRatio)}", $"must be between 0 (off) and 100, was {MinAnswerRatio}");
        if (SettleSeconds is < 0 or > 86400)
            yield return new ConfigProblem($"{path}:{nameof(SettleSeconds)}", $"must be between 0 and 86400, was {SettleSeconds}");
        if (MinWaits < 1)
            yield return new ConfigProblem($"{path}:{nameof(MinWaits)}", $"must be at least 1, was {MinWaits}");
        if (MinBuyerMessages < 1)
            yield return new ConfigProblem($"{path}:{nameof(MinBuyerMessages)}", $"must be at least 1, was {MinBuyerMessages}");
        if (!Alert.TryParseSeverity(Severity, out _))
            yield return new ConfigProblem($"{path}:Severity", $"unknown severity '{Severity}': expected info, low, medium, high or critical");
    }
}
