namespace Alerting.Core.Rules.RepeatedReply;

/// <summary>Options of <c>repeated_reply</c> (config <c>Rules:RepeatedReply</c>, per store <c>Rules:Stores:&lt;shopId&gt;:RepeatedReply</c>).</summary>
public sealed class RepeatedReplyOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Severity of the alert. Default <c>low</c>.</summary>
    public string Severity { get; set; } = "low";

    /// <summary>The same folded reply sent this many times within <see cref="WindowSeconds"/> fires (2 to 10). Default 3.</summary>
    public int MinRepeats { get; set; } = 3;

    /// <summary>The window the repeats must fall in, in seconds of sentAt (1 to 86400). Default 600.</summary>
    public double WindowSeconds { get; set; } = 600;

    /// <summary>
    /// The same folded reply answering this many different buyer questions in a row fires (2 to 10;
    /// 0 turns the check off). Default 3: on the generated clean corpus, 2 fires where a good reply
    /// happens to fit two related questions (运费险 for 能退吗 and 运费谁出).
    /// </summary>
    public int CannedAnswerRun { get; set; } = 3;

    /// <summary>Replies shorter than this many folded characters (好的, 嗯嗯, 收到) are never counted (1 to 64). Default 5.</summary>
    public int MinLength { get; set; } = 5;

    /// <summary>Replies the store allows to repeat (compared folded and whole, e.g. its closing phrase). Default empty.</summary>
    public List<string> AddAllow { get; set; } = [];
}
