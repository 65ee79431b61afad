using Alerting.Core.Alerts;
using Alerting.Core.Config;

namespace Alerting.Core.Rules.ResponseWarning;

/// <summary>Options of <c>response_warning</c> (config <c>Rules:ResponseWarning</c>, per store <c>Rules:Stores:&lt;shopId&gt;:ResponseWarning</c>).</summary>
public sealed class ResponseWarningOptions
{
    /// <summary>Default false: warnings are opt-in (a noisy feed is one leads stop watching).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Share of the <c>slow_response</c> threshold (first-response or later, as the wait is) a buyer has waited,
    /// in counted business-hours time, when the warning fires: 0.667 of 30 s ≈ 20 s. Above 0, below 1. Default 0.667.
    /// </summary>
    public double ShareOfThreshold { get; set; } = 0.667;

    /// <summary>Severity of the warning. Default <c>low</c>.</summary>
    public string Severity { get; set; } = "low";

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        if (!(ShareOfThreshold > 0 && ShareOfThreshold < 1))
            yield return new ConfigProblem($"{path}:{nameof(ShareOfThreshold)}", $"must be a fraction above 0 and below 1 (of the slow_response threshold), was {ShareOfThreshold}");
        if (!Alert.TryParseSeverity(Severity, out _))
            yield return new ConfigProblem($"{path}:{nameof(Severity)}", $"unknown severity '{Severity}': expected info, low, medium, high or critical");
    }
}
