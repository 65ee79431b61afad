using System.Text.Json;

namespace Alerting.Core.Config;

/// <summary>
/// Rules built from options alone are built once per distinct options and shared: by the stores of one snapshot
/// that inherit the same settings, and by the snapshots of later reloads that did not change them. Compiling a
/// lexicon (the rude-language matcher: its phrases, templates and automaton) costs far more than evaluating
/// messages, and a deployment with hundreds of stores would otherwise compile it hundreds of times at start and
/// again at every reload. Safe because a rule instance is already shared by every partition thread: it holds
/// nothing of a store or a conversation. Bounded (the most recently used <see cref="Capacity"/> builds).
/// Thread-safe.
/// </summary>
internal static class SharedRuleInstances
{
    public const int Capacity = 64;

    private static readonly JsonSerializerOptions KeyFormat = new() { WriteIndented = false };
    private static readonly Dictionary<(Type Rule, string Options), LinkedListNode<(Type, string, object)>> Index = [];
    private static readonly LinkedList<(Type Rule, string Options, object Instance)> Recent = new();
    private static readonly Lock Gate = new();

    /// <summary>The rule built by <paramref name="build"/> from options equal to <paramref name="options"/> (by their JSON), built now if none is kept.</summary>
    public static TRule Get<TOptions, TRule>(TOptions options, Func<TOptions, TRule> build) where TRule : class
    {
        ArgumentNullException.ThrowIfNull(build);
        var key = (typeof(TRule), JsonSerializer.Serialize(options, KeyFormat));
        lock (Gate)
        {
            if (Index.TryGetValue(key, out var node))
            {
                Recent.Remove(node);
                Recent.AddFirst(node);
                return (TRule)node.Value.Item3;
            }
        }
        // Built outside the lock (a second thread building the same rule meanwhile only costs time).
        var rule = build(options);
        lock (Gate)
        {
            if (Index.TryGetValue(key, out var raced)) return (TRule)raced.Value.Item3;
            Index[key] = Recent.AddFirst((key.Item1, key.Item2, rule));
            while (Recent.Count > Capacity)
            {
                var last = Recent.Last!;
                Index.Remove((last.Value.Rule, last.Value.Options));
                Recent.RemoveLast();
            }
        }
        return rule;
    }
}
