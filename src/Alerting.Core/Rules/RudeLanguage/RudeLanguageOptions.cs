namespace Alerting.Core.Rules.RudeLanguage;

/// <summary>
/// Options of <c>rude_language</c> (config section <c>Rules:RudeLanguage</c>, per store
/// <c>Rules:Stores:&lt;shopId&gt;:RudeLanguage</c>).
/// </summary>
/// <remarks>
/// Store overrides are applied as a flattened-key overlay (<c>Terms:0:Term</c> in a store file
/// replaces element 0 of the global list, it does not append). So a store never edits
/// <see cref="Terms"/> or <see cref="Whitelist"/>: it adds with <see cref="AddTerms"/> /
/// <see cref="AddWhitelist"/> and removes with <see cref="RemoveTerms"/>.
/// The effective lexicon is: built-in lexicon (when <see cref="UseDefaultLexicon"/>) + <see cref="Terms"/>
/// + <see cref="AddTerms"/> − <see cref="RemoveTerms"/>; for equal terms the later entry wins.
/// </remarks>
public sealed class RudeLanguageOptions
{
    /// <summary>Whether the rule runs at all. Default <c>true</c>. Example: <c>"Enabled": false</c> for a store piloting without it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether the built-in customer-service lexicon and whitelist (<see cref="DefaultLexicon"/>) are
    /// included. Default <c>true</c>. Example: <c>false</c> to run only on <see cref="Terms"/>.
    /// </summary>
    public bool UseDefaultLexicon { get; set; } = true;

    /// <summary>
    /// Global extra terms, on top of the built-in lexicon. Default empty. Example:
    /// <c>"Terms": [ { "Term": "蠢猪", "Category": "insult", "Severity": "high", "Variants": [ "蠢朱" ] } ]</c>.
    /// </summary>
    public List<RudeLanguageTerm> Terms { get; set; } = [];

    /// <summary>
    /// Per-store additions (same shape as <see cref="Terms"/>); a term equal to an existing one
    /// replaces it, which is how a store changes a severity. Default empty. Example:
    /// <c>"AddTerms": [ { "Term": "不知道", "Category": "bad_attitude", "Severity": "medium", "WholeMessage": true } ]</c>.
    /// </summary>
    public List<RudeLanguageTerm> AddTerms { get; set; } = [];

    /// <summary>
    /// Terms to drop from the effective lexicon, by canonical term (drops it with its variants) or by
    /// one variant (drops only that spelling); compared after normalization. Default empty.
    /// Example: <c>"RemoveTerms": [ "没空", "尼玛" ]</c>.
    /// </summary>
    public List<string> RemoveTerms { get; set; } = [];

    /// <summary>
    /// Global allowed words: a match overlapped by an allowed word is dropped (操作 drops 操), unless the
    /// allowed word is part of the matched phrase itself (干嘛 does not excuse 问那么多干嘛). Added to the
    /// built-in whitelist. Default empty.
    /// Example: <c>"Whitelist": [ "傻瓜式操作" ]</c>.
    /// </summary>
    public List<string> Whitelist { get; set; } = [];

    /// <summary>Per-store allowed words, added to <see cref="Whitelist"/>. Default empty. Example: <c>"AddWhitelist": [ "马丁靴" ]</c>.</summary>
    public List<string> AddWhitelist { get; set; } = [];

    /// <summary>Normalization switches, each on by default. See <see cref="RudeLanguageNormalizationOptions"/>.</summary>
    public RudeLanguageNormalizationOptions Normalization { get; set; } = new();
}

/// <summary>One lexicon entry of <c>rude_language</c>: a canonical term, how bad it is, and its spellings.</summary>
public sealed class RudeLanguageTerm
{
    /// <summary>Canonical term, reported as <c>term</c> in the evidence. Required. Example: <c>"傻逼"</c>.</summary>
    public string Term { get; set; } = "";

    /// <summary>
    /// Category, snake_case. Required. Known ones (named in Chinese in the summary): <c>insult</c> 辱骂,
    /// <c>bad_attitude</c> 服务态度, <c>profanity</c> 脏话, <c>threat</c> 威胁, <c>sexual</c> 低俗,
    /// <c>discrimination</c> 歧视. Example: <c>"insult"</c>.
    /// </summary>
    public string Category { get; set; } = "";

    /// <summary>One of <c>info</c>, <c>low</c>, <c>medium</c>, <c>high</c>, <c>critical</c>. Default <c>"medium"</c>. Example: <c>"high"</c>.</summary>
    public string Severity { get; set; } = "medium";

    /// <summary>
    /// Other spellings reported as this term: homophones, look-alikes, pinyin, emoji. Default empty.
    /// Example: <c>[ "煞笔", "沙比", "傻b", "sb" ]</c>.
    /// </summary>
    public List<string> Variants { get; set; } = [];

    /// <summary>
    /// When true the term fires only if it is (nearly) the whole reply: everything else in the message
    /// is punctuation, emoji, a filler (我 亲 啊 呀 呢 吧 哦 嗯 …) or another match. Default <c>false</c>.
    /// Example: <c>true</c> for <c>"不知道"</c>, innocent in "我不知道您的尺码，麻烦告诉我".
    /// </summary>
    public bool WholeMessage { get; set; }
}

/// <summary>Normalization switches of <c>rude_language</c>; each is on (<c>true</c>) by default.</summary>
public sealed class RudeLanguageNormalizationOptions
{
    /// <summary>Full-width → half-width and lower case (ｓｂ, ＳＢ, SB → sb). Default <c>true</c>.</summary>
    public bool FoldWidthAndCase { get; set; } = true;

    /// <summary>Drop zero-width and control characters (傻\u200B逼 → 傻逼). Default <c>true</c>; when false they break a word.</summary>
    public bool StripInvisible { get; set; } = true;

    /// <summary>Traditional → simplified with the built-in table of common characters (幹你娘 → 干你娘). Default <c>true</c>.</summary>
    public bool TraditionalToSimplified { get; set; } = true;

    /// <summary>
    /// Skip symbols, spaces and emoji inserted inside a word (傻*逼, 傻 逼, 傻.逼, 傻😀逼 → 傻逼) while sentence
    /// punctuation (，。！？；：、… , ! ? ; and line breaks) still separates words. Default <c>true</c>.
    /// </summary>
    public bool SkipInsertedSymbols { get; set; } = true;

    /// <summary>Read a run of one repeated character as one (傻傻傻逼 → 傻逼, fuuuck → fuck, sbbb → sb). Default <c>true</c>.</summary>
    public bool CollapseRepeats { get; set; } = true;

    /// <summary>
    /// Latin terms (sb, tmd, fuck) match only as whole tokens: not next to another Latin letter or
    /// digit (usb, sbc, 2b are clean; 你是sb吗 fires). Default <c>true</c>.
    /// </summary>
    public bool LatinWholeTokens { get; set; } = true;
}
