namespace Alerting.Core.Rules.RudeLanguage;

/// <summary>Options of <c>rude_language</c> (config section <c>Rules:RudeLanguage</c>, per store <c>Rules:Stores:&lt;shopId&gt;:RudeLanguage</c>).</summary>
public sealed class RudeLanguageOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;
}
