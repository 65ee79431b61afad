namespace Alerting.Core.Rules.ForbiddenClaims;

/// <summary>Options of <c>forbidden_claim</c> (config section <c>Rules:ForbiddenClaim</c>).</summary>
/// <remarks>
/// The configuration binder appends to list properties, so the built-in list is not a list
/// default: it is switched by <see cref="UseDefaultTerms"/>, and <see cref="Terms"/> adds to it or
/// overrides a built-in term's severity.
/// </remarks>
public sealed class ForbiddenClaimOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether the built-in 极限词 list (see README) is used. Default true.</summary>
    public bool UseDefaultTerms { get; set; } = true;

    /// <summary>Extra terms, or built-in terms with another severity. Default empty.</summary>
    public List<ForbiddenTermOptions> Terms { get; set; } = [];

    /// <summary>
    /// Phrases that make a match harmless when the match lies inside one (国家级非物质文化遗产,
    /// 不是最低价). Added to the built-in exceptions. Default empty.
    /// </summary>
    public List<string> Allow { get; set; } = [];
}

/// <summary>One forbidden term.</summary>
public sealed class ForbiddenTermOptions
{
    /// <summary>The term as written (全网最低); matched after width/case folding, spaces ignored.</summary>
    public string Term { get; set; } = "";

    /// <summary>info, low, medium, high or critical. Default <c>high</c>.</summary>
    public string Severity { get; set; } = "high";
}
