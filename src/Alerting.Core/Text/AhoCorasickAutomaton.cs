using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Alerting.Core.Text;

/// <summary>
/// Aho–Corasick automaton over small integer symbols (the matcher's alphabet classes), stored in
/// flat arrays: a dense transition row for the root (where almost every step starts) and sorted
/// edge lists (CSR) for the other states, with failure and output links. Immutable after
/// construction, so one instance is safely shared by any number of threads.
/// </summary>
internal sealed class AhoCorasickAutomaton
{
    private readonly int[] _rootNext;      // [symbol] → state, for state 0
    private readonly int[] _edgeStart;     // [state] → first edge; [state + 1] → end
    private readonly int[] _edgeSymbol;    // sorted per state
    private readonly int[] _edgeTarget;
    private readonly int[] _fail;
    private readonly int[] _inSymbol;      // symbol on the edge into the state (0 for the root)
    private readonly int[] _output;        // first state on the suffix chain (self included) that ends a pattern, or -1
    private readonly int[] _nextOutput;    // next such state further down the chain, or -1
    private readonly int[] _patternAt;     // [state] → pattern index ending exactly here, or -1

    /// <param name="patterns">Patterns as symbol sequences (symbols 1..alphabetSize). A later duplicate replaces an earlier one.</param>
    /// <param name="alphabetSize">Largest symbol value.</param>
    public AhoCorasickAutomaton(IReadOnlyList<int[]> patterns, int alphabetSize)
    {
        var children = new List<SortedDictionary<int, int>> { new() };
        var inSymbol = new List<int> { 0 };
        var patternAt = new List<int> { -1 };
        for (var p = 0; p < patterns.Count; p++)
        {
            var state = 0;
            foreach (var symbol in patterns[p])
            {
                if (symbol <= 0 || symbol > alphabetSize) throw new ArgumentOutOfRangeException(nameof(patterns), "symbol outside the alphabet");
                if (!children[state].TryGetValue(symbol, out var next))
                {
                    next = children.Count;
                    children.Add(new SortedDictionary<int, int>());
                    inSymbol.Add(symbol);
                    patternAt.Add(-1);
                    children[state][symbol] = next;
                }
                state = next;
            }
            if (state != 0) patternAt[state] = p;
        }

        var count = children.Count;
        StateCount = count;
        _rootNext = new int[alphabetSize + 1];
        _edgeStart = new int[count + 1];
        var edges = 0;
        for (var s = 0; s < count; s++)
        {
            _edgeStart[s] = edges;
            if (s != 0) edges += children[s].Count;
        }
        _edgeStart[count] = edges;
        _edgeSymbol = new int[edges];
        _edgeTarget = new int[edges];
        for (var s = 1; s < count; s++)
        {
            var e = _edgeStart[s];
            foreach (var (symbol, target) in children[s])
            {
                _edgeSymbol[e] = symbol;
                _edgeTarget[e] = target;
                e++;
            }
        }
        foreach (var (symbol, target) in children[0]) _rootNext[symbol] = target;

        _inSymbol = [.. inSymbol];
        _patternAt = [.. patternAt];
        _fail = new int[count];
        _output = new int[count];
        _nextOutput = new int[count];
        Array.Fill(_output, -1);
        Array.Fill(_nextOutput, -1);

        // Breadth-first: a state's failure target is always shallower, so it is final when used.
        var queue = new Queue<int>();
        foreach (var (_, target) in children[0])
        {
            _fail[target] = 0;
            queue.Enqueue(target);
        }
        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            var f = _fail[s];
            _nextOutput[s] = _output[f];
            _output[s] = _patternAt[s] >= 0 ? s : _output[f];
            foreach (var (symbol, target) in children[s])
            {
                _fail[target] = Next(f, symbol);
                queue.Enqueue(target);
            }
        }
    }

    /// <summary>The root's dense transition row, indexed by symbol (hot path of the scan).</summary>
    public ReadOnlySpan<int> RootRow => _rootNext;

    /// <summary>Number of states, root included.</summary>
    public int StateCount { get; }

    /// <summary>The state after reading <paramref name="symbol"/> in <paramref name="state"/> (goto, then failure links).</summary>
    /// <remarks>States and symbols come from this automaton, so array accesses skip bounds checks on this hot path.</remarks>
    public int Next(int state, int symbol)
    {
        ref var edgeStart = ref MemoryMarshal.GetArrayDataReference(_edgeStart);
        ref var edgeSymbol = ref MemoryMarshal.GetArrayDataReference(_edgeSymbol);
        ref var fail = ref MemoryMarshal.GetArrayDataReference(_fail);
        while (state != 0)
        {
            int e = Unsafe.Add(ref edgeStart, state), end = Unsafe.Add(ref edgeStart, state + 1);
            // Most states have one or two edges: a linear scan beats a binary search there.
            for (; e < end; e++)
            {
                var label = Unsafe.Add(ref edgeSymbol, e);
                if (label == symbol) return _edgeTarget[e];
                if (label > symbol) break;
            }
            state = Unsafe.Add(ref fail, state);
        }
        return (uint)symbol < (uint)_rootNext.Length ? _rootNext[symbol] : 0;
    }

    /// <summary>The direct child of <paramref name="state"/> on <paramref name="symbol"/>, or 0.</summary>
    public int Goto(int state, int symbol)
    {
        if (state == 0) return (uint)symbol < (uint)_rootNext.Length ? _rootNext[symbol] : 0;
        int lo = _edgeStart[state], hi = _edgeStart[state + 1];
        for (var e = lo; e < hi; e++)
        {
            var label = _edgeSymbol[e];
            if (label == symbol) return _edgeTarget[e];
            if (label > symbol) break;
        }
        return 0;
    }

    /// <summary>The failure link of <paramref name="state"/> (0 = the root).</summary>
    public int Fail(int state) => _fail[state];

    /// <summary>The symbol on the edge into <paramref name="state"/>, i.e. the last symbol read.</summary>
    public int InSymbol(int state) => _inSymbol[state];

    /// <summary>First state on the suffix chain of <paramref name="state"/> that ends a pattern, or -1.</summary>
    public int FirstOutput(int state) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_output), state);

    /// <summary>The next pattern-ending state after <paramref name="outputState"/> on the suffix chain, or -1.</summary>
    public int NextOutput(int outputState) => _nextOutput[outputState];

    /// <summary>The pattern that ends exactly at <paramref name="outputState"/>.</summary>
    public int PatternAt(int outputState) => _patternAt[outputState];
}
