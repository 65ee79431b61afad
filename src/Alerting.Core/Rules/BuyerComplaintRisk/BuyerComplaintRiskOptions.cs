namespace Alerting.Core.Rules.BuyerComplaintRisk;

/// <summary>Options of <c>buyer_complaint_risk</c> (config <c>Rules:BuyerComplaintRisk</c>, per store <c>Rules:Stores:&lt;shopId&gt;:BuyerComplaintRisk</c>).</summary>
public sealed class BuyerComplaintRiskOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Severity of an explicit complaint threat (投诉, 12315, 差评 …). Default <c>critical</c>.</summary>
    public string ThreatSeverity { get; set; } = "critical";

    /// <summary>Severity of strong negative emotion alone (第三次问了, ！！！, 骗子 …). Default <c>medium</c>.</summary>
    public string EmotionSeverity { get; set; } = "medium";

    /// <summary>
    /// An emotion alert escalates to <c>high</c> when no human agent answers within this many seconds
    /// of the first unanswered signal; 0 turns escalation off. Default 60.
    /// </summary>
    public double EscalateAfterSeconds { get; set; } = 60;

    /// <summary>Resolve the alert when the conversation closes and the buyer's last message was not negative. Default false.</summary>
    public bool ResolveOnClose { get; set; }

    /// <summary>Runs of this many ！/？ (any width, mixed) count as negative emotion; 0 turns it off. Default 3.</summary>
    public int PunctuationRun { get; set; } = 3;

    /// <summary>Extra threat phrases (added to the built-in ones). Default empty.</summary>
    public List<string> AddThreatTerms { get; set; } = [];

    /// <summary>Extra negative-emotion phrases. Default empty.</summary>
    public List<string> AddEmotionTerms { get; set; } = [];

    /// <summary>Extra exceptions: phrases that cancel a match inside them. Default empty.</summary>
    public List<string> AddAllow { get; set; } = [];
}
