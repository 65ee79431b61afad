namespace Alerting.Core.Rules.ForbiddenReviewInvitation;

/// <summary>Options of <c>forbidden_review_invitation</c> (config <c>Rules:ForbiddenReviewInvitation</c>, per store <c>Rules:Stores:&lt;shopId&gt;:ForbiddenReviewInvitation</c>).</summary>
public sealed class ForbiddenReviewInvitationOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Severity of paid-review wording (好评返现, 晒图返 …), always an alert. Default <c>high</c>.</summary>
    public string PaidReviewSeverity { get; set; } = "high";

    /// <summary>Severity of an invitation in a forbidden context (angry buyer, unanswered question, unsolved problem, price complaint). Default <c>medium</c>.</summary>
    public string ContextSeverity { get; set; } = "medium";

    /// <summary>Extra invitation phrases (added to 好评, 五星, 评价一下 …). Default empty.</summary>
    public List<string> AddInvitationTerms { get; set; } = [];

    /// <summary>Extra paid-review phrases (added to 好评返现, 返现, 晒图返 …). Default empty.</summary>
    public List<string> AddPaidTerms { get; set; } = [];

    /// <summary>Extra exceptions (phrases that cancel a match inside them, e.g. 好评率). Default empty.</summary>
    public List<string> AddAllow { get; set; } = [];
}
