using Alerting.Core.Messages;

namespace Alerting.Simulation;

/// <summary>One scripted chat record before it is emitted (ids are given in arrival order at emission).</summary>
internal sealed class PlannedEvent
{
    public required PlannedConversation Conversation { get; init; }
    /// <summary>sentAt in milliseconds since the run's start.</summary>
    public long AtMs { get; set; }
    /// <summary>Arrival key in milliseconds (≥ <see cref="AtMs"/>, ≤ AtMs + MaxDisorder, non-decreasing within a conversation).</summary>
    public long ArrivalMs { get; set; }
    /// <summary>Global tie-breaker: planning order.</summary>
    public long Seq { get; set; }
    public required SenderKind Sender { get; init; }
    public required string SenderId { get; init; }
    public string? AgentId { get; set; }
    public string Text { get; init; } = "";
    public ChatEventKind Kind { get; init; } = ChatEventKind.Message;
    public SimulatedFault Fault { get; set; }
    /// <summary>Canonical rude phrase when <see cref="SimulatedFault.RudeLanguage"/>.</summary>
    public string? RudePhrase { get; init; }
    /// <summary>What the fault of a newer rule is about (the personal number's kind …), for the ground truth's evidence.</summary>
    public string? FaultDetail { get; init; }
    /// <summary>Promotion named by an agent message that states terms (clean or wrong).</summary>
    public SimulatedPromotion? Promotion { get; init; }
    public string? StatedTerms { get; init; }
    public string? MessageId { get; set; }

    public bool IsHumanReply => Sender == SenderKind.Agent && Kind == ChatEventKind.Message;
}

/// <summary>A scripted conversation: its records in sentAt order and how many were emitted so far.</summary>
internal sealed class PlannedConversation
{
    public required long Index { get; init; }
    public required string ConversationId { get; init; }
    public required SimulatedStore Store { get; init; }
    /// <summary>Agent the store's routing assigned before any reply.</summary>
    public required string InitialOwner { get; init; }
    public List<PlannedEvent> Events { get; } = [];
    public int Emitted { get; set; }
}

/// <summary>
/// Scripts one conversation: buyer turns (pre-sales or after-sales topics), bot auto-replies,
/// agents' greetings and answers, an optional transfer, and the injected faults. All timing is
/// relative to the first buyer message; the ground truth is derived afterwards from the script by
/// <see cref="GroundTruthOracle"/>, so a label here is an intent, the oracle is the truth.
/// </summary>
internal sealed class ConversationPlanner
{
    private readonly SimulationOptions _options;
    private readonly DateTimeOffset _start;
    private readonly IReadOnlyDictionary<string, string> _nicknames;
    private readonly long _cleanMin, _cleanMax, _slowMin, _slowMax, _timeout;

    public ConversationPlanner(SimulationOptions options, DateTimeOffset start, IReadOnlyDictionary<string, string> nicknames)
    {
        _options = options;
        _start = start;
        _nicknames = nicknames;
        _cleanMin = Ms(options.CleanReplyDelayMin);
        _cleanMax = Ms(options.CleanReplyDelayMax);
        _slowMin = Ms(options.SlowReplyDelayMin);
        _slowMax = Ms(options.SlowReplyDelayMax);
        _timeout = Ms(options.UnansweredTimeout);
    }

    private static long Ms(TimeSpan t) => (long)t.TotalMilliseconds;

