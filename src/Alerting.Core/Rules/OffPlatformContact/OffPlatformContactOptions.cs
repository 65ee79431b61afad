namespace Alerting.Core.Rules.OffPlatformContact;

/// <summary>Options of <c>off_platform_contact</c> (config <c>Rules:OffPlatformContact</c>, per store <c>Rules:Stores:&lt;shopId&gt;:OffPlatformContact</c>).</summary>
/// <remarks>
/// The binder overlays lists by index, so the built-in lexicon is switched by <see cref="UseDefaultTerms"/>
/// and stores extend with <c>Add…</c> lists; set each list either globally or per store, not both.
/// </remarks>
public sealed class OffPlatformContactOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Severity of an alert. Default <c>high</c> (platforms punish the store).</summary>
    public string Severity { get; set; } = "high";

    /// <summary>Use the built-in phrases and exceptions (see README). Default true.</summary>
    public bool UseDefaultTerms { get; set; } = true;

    /// <summary>Extra phrases that move a buyer off the platform, e.g. a competitor's app name. Default empty.</summary>
    public List<string> AddTerms { get; set; } = [];

    /// <summary>Built-in phrases (as written in the README) this store does not want. Default empty.</summary>
    public List<string> RemoveTerms { get; set; } = [];

    /// <summary>
    /// Phrases that make a match inside them harmless, e.g. the store's own 加入店铺会员群 or a
    /// sentence of its quick replies. Added to the built-in exceptions. Default empty.
    /// </summary>
    public List<string> AddAllow { get; set; } = [];

    /// <summary>
    /// The store's official numbers (service hotline 400-820-8820, an official service mobile), as
    /// written; giving them out is allowed. Compared digit by digit. Default empty.
    /// </summary>
    public List<string> AllowNumbers { get; set; } = [];

    /// <summary>Report a phone number given with a contact cue (打/拨/联系/加/找/我…). Default true.</summary>
    public bool Phones { get; set; } = true;
}
