using System.Globalization;
using Alerting.Core.Messages;

namespace Alerting.Simulation;

/// <summary>
/// Deterministic, seedable generator of Chinese e-commerce customer-service chat (CONTRACTS.md §1)
/// with labelled faults and exact ground truth (<see cref="ExpectedAlert"/>).
/// <para>
/// Streaming: conversations are scripted when their start time comes up and interleaved through a
/// priority queue keyed by arrival time, so memory grows with the number of open conversations,
/// not with the run. Output order is arrival order: sentAt order when <see cref="SimulationOptions.MaxDisorder"/>
/// is zero; otherwise each record arrives up to that much after its sentAt, order within a
/// conversation always kept. Message ids (<c>m-&lt;seed&gt;-&lt;n&gt;</c>) are numbered in output order.
/// </para>
/// <para>Same options → byte-identical output (own PRNG, no hash-order or culture dependence). Not thread-safe; each
/// <see cref="Generate(Action{ExpectedAlert})"/> enumeration starts the run from scratch.</para>
/// </summary>
public sealed class ChatTrafficGenerator
{
    private const ulong StoreStream = 1, ArrivalStream = 2, ConversationStream = 3, DisorderStream = 4;

    private readonly SimulationOptions _options;
    private readonly DateTimeOffset _start;
    private readonly Dictionary<string, string> _nicknames = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public ChatTrafficGenerator(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("invalid simulation options: " + string.Join("; ", problems), nameof(options));
        _options = options;
        // Whole milliseconds: the wire format has millisecond precision, so parsed == generated.
        _start = new DateTimeOffset(options.Start.Ticks - options.Start.Ticks % TimeSpan.TicksPerMillisecond, options.Start.Offset);
        Stores = BuildStores();
        Promotions = Stores.SelectMany(s => s.Promotions).ToArray();
    }

    public SimulationOptions Options => _options;

    /// <summary>The simulated stores, their agents and promotions (fixed by seed, Stores and AgentsPerStore).</summary>
    public IReadOnlyList<SimulatedStore> Stores { get; }

    /// <summary>All live promotions, to be written into the rules' config.</summary>
    public IReadOnlyList<SimulatedPromotion> Promotions { get; }

    /// <summary>Starts a run that collects the ground truth while its messages are enumerated.</summary>
    public SimulationRun CreateRun() => new(this);

    /// <summary>
    /// The chat records in arrival order. <paramref name="onExpectedAlert"/> receives each expected
    /// alert as soon as its conversation is complete (all of them by the end of the enumeration).
    /// </summary>
    public IEnumerable<SimulatedMessage> Generate(Action<ExpectedAlert>? onExpectedAlert = null) => Generate(onExpectedAlert, null);

    internal IEnumerable<SimulatedMessage> Generate(Action<ExpectedAlert>? onExpectedAlert, Action<PlannedConversation>? onConversationDone)
    {
        var emitAlert = onExpectedAlert ?? (_ => { });
        var planner = new ConversationPlanner(_options, _start, _nicknames);
        var arrivals = SimRandom.Create(_options.Seed, ArrivalStream, 0);
        var meanGapMs = 60_000.0 / _options.ConversationsPerMinute;
        var maxDisorderMs = (long)_options.MaxDisorder.TotalMilliseconds;
        var maxConversations = _options.Conversations ?? long.MaxValue;
        var maxMessages = _options.MessageCount ?? long.MaxValue;
        var inv = CultureInfo.InvariantCulture;

        var queue = new PriorityQueue<PlannedEvent, (long Arrival, long Seq)>();
        var open = new SortedDictionary<long, PlannedConversation>();
        long planned = 0, seq = 0, emitted = 0;
        double nextStart = 0;

        while (true)
        {
            // Script every conversation that starts no later than the earliest pending arrival: a
            // conversation's records never arrive before its start, so nothing can overtake the head.
            while (planned < maxConversations && (queue.Count == 0 || (long)nextStart <= queue.Peek().ArrivalMs))
            {
                planned++;
                var rng = SimRandom.Create(_options.Seed, ConversationStream, planned);
                var store = rng.Pick(Stores);
                var buyer = "b-" + (rng.Next(_options.Buyers) + 1).ToString("D6", inv);
                var conv = planner.Plan(planned, $"c-{_options.Seed.ToString(inv)}-{planned.ToString("D6", inv)}", store, buyer, (long)nextStart, rng);
                var jitter = SimRandom.Create(_options.Seed, DisorderStream, planned);
                long lastArrival = long.MinValue;
                foreach (var e in conv.Events)
                {
                    e.Seq = seq++;
                    e.ArrivalMs = Math.Max(e.AtMs + (maxDisorderMs > 0 ? jitter.Between(0, maxDisorderMs) : 0), lastArrival);
                    lastArrival = e.ArrivalMs;
                }
                open.Add(conv.Index, conv);
                var head = conv.Events[0];
                queue.Enqueue(head, (head.ArrivalMs, head.Seq));
                nextStart += arrivals.Exponential(meanGapMs);
            }
            if (queue.Count == 0 || emitted >= maxMessages) break;

            var next = queue.Dequeue();
            var c = next.Conversation;
            next.MessageId = $"m-{_options.Seed.ToString(inv)}-{(emitted + 1).ToString("D7", inv)}";
            var message = new ChatMessage
            {
                MessageId = next.MessageId,
                ConversationId = c.ConversationId,
                ShopId = c.Store.ShopId,
                Sender = next.Sender,
                SenderId = next.SenderId,
                AgentId = next.AgentId,
                Text = next.Text,
                SentAt = _start.AddMilliseconds(next.AtMs),
                Event = next.Kind,
            };
            var simulated = new SimulatedMessage(emitted, message, next.Fault);
            emitted++;
            c.Emitted++;
            if (c.Emitted < c.Events.Count)
            {
                // Only each conversation's next record is queued: order within a conversation is kept.
                var after = c.Events[c.Emitted];
                queue.Enqueue(after, (after.ArrivalMs, after.Seq));
            }
            else
            {
                open.Remove(c.Index);
                GroundTruthOracle.Evaluate(c, _options, _start, emitAlert);
                onConversationDone?.Invoke(c);
            }
            yield return simulated;
        }

        // MessageCount cut conversations short: their truth is what was emitted.
        foreach (var c in open.Values)
        {
            if (c.Emitted == 0) continue;
            GroundTruthOracle.Evaluate(c, _options, _start, emitAlert);
            onConversationDone?.Invoke(c);
        }
    }

