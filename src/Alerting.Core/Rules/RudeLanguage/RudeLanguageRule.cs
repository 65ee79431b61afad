using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;

namespace Alerting.Core.Rules.RudeLanguage;

/// <summary><c>rude_language</c>: rude words and bad-attitude phrases in an agent's reply.</summary>
public sealed class RudeLanguageRule : IChatRule
{
    public const string RuleName = "rude_language";

    public RudeLanguageRule(RudeLanguageOptions options) => Options = options;

    public RudeLanguageOptions Options { get; }

    public string Name => RuleName;

    public static IEnumerable<ConfigProblem> Validate(RudeLanguageOptions options, string path) => [];

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        // Filled in by the matcher work (lexicon, normalization, spans).
    }
}
