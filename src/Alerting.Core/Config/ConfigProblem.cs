namespace Alerting.Core.Config;

/// <summary>
/// One thing wrong with a config set: the config path (e.g. <c>Rules:SlowResponse:ThresholdSeconds</c>),
/// the file that set it when known, and what was expected. Printed by <c>validate-config</c> and
/// logged when a reload is refused.
/// </summary>
public sealed record ConfigProblem(string Path, string Reason)
{
    /// <summary>The file that supplied <see cref="Path"/>, filled in by the loader.</summary>
    public string? File { get; init; }

    public override string ToString() => File is null ? $"{Path}: {Reason}" : $"{File}: {Path}: {Reason}";
}
