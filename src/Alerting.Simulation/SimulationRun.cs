namespace Alerting.Simulation;

/// <summary>
/// One run of a <see cref="ChatTrafficGenerator"/>: enumerate <see cref="Messages"/> once; the
/// ground truth (<see cref="ExpectedAlerts"/>) grows as conversations complete and is final when
/// <see cref="IsComplete"/> is true. Only the ground truth is kept in memory, not the messages.
/// </summary>
public sealed class SimulationRun
{
    private readonly ChatTrafficGenerator _generator;
    private readonly List<ExpectedAlert> _expected = [];
    private bool _started;

    internal SimulationRun(ChatTrafficGenerator generator) => _generator = generator;

    public IReadOnlyList<SimulatedStore> Stores => _generator.Stores;

    public IReadOnlyList<SimulatedPromotion> Promotions => _generator.Promotions;

    /// <summary>The records in arrival order; can be enumerated only once.</summary>
    public IEnumerable<SimulatedMessage> Messages
    {
        get
        {
            if (_started) throw new InvalidOperationException("a SimulationRun's messages can be enumerated only once; create a new run");
            _started = true;
            return Enumerate();
        }
    }

    /// <summary>Expected alerts of the conversations completed so far (all of them once <see cref="IsComplete"/>).</summary>
    public IReadOnlyList<ExpectedAlert> ExpectedAlerts => _expected;

    /// <summary>True once <see cref="Messages"/> has been enumerated to the end.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Messages emitted so far.</summary>
    public long MessageCount { get; private set; }

    /// <summary>Conversations with at least one emitted message whose ground truth is final.</summary>
    public long ConversationCount { get; private set; }

    /// <summary>Largest sentAt emitted: the final event-time clock of a replay without <c>--until</c>.</summary>
    public DateTimeOffset? LastSentAt { get; private set; }

    /// <summary>Expected alerts due when the consumer's event-time clock ends at <paramref name="finalClock"/>.</summary>
    public IEnumerable<ExpectedAlert> ExpectedAlertsDueBy(DateTimeOffset finalClock) => _expected.Where(a => a.IsDueBy(finalClock));

    private IEnumerable<SimulatedMessage> Enumerate()
    {
        foreach (var m in _generator.Generate(_expected.Add, _ => ConversationCount++))
        {
            MessageCount++;
            if (LastSentAt is null || m.Message.SentAt > LastSentAt) LastSentAt = m.Message.SentAt;
            yield return m;
        }
        IsComplete = true;
    }
}
