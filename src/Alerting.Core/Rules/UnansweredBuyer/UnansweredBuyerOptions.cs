using Alerting.Core.Alerts;
using Alerting.Core.Config;

namespace Alerting.Core.Rules.UnansweredBuyer;

/// <summary>Options of <c>unanswered_buyer</c> (config <c>Rules:UnansweredBuyer</c>, per store <c>Rules:Stores:&lt;shopId&gt;:UnansweredBuyer</c>).</summary>
public sealed class UnansweredBuyerOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a buyer may wait for a human answer, in seconds. Default 180.</summary>
    public double ThresholdSeconds { get; set; } = 180;

    /// <summary>Severity of the alert. Default <c>high</c>.</summary>
    public string Severity { get; set; } = "high";

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        if (ThresholdSeconds is <= 0 or > 7 * 86400)
            yield return new ConfigProblem($"{path}:ThresholdSeconds", $"must be between 0 (exclusive) and 604800 seconds (7 days), was {ThresholdSeconds}");
        if (!Alert.TryParseSeverity(Severity, out _))
            yield return new ConfigProblem($"{path}:Severity", $"unknown severity '{Severity}': expected info, low, medium, high or critical");
    }
}