    public PlannedConversation Plan(long index, string conversationId, SimulatedStore store, string buyerId, long startMs, SimRandom rng)
    {
        var vocab = Vocabulary.Categories.First(c => c.Category == store.Category);
        var product = rng.Pick(vocab.Products);
        var owner = rng.Pick(store.AgentIds);
        var conv = new PlannedConversation { Index = index, ConversationId = conversationId, Store = store, InitialOwner = owner };
        var promo = rng.Pick(store.Promotions);
        var ctx = new TalkContext
        {
            Store = store,
            Vocabulary = vocab,
            Start = _start,
            Product = product,
            Variant = rng.Pick(product.Variants),
            Size = rng.Pick(product.Sizes),
            Size2 = "",
            AgentNick = _nicknames[owner],
        };
        SetPromotion(ctx, promo, rng);
        var otherSizes = product.Sizes.Where(s => s != ctx.Size).ToArray();
        ctx.Size2 = otherSizes.Length > 0 ? rng.Pick(otherSizes) : ctx.Size;

        var preSales = rng.Chance(_options.PreSalesShare);
        var questionTurns = rng.Between(1, 3);
        var unansweredTurn = rng.Chance(_options.UnansweredRate) ? rng.Next(questionTurns) : -1;
        var transferTurn = store.AgentIds.Count >= 2 && rng.Chance(_options.TransferRate) ? rng.Next(questionTurns) : -1;
        var botGreeting = rng.Chance(_options.BotGreetingRate);
        var greeted = false;
        // Drawn only when the rate is set, so runs made before this fault existed stay identical.
        var repeatPending = rng.Chance(_options.RepeatedReplyRate);

        long t = startMs;
        PlannedEvent Add(long at, SenderKind sender, string senderId, string text, ChatEventKind kind = ChatEventKind.Message,
            SimulatedFault fault = SimulatedFault.None, string? rude = null, SimulatedPromotion? promotion = null, string? stated = null, string? agentId = null,
            string? detail = null)
        {
            var e = new PlannedEvent
            {
                Conversation = conv, AtMs = at, Sender = sender, SenderId = senderId, Text = text, Kind = kind,
                Fault = fault, RudePhrase = rude, Promotion = promotion, StatedTerms = stated, AgentId = agentId, FaultDetail = detail,
            };
            conv.Events.Add(e);
            return e;
        }

        // One agent message: clean, or rude with RudeReplyRate; promotion answers may state wrong terms.
        PlannedEvent AgentSays(long at, Func<string> clean, Topic? topic)
        {
            if (rng.Chance(_options.RudeReplyRate))
            {
                var (phrase, lines) = rng.Pick(Vocabulary.RudeLines);
                return Add(at, SenderKind.Agent, owner, Vocabulary.Plain(lines, ctx, rng), fault: SimulatedFault.RudeLanguage, rude: phrase);
            }
            // Newer rules' faults draw from the generator only when their rate is set, so older runs stay identical.
            if (rng.Chance(_options.PersonalDataRate))
            {
                var (kind, line) = FaultLines.PersonalData(rng);
                return Add(at, SenderKind.Agent, owner, line, fault: SimulatedFault.PersonalData, detail: kind);
            }
            if (rng.Chance(_options.OffPlatformContactRate))
            {
                var (category, line) = FaultLines.OffPlatform(rng);
                return Add(at, SenderKind.Agent, owner, line, fault: SimulatedFault.OffPlatformContact, detail: category);
            }
            if (rng.Chance(_options.PaidReviewRate))
                return Add(at, SenderKind.Agent, owner, FaultLines.PaidReview(rng), fault: SimulatedFault.PaidReview, detail: "paid");
            if (topic == Topic.Promotion)
            {
                var p = ctx.Promotion ?? rng.Pick(store.Promotions);
                SetPromotion(ctx, p, rng);
                var wrong = rng.Chance(_options.WrongPromoRate);
                if (wrong)
                    (ctx.StatedThreshold, ctx.StatedAmount) = rng.Chance(_options.SharedBadTemplateShare)
                        ? SharedBadTemplate(p, store.Promotions)
                        : WrongTerms(p, store.Promotions, rng);
                var text = Vocabulary.AgentAnswer(Topic.Promotion, ctx, rng);
                var stated = SimulatedPromotion.FormatTerms(ctx.StatedThreshold, ctx.StatedAmount);
                SetPromotion(ctx, p, rng);
                return Add(at, SenderKind.Agent, owner, text, fault: wrong ? SimulatedFault.WrongPromoAnswer : SimulatedFault.None, promotion: p, stated: stated);
            }
            if (repeatPending)
            {
                // The first clean reply becomes a canned line sent three times 1–2.5 s apart: all copies
                // come before the buyer's next turn (≥ 8 s after the turn's last agent message).
                repeatPending = false;
                var canned = FaultLines.RepeatedReply(rng);
                var head = Add(at, SenderKind.Agent, owner, canned, fault: SimulatedFault.RepeatedReply, agentId: owner);
                var next = at;
                for (var copy = 0; copy < 2; copy++)
                {
                    next += rng.Between(1000, 2500);
                    Add(next, SenderKind.Agent, owner, canned, fault: SimulatedFault.RepeatedReply, agentId: owner);
                }
                return head;
            }
            return Add(at, SenderKind.Agent, owner, clean(), agentId: owner);
        }

        var turns = new List<Topic?>();
        var topics = preSales ? Vocabulary.PreSalesTopics : Vocabulary.AfterSalesTopics;
        for (int i = 0; i < questionTurns; i++) turns.Add(rng.Pick(topics));
        if (unansweredTurn < 0 && rng.Chance(0.5)) turns.Add(null); // a closing "thanks" turn

        long lastAt = t;
        for (int turn = 0; turn < turns.Count; turn++)
        {
            var topic = turns[turn];
            var buyerStart = t;
            var turnBuyerMessages = new List<PlannedEvent>();
            if (topic is { } q)
            {
                if (q == Topic.Promotion) SetPromotion(ctx, rng.Pick(store.Promotions), rng);
                if (turn == 0 && rng.Chance(0.35))
                {
                    turnBuyerMessages.Add(Add(t, SenderKind.Buyer, buyerId, Vocabulary.Buyer(Vocabulary.BuyerOpeners, ctx, rng)));
                    turnBuyerMessages.Add(Add(t + rng.Between(800, _cleanMin - 300), SenderKind.Buyer, buyerId, Vocabulary.BuyerQuestion(q, ctx, rng)));
                }
                else
                {
                    turnBuyerMessages.Add(Add(t, SenderKind.Buyer, buyerId, Vocabulary.BuyerQuestion(q, ctx, rng)));
                    if (rng.Chance(0.25))
                        turnBuyerMessages.Add(Add(t + rng.Between(800, _cleanMin - 300), SenderKind.Buyer, buyerId, Vocabulary.Buyer(Vocabulary.BuyerDetails, ctx, rng)));
                }
            }
            else
            {
                turnBuyerMessages.Add(Add(t, SenderKind.Buyer, buyerId, Vocabulary.Buyer(Vocabulary.BuyerThanks, ctx, rng)));
            }
            if (topic is not null && rng.Chance(_options.ComplaintRiskRate))
            {
                var (tier, line) = FaultLines.ComplaintRisk(rng);
                turnBuyerMessages.Add(Add(t + rng.Between(300, 700), SenderKind.Buyer, buyerId, line, fault: SimulatedFault.ComplaintRisk, detail: tier));
            }

            if (turn == 0 && botGreeting)
            {
                var line = rng.Chance(0.3) ? Vocabulary.Plain(Vocabulary.BotPromotionLines, ctx, rng) : Vocabulary.Plain(Vocabulary.BotGreetings, ctx, rng);
                Add(buyerStart + rng.Between(300, 1500), SenderKind.Bot, BotId(store), line);
            }

            var transferred = false;
            if (turn == transferTurn)
            {
                var others = store.AgentIds.Where(a => a != owner).ToArray();
                owner = rng.Pick(others);
                ctx.AgentNick = _nicknames[owner];
                Add(buyerStart + rng.Between(1000, _cleanMin - 200), SenderKind.System, "system", "", ChatEventKind.Transfer, agentId: owner);
                transferred = true;
            }

            if (turn == unansweredTurn)
            {
                foreach (var b in turnBuyerMessages) b.Fault |= SimulatedFault.UnansweredBuyer;
                lastAt = turnBuyerMessages[^1].AtMs;
                if (rng.Chance(0.5)) Add(buyerStart + rng.Between(1500, 4000), SenderKind.Bot, BotId(store), Vocabulary.Plain(Vocabulary.BotBusyReplies, ctx, rng));
                if (rng.Chance(0.4))
                {
                    var nudge = Add(buyerStart + rng.Between(_timeout * 15 / 100, _timeout * 60 / 100), SenderKind.Buyer, buyerId, Vocabulary.Buyer(Vocabulary.BuyerNudges, ctx, rng));
                    nudge.Fault |= SimulatedFault.UnansweredBuyer;
                }
                if (rng.Chance(_options.CloseRate))
                {
                    // Close clearly before the deadline (fires at close) or clearly after it (fires at the deadline).
                    var closeAt = rng.Chance(0.5)
                        ? buyerStart + rng.Between(_timeout * 65 / 100, _timeout * 85 / 100)
                        : buyerStart + rng.Between(_timeout * 110 / 100, _timeout * 250 / 100);
                    Add(closeAt, SenderKind.System, "system", "", ChatEventKind.Close);
                }
                return Finish(conv);
            }

            var slow = rng.Chance(_options.SlowReplyRate);
            // Drawn only when its rate is set (older runs stay identical).
            var nearMiss = !slow && rng.Chance(_options.NearMissReplyRate);
            var replyAt = buyerStart + (slow ? rng.Between(_slowMin, _slowMax)
                : nearMiss ? rng.Between(Ms(_options.WarningPoint) + 1000, Ms(_options.SlowResponseThreshold) - 1000)
                : rng.Between(_cleanMin, _cleanMax));
            if (slow && rng.Chance(0.5))
                Add(buyerStart + rng.Between(_cleanMax + 1000, _slowMin - 1000), SenderKind.Buyer, buyerId, Vocabulary.Buyer(Vocabulary.BuyerNudges, ctx, rng));

            PlannedEvent first;
            long at = replyAt;
            if (topic is null)
            {
                first = AgentSays(at, () => Vocabulary.Agent(Vocabulary.AgentThanksReplies, ctx, rng), null);
            }
            else
            {
                if ((transferred || !greeted) && rng.Chance(0.7))
                {
                    var greetings = transferred ? Vocabulary.AgentTransferGreetings : Vocabulary.AgentGreetings;
                    first = AgentSays(at, () => Vocabulary.Agent(greetings, ctx, rng), null);
                    at += rng.Between(2000, 8000);
                    AgentSays(at, () => Vocabulary.AgentAnswer(topic.Value, ctx, rng), topic);
                }
                else
                {
                    first = AgentSays(at, () => Vocabulary.AgentAnswer(topic.Value, ctx, rng), topic);
                }
                greeted = true;
                if (turn == turns.Count - 1 && rng.Chance(0.4))
                {
                    at += rng.Between(3000, 10000);
                    AgentSays(at, () => Vocabulary.Agent(Vocabulary.AgentClosers, ctx, rng), null);
                }
            }
            if (slow) first.Fault |= SimulatedFault.SlowReply;
            if (nearMiss) first.Fault |= SimulatedFault.NearMissReply;
            lastAt = at;
            t = at + rng.Between(8000, 90000);
        }

        if (rng.Chance(_options.CloseRate))
            Add(lastAt + rng.Between(20000, 120000), SenderKind.System, "system", "", ChatEventKind.Close);
        return Finish(conv);
    }

