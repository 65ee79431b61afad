using Alerting.Core.Alerts;
using Alerting.Core.Messages;

namespace Alerting.Core.Rules;

/// <summary>
/// A rule evaluated on every chat record of a store. Rules are pure: no Kafka, Redis, threads or
/// wall clock; what they need arrives in the <see cref="RuleContext"/> passed to <see cref="Evaluate"/>. An instance is immutable and
/// built once per config version (lexicon automata, promotion tables), so it is safe to share
/// across partitions and threads.
/// </summary>
public interface IChatRule
{
    /// <summary>The contracts' snake_case rule name, e.g. <c>rude_language</c>.</summary>
    string Name { get; }

    /// <summary>Appends the alerts this record raises to <paramref name="alerts"/> (nothing on the clean path).</summary>
    void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts);
}
