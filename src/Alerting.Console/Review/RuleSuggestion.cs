using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.Redis;

namespace Alerting.InspectorConsole.Review;

/// <summary>
/// A rule change a lead suggested from a false-alarm verdict: a whitelist phrase (<c>rude_language</c>), an allowed
/// phrase (<c>forbidden_claim</c>) or a promotion alias (<c>wrong_promo_answer</c>). The console turns it into a config
/// layer file (<see cref="ConfigLayer"/>) that ops review and drop into the worker's config folder; the console never
/// writes the worker's config. <see cref="TakenAt"/> is set when the lead marks the layer as deployed.
/// </summary>
public sealed record RuleSuggestion
{
    /// <summary>Kind: a phrase that excuses a rude-language match.</summary>
    public const string Whitelist = "whitelist";
    /// <summary>Kind: a phrase that makes a forbidden-claim match harmless.</summary>
    public const string Allow = "allow";
    /// <summary>Kind: another name of a promotion.</summary>
    public const string Alias = "alias";

    /// <summary>The kinds and the rule each applies to.</summary>
    public static readonly IReadOnlyDictionary<string, string> RuleOfKind = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Whitelist] = "rude_language", [Allow] = "forbidden_claim", [Alias] = "wrong_promo_answer",
    };

    public required string Id { get; init; }
    public required string Store { get; init; }
    public required string Kind { get; init; }
    public required string Rule { get; init; }
    /// <summary>The alert whose false-alarm verdict this came from.</summary>
    public required string AlertId { get; init; }
    /// <summary>The phrase (whitelist, allow) or the alias.</summary>
    public required string Phrase { get; init; }
    /// <summary>The matched term the phrase excuses (whitelist, allow).</summary>
    public string? Term { get; init; }
    /// <summary>The promotion id the alias is added to (alias).</summary>
    public string? Promotion { get; init; }
    /// <summary>The promotion's key in the worker's <c>Rules:Stores:&lt;shop&gt;:Promotions</c> list (alias).</summary>
    public string? PromotionKey { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? TakenBy { get; init; }
    public DateTimeOffset? TakenAt { get; init; }

    /// <summary>The list key of the entry in the layer: unique per suggestion, so layers never overwrite each other or the configured items.</summary>
    public string ListKey => "console-" + Id;

    /// <summary>The file name ops drop into the worker's config folder (late in the ordinal layer order).</summary>
    public string FileName => $"90-console-{RedisKeys.Encode(Store)}-{Id}.json";

    /// <summary>
    /// The config layer in the worker's format (<c>Rules:Stores:&lt;shop&gt;:…</c>). Lists take the entry under
    /// <see cref="ListKey"/> (.NET config binds every child of a list section, whatever its key), so the layer adds one
    /// item without re-listing the configured ones.
    /// </summary>
    public string ConfigLayer()
    {
        JsonObject store = Kind switch
        {
            Whitelist => new JsonObject { ["RudeLanguage"] = new JsonObject { ["AddWhitelist"] = new JsonObject { [ListKey] = Phrase } } },
            Allow => new JsonObject { ["ForbiddenClaim"] = new JsonObject { ["Allow"] = new JsonObject { [ListKey] = Phrase } } },
            Alias => new JsonObject { ["Promotions"] = new JsonObject { [PromotionKey ?? "0"] = new JsonObject { ["Aliases"] = new JsonObject { [ListKey] = Phrase } } } },
            _ => throw new InvalidOperationException("unknown suggestion kind " + Kind),
        };
        var root = new JsonObject { ["Rules"] = new JsonObject { ["Stores"] = new JsonObject { [Store] = store } } };
        var sb = new StringBuilder();
        sb.Append("// Suggested by the inspector console: ").Append(Describe()).Append('\n');
        sb.Append("// From the false-alarm verdict on alert ").Append(OneLine(AlertId)).Append(", by ").Append(OneLine(CreatedBy))
          .Append(" at ").Append(CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture)).Append(".\n");
        sb.Append("// Review it, run `alerting validate-config --config <folder>`, then drop it into the worker's config folder (hot-reloaded).\n");
        sb.Append(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        sb.Append('\n');
        return sb.ToString();
    }

    private string Describe() => Kind switch
    {
        Whitelist => $"store {OneLine(Store)}: rude_language allows the phrase \"{OneLine(Phrase)}\" (excuses \"{OneLine(Term ?? "")}\")",
        Allow => $"store {OneLine(Store)}: forbidden_claim allows the phrase \"{OneLine(Phrase)}\" (excuses \"{OneLine(Term ?? "")}\")",
        _ => $"store {OneLine(Store)}: promotion {OneLine(Promotion ?? "")} also named \"{OneLine(Phrase)}\"",
    };

    // A comment line must not be ended early by text from chat or config.
    private static string OneLine(string s) => new(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