    private List<SimulatedStore> BuildStores()
    {
        var rng = SimRandom.Create(_options.Seed, StoreStream, 0);
        var inv = CultureInfo.InvariantCulture;
        var stores = new List<SimulatedStore>(_options.Stores);
        var startDay = new DateTimeOffset(_start.Year, _start.Month, _start.Day, 0, 0, 0, _start.Offset);
        var endDay = startDay.AddDays(Math.Max(1, (int)Math.Ceiling(EstimatedMinutes() / 1440.0) + 1));
        var promotionEnd = endDay.AddSeconds(-1); // 23:59:59 of the last day
        var categories = Vocabulary.Categories;
        for (int i = 0; i < _options.Stores; i++)
        {
            var vocab = categories[i % categories.Count];
            var round = i / categories.Count;
            var name = vocab.StoreNames[round % vocab.StoreNames.Count];
            if (round >= vocab.StoreNames.Count) name += (round / vocab.StoreNames.Count + 1).ToString(inv) + "号店";
            var shopId = $"shop-{vocab.Key}-{(i + 1).ToString("D2", inv)}";
            var agents = new List<string>(_options.AgentsPerStore);
            for (int k = 0; k < _options.AgentsPerStore; k++)
            {
                var agentId = $"agent-{(i + 1).ToString("D2", inv)}-{(k + 1).ToString("D2", inv)}";
                agents.Add(agentId);
                _nicknames[agentId] = Vocabulary.AgentNicknames[(i * 5 + k) % Vocabulary.AgentNicknames.Count];
            }

            var promotions = new List<SimulatedPromotion>();
            var count = rng.Chance(0.5) ? 2 : 1;
            var names = Vocabulary.PromotionNames;
            var usedThresholds = new HashSet<int>();
            for (int p = 0; p < count; p++)
            {
                // The main promotion is one of the first two names; a second one from the rest, so a store's names never overlap.
                var (promoName, aliases, id) = p == 0 ? names[rng.Next(2)] : names[2 + rng.Next(names.Count - 2)];
                (int Threshold, int Amount) terms;
                do { terms = rng.Pick(Vocabulary.PromotionTerms); } while (!usedThresholds.Add(terms.Threshold));
                var promoStart = startDay.AddDays(-rng.Between(1, 3)).AddHours(20);
                promotions.Add(new SimulatedPromotion(shopId, id, promoName, aliases, terms.Threshold, terms.Amount, promoStart, promotionEnd));
            }
            stores.Add(new SimulatedStore(shopId, name, vocab.Category, agents, promotions));
        }
        return stores;
    }

    /// <summary>Generous estimate of the run's event-time length, so promotions outlive it.</summary>
    private double EstimatedMinutes()
    {
        // A conversation has at least two records; the last one ends at most ~15 minutes after it starts.
        var conversations = Math.Min(_options.Conversations ?? long.MaxValue, _options.MessageCount is { } m ? m / 2 + 1 : long.MaxValue);
        return conversations / _options.ConversationsPerMinute * 2 + 60;
    }
}