    private static string BotId(SimulatedStore store) => "bot-" + store.ShopId;

    private static void SetPromotion(TalkContext ctx, SimulatedPromotion promo, SimRandom rng)
    {
        ctx.Promotion = promo;
        ctx.PromotionLabel = promo.Aliases.Count > 0 && rng.Chance(0.5) ? rng.Pick(promo.Aliases) : promo.Name;
        ctx.StatedThreshold = promo.Threshold;
        ctx.StatedAmount = promo.Amount;
    }

    /// <summary>Wrong terms for <paramref name="promo"/>: threshold or amount changed, never equal to any live promotion of the store.</summary>
    /// <summary>The store's one bad quick-reply template for a promotion: the first valid wrong terms, the same for every agent.</summary>
    internal static (int Threshold, int Amount) SharedBadTemplate(SimulatedPromotion promo, IReadOnlyList<SimulatedPromotion> storePromotions)
        => WrongCandidates(promo, storePromotions)[0];

    internal static (int Threshold, int Amount) WrongTerms(SimulatedPromotion promo, IReadOnlyList<SimulatedPromotion> storePromotions, SimRandom rng)
        => rng.Pick(WrongCandidates(promo, storePromotions));

    private static (int Threshold, int Amount)[] WrongCandidates(SimulatedPromotion promo, IReadOnlyList<SimulatedPromotion> storePromotions)
    {
        var candidates = new List<(int, int)>();
        foreach (var dt in (int[])[-100, -50, 100, 200])
            candidates.Add((promo.Threshold + dt, promo.Amount));
        foreach (var da in (int[])[-10, 10, 20, 50])
            candidates.Add((promo.Threshold, promo.Amount + da));
        candidates.Add((promo.Threshold, promo.Amount * 2));
        var valid = candidates
            .Where(c => c.Item1 > 0 && c.Item2 > 0 && c.Item2 < c.Item1)
            .Where(c => !storePromotions.Any(p => p.Threshold == c.Item1 && p.Amount == c.Item2))
            .ToArray();
        return valid;
    }

    /// <summary>
    /// Sorts by sentAt (stable), makes times strictly increasing within the conversation (no
    /// same-millisecond ambiguity), and stamps the owning agent on non-agent records.
    /// </summary>
    private static PlannedConversation Finish(PlannedConversation conv)
    {
        var sorted = conv.Events.OrderBy(e => e.AtMs).ToList();
        conv.Events.Clear();
        conv.Events.AddRange(sorted);
        long last = long.MinValue;
        foreach (var e in conv.Events)
        {
            if (e.AtMs <= last) e.AtMs = last + 1;
            last = e.AtMs;
        }
        // Routing assigns the owner before the first reply (旺旺 分流): buyers' first messages carry it too.
        string owner = conv.InitialOwner;
        foreach (var e in conv.Events)
        {
            if (e.Kind == ChatEventKind.Transfer) owner = e.AgentId!;
            else if (e.Sender == SenderKind.Agent)
            {
                owner = e.SenderId;
                e.AgentId = e.SenderId;
            }
            else e.AgentId = owner;
        }
        return conv;
    }
}
