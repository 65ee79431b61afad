namespace Alerting.Core.Rules.PersonalDataExposure;

/// <summary>Options of <c>personal_data_exposure</c> (config <c>Rules:PersonalDataExposure</c>, per store <c>Rules:Stores:&lt;shopId&gt;:PersonalDataExposure</c>).</summary>
/// <remarks>
/// Lists are empty by default; the .NET binder overlays lists by index, so set a list either in the
/// global section or in a store's section, not in both (a store's entry 0 would replace the global 0).
/// </remarks>
public sealed class PersonalDataExposureOptions
{
    /// <summary>Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Severity of an alert. Default <c>high</c>.</summary>
    public string Severity { get; set; } = "high";

    /// <summary>Look for mainland mobile numbers. Default true.</summary>
    public bool Phones { get; set; } = true;

    /// <summary>Look for 18-character resident ids (checksum verified). Default true.</summary>
    public bool ResidentIds { get; set; } = true;

    /// <summary>Look for bank card numbers (Luhn verified, card-scheme prefix). Default true.</summary>
    public bool BankCards { get; set; } = true;

    /// <summary>
    /// A phone number is the buyer's only when the clause says so (您的/收货人/您预留的…, or a question
    /// that checks it: 是138…吗) — a bare number an agent gives out is a contact, judged by
    /// <c>off_platform_contact</c>. False reports every full mobile number. Default true.
    /// </summary>
    public bool PhoneNeedsBuyerCue { get; set; } = true;

    /// <summary>
    /// Regular expressions (.NET syntax, whole-number match on the digits alone, X for an id's check
    /// character) of the store's order and tracking numbers, which are never personal data, e.g.
    /// <c>^[1-4]\d{18}$</c>. Default empty (the built-in labels 订单号, 单号, 快递 … still apply).
    /// </summary>
    public List<string> OrderNumberPatterns { get; set; } = [];

    /// <summary>Extra words that, just before a number, mark it as an order/tracking/other reference (added to the built-in labels). Default empty.</summary>
    public List<string> AddNumberLabels { get; set; } = [];

    /// <summary>Extra card-scheme prefixes for bank cards (added to 62, 60, 4, 51–55, 35, 95). Default empty.</summary>
    public List<string> AddBankCardPrefixes { get; set; } = [];

    /// <summary>The store's own numbers (service hotline, official mobile), digits only or as written; never reported. Default empty.</summary>
    public List<string> AllowNumbers { get; set; } = [];
}
