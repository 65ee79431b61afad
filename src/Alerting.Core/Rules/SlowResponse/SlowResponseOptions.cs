using Alerting.Core.Alerts;
using Alerting.Core.Config;

namespace Alerting.Core.Rules.SlowResponse;

/// <summary>Options of <c>slow_response</c> (config <c>Rules:SlowResponse</c>, per store <c>Rules:Stores:&lt;shopId&gt;:SlowResponse</c>).</summary>
public sealed class SlowResponseOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Threshold for the first response (首响) of a conversation, in seconds. Default 30.</summary>
    public double FirstResponseThresholdSeconds { get; set; } = 30;

    /// <summary>Threshold for every later response, in seconds. Default 30 (the 30-second response rate).</summary>
    public double ThresholdSeconds { get; set; } = 30;

    /// <summary>Severity of a reply over the threshold. Default <c>medium</c>.</summary>
    public string Severity { get; set; } = "medium";

    /// <summary>Delay from which the alert is <c>high</c>, in seconds. Default 120.</summary>
    public double HighAfterSeconds { get; set; } = 120;

    /// <summary>Delay from which the alert is <c>critical</c>, in seconds; 0 turns the tier off. Default 0.</summary>
    public double CriticalAfterSeconds { get; set; }

    public IEnumerable<ConfigProblem> Validate(string path)
    {
        if (FirstResponseThresholdSeconds is <= 0 or > 86400)
            yield return new ConfigProblem($"{path}:FirstResponseThresholdSeconds", $"must be between 0 (exclusive) and 86400 seconds, was {FirstResponseThresholdSeconds}");
        if (ThresholdSeconds is <= 0 or > 86400)
            yield return new ConfigProblem($"{path}:ThresholdSeconds", $"must be between 0 (exclusive) and 86400 seconds, was {ThresholdSeconds}");
        if (!Alert.TryParseSeverity(Severity, out _))
            yield return new ConfigProblem($"{path}:Severity", $"unknown severity '{Severity}': expected info, low, medium, high or critical");
        if (HighAfterSeconds < 0)
            yield return new ConfigProblem($"{path}:HighAfterSeconds", $"must not be negative, was {HighAfterSeconds}");
        if (CriticalAfterSeconds < 0)
            yield return new ConfigProblem($"{path}:CriticalAfterSeconds", $"must not be negative, was {CriticalAfterSeconds}");
        else if (CriticalAfterSeconds > 0 && CriticalAfterSeconds < HighAfterSeconds)
            yield return new ConfigProblem($"{path}:CriticalAfterSeconds", $"must be at least HighAfterSeconds ({HighAfterSeconds}), was {CriticalAfterSeconds}");
    }
}
