using System.Globalization;

namespace Alerting.Simulation;

/// <summary>
/// Options of <see cref="ChatTrafficGenerator"/>. Every default is stated on its property; the same
/// options always give byte-identical output. Rates are probabilities in [0, 1].
/// </summary>
public sealed class SimulationOptions
{
    /// <summary>Beijing time (UTC+8), the offset of every generated <c>sentAt</c> by default.</summary>
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    /// <summary>Seed of every random choice; also part of message and conversation ids. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Number of stores (cycling beauty, apparel, home goods, digital accessories). Default 12.</summary>
    public int Stores { get; set; } = 12;

    /// <summary>Human agents per store (a transfer needs at least 2). Default 4.</summary>
    public int AgentsPerStore { get; set; } = 4;

    /// <summary>Size of the buyer account pool (<c>b-000001</c>…); a buyer may come back. Default 20,000.</summary>
    public int Buyers { get; set; } = 20_000;

    /// <summary>
    /// Conversations to generate, each to its end. Default 1,000. <c>null</c> = unlimited (then
    /// <see cref="MessageCount"/> must be set). Generation stops at whichever limit comes first.
    /// </summary>
    public int? Conversations { get; set; } = 1_000;

    /// <summary>
    /// Exact number of messages to emit, cutting the conversations still open at that point (their
    /// ground truth is computed from what was emitted). Default <c>null</c> (no message limit).
    /// </summary>
    public long? MessageCount { get; set; }

    /// <summary>
    /// Event time of the first conversation; its offset is used for every <c>sentAt</c>. Truncated
    /// to whole milliseconds (the wire format's precision). Default 2026-11-11T00:00:00+08:00.
    /// </summary>
    public DateTimeOffset Start { get; set; } = new(2026, 11, 11, 0, 0, 0, BeijingOffset);

    /// <summary>New conversations per minute of event time (Poisson arrivals). Default 120.</summary>
    public double ConversationsPerMinute { get; set; } = 120;

    /// <summary>Share of pre-sales conversations (the rest are after-sales). Default 0.7.</summary>
    public double PreSalesShare { get; set; } = 0.7;

    /// <summary>Probability that a human agent message is rude (<c>rude_language</c>). Default 0.02.</summary>
    public double RudeReplyRate { get; set; } = 0.02;

    /// <summary>Probability that an agent message stating promotion terms states wrong ones (<c>wrong_promo_answer</c>). Default 0.05.</summary>
    public double WrongPromoRate { get; set; } = 0.05;

    /// <summary>
    /// Share of wrong promotion answers that use the store's one shared bad quick-reply template (the same
    /// wrong terms for every agent) instead of a random wrong statement; several agents sending it within
    /// a window make a <c>batch_wrong_promo_answer</c>. Default 0.5.
    /// </summary>
    public double SharedBadTemplateShare { get; set; } = 0.5;

    /// <summary>Probability that an answered buyer turn is answered late, within <see cref="SlowReplyDelayMin"/>–<see cref="SlowReplyDelayMax"/> (<c>slow_response</c>). Default 0.03.</summary>
    public double SlowReplyRate { get; set; } = 0.03;

    /// <summary>Probability that a conversation ends with a buyer turn no human ever answers (<c>unanswered_buyer</c>). Default 0.03.</summary>
    public double UnansweredRate { get; set; } = 0.03;

    /// <summary>
    /// Probability that a human agent message exposes a buyer's full phone, resident id or bank card
    /// (<c>personal_data_exposure</c>). Default 0, so runs made before the rule existed stay byte-identical;
    /// the demo, loadgen and the rehearsal set it.
    /// </summary>
    public double PersonalDataRate { get; set; }

    /// <summary>Probability that a human agent message moves the buyer off the platform (<c>off_platform_contact</c>). Default 0 (see <see cref="PersonalDataRate"/>).</summary>
    public double OffPlatformContactRate { get; set; }

    /// <summary>
    /// Probability that a buyer turn carries an extra buyer message threatening a complaint or showing strong
    /// negative emotion (<c>buyer_complaint_risk</c>). Default 0 (see <see cref="PersonalDataRate"/>).
    /// </summary>
    public double ComplaintRiskRate { get; set; }

    /// <summary>
    /// Probability that a human agent message offers a paid review (好评返现, <c>forbidden_review_invitation</c>).
    /// The phrase book's own invitation closer after a complaint risk is also expected. Default 0 (see <see cref="PersonalDataRate"/>).
    /// </summary>
    public double PaidReviewRate { get; set; }

    /// <summary>
    /// Probability that a conversation has one human agent reply sent three times within a few seconds (a
    /// canned quick reply hammered, <c>repeated_reply</c>); at most one such burst per conversation, in its
    /// first clean agent reply. Default 0 (see <see cref="PersonalDataRate"/>).
    /// </summary>
    public double RepeatedReplyRate { get; set; }

    /// <summary>
    /// The <c>response_warning</c> share of <see cref="SlowResponseThreshold"/> the ground truth assumes (the rule's
    /// <c>ShareOfThreshold</c>); 0 = warnings are not in the ground truth (the rule is off by default). Default 0.
    /// When set, <see cref="CleanReplyDelayMax"/> must stay below the warning point, so a clean reply never warns.
    /// </summary>
    public double ResponseWarningShare { get; set; }

    /// <summary>
    /// Probability that an answered, not slow buyer turn is answered between the warning point + 1 s and the slow
    /// threshold − 1 s (a <c>response_warning</c> resolved as answered). Needs <see cref="ResponseWarningShare"/>. Default 0.
    /// </summary>
    public double NearMissReplyRate { get; set; }

    /// <summary>Probability that a conversation opens with a bot greeting (自动回复). Default 0.3.</summary>
    public double BotGreetingRate { get; set; } = 0.3;

    /// <summary>Probability that a conversation is transferred (转接) to another agent of the store. Default 0.05.</summary>
    public double TransferRate { get; set; } = 0.05;

    /// <summary>Probability that a conversation ends with a <c>close</c> event (else it goes silent). Default 0.8.</summary>
    public double CloseRate { get; set; } = 0.8;

    /// <summary>
    /// Largest arrival delay: each message arrives up to this long after its <c>sentAt</c>, order
    /// within a conversation kept; so no message arrives more than this much older than one
    /// already emitted. Default 0 (arrival order = sentAt order).
    /// </summary>
    public TimeSpan MaxDisorder { get; set; } = TimeSpan.Zero;

    /// <summary>Delay of a correct (clean) first human reply after the first waiting buyer message: minimum. Default 5 s.</summary>
    public TimeSpan CleanReplyDelayMin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay of a correct (clean) first human reply: maximum. Default 20 s.</summary>
    public TimeSpan CleanReplyDelayMax { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Delay of a slow first human reply: minimum. Default 40 s.</summary>
    public TimeSpan SlowReplyDelayMin { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>Delay of a slow first human reply: maximum. Default 150 s.</summary>
    public TimeSpan SlowReplyDelayMax { get; set; } = TimeSpan.FromSeconds(150);

    /// <summary>The <c>slow_response</c> threshold the ground truth assumes (fires when delay &gt; this). Default 30 s.</summary>
    public TimeSpan SlowResponseThreshold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>unanswered_buyer</c> timeout the ground truth assumes. Default 180 s.</summary>
    public TimeSpan UnansweredTimeout { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Turns on the faults of the rules added after the first generator (personal data, off-platform contact, complaint risk, paid review, repeated reply) at their suggested
    /// rates, for the demo and loadgen; a rate already set is kept. Returns this instance.
    /// </summary>
    public SimulationOptions WithNewRuleFaults()
    {
        if (PersonalDataRate == 0) PersonalDataRate = 0.005;
        if (OffPlatformContactRate == 0) OffPlatformContactRate = 0.005;
        if (ComplaintRiskRate == 0) ComplaintRiskRate = 0.01;
        if (PaidReviewRate == 0) PaidReviewRate = 0.003;
        if (RepeatedReplyRate == 0) RepeatedReplyRate = 0.01;
        return this;
    }

    /// <summary>The <c>response_warning</c> point of a wait, as the rule computes it (share × threshold seconds).</summary>
    public TimeSpan WarningPoint => TimeSpan.FromSeconds(ResponseWarningShare * SlowResponseThreshold.TotalSeconds);

    /// <summary>Problems with these options, each naming the option; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok) problems.Add(message);
        }
        void Rate(double value, string name) => Require(value is >= 0 and <= 1, $"{name} must be in [0, 1], was {value.ToString(CultureInfo.InvariantCulture)}");

        Require(Stores is >= 1 and <= 9_999, $"Stores must be in 1..9999, was {Stores}");
        Require(AgentsPerStore is >= 1 and <= 99, $"AgentsPerStore must be in 1..99, was {AgentsPerStore}");
        Require(Buyers >= 1, $"Buyers must be at least 1, was {Buyers}");
        Require(Conversations is null or >= 0, $"Conversations must not be negative, was {Conversations}");
        Require(MessageCount is null or >= 0, $"MessageCount must not be negative, was {MessageCount}");
        Require(Conversations is not null || MessageCount is not null, "set Conversations or MessageCount (or both): an unlimited run never ends");
        Require(ConversationsPerMinute > 0 && double.IsFinite(ConversationsPerMinute), $"ConversationsPerMinute must be positive, was {ConversationsPerMinute.ToString(CultureInfo.InvariantCulture)}");
        Rate(PreSalesShare, nameof(PreSalesShare));
        Rate(RudeReplyRate, nameof(RudeReplyRate));
        Rate(WrongPromoRate, nameof(WrongPromoRate));
        Rate(SharedBadTemplateShare, nameof(SharedBadTemplateShare));
        Rate(SlowReplyRate, nameof(SlowReplyRate));
        Rate(UnansweredRate, nameof(UnansweredRate));
        Rate(PersonalDataRate, nameof(PersonalDataRate));
        Rate(OffPlatformContactRate, nameof(OffPlatformContactRate));
        Rate(ComplaintRiskRate, nameof(ComplaintRiskRate));
        Rate(PaidReviewRate, nameof(PaidReviewRate));
        Rate(RepeatedReplyRate, nameof(RepeatedReplyRate));
        Rate(NearMissReplyRate, nameof(NearMissReplyRate));
        Require(ResponseWarningShare == 0 || ResponseWarningShare is > 0 and < 1, $"ResponseWarningShare must be 0 (off) or above 0 and below 1, was {ResponseWarningShare.ToString(CultureInfo.InvariantCulture)}");
        Require(NearMissReplyRate == 0 || ResponseWarningShare > 0, "NearMissReplyRate needs ResponseWarningShare (the warning point it replies after)");
        Require(ResponseWarningShare == 0 || CleanReplyDelayMax < WarningPoint, "CleanReplyDelayMax must be below ResponseWarningShare × SlowResponseThreshold (clean replies must never warn)");
        Require(NearMissReplyRate == 0 || WarningPoint + TimeSpan.FromSeconds(1) < SlowResponseThreshold - TimeSpan.FromSeconds(1), "the warning point must leave room for near-miss replies (≥ 2 s below SlowResponseThreshold)");
        Rate(BotGreetingRate, nameof(BotGreetingRate));
        Rate(TransferRate, nameof(TransferRate));
        Rate(CloseRate, nameof(CloseRate));
        Require(MaxDisorder >= TimeSpan.Zero, $"MaxDisorder must not be negative, was {MaxDisorder}");
        Require(CleanReplyDelayMin >= TimeSpan.FromSeconds(1), $"CleanReplyDelayMin must be at least 1 s, was {CleanReplyDelayMin}");
        Require(CleanReplyDelayMax >= CleanReplyDelayMin, "CleanReplyDelayMax must not be below CleanReplyDelayMin");
        // Keep a clear gap on both sides of each threshold so that no generated delay is borderline.
        Require(CleanReplyDelayMax < SlowResponseThreshold, "CleanReplyDelayMax must be below SlowResponseThreshold (clean replies must never be slow)");
        Require(SlowReplyDelayMin > SlowResponseThreshold, "SlowReplyDelayMin must be above SlowResponseThreshold (slow replies must always be slow)");
        Require(SlowReplyDelayMax >= SlowReplyDelayMin, "SlowReplyDelayMax must not be below SlowReplyDelayMin");
        Require(SlowReplyDelayMax < UnansweredTimeout, "SlowReplyDelayMax must be below UnansweredTimeout (a slow reply must not also be unanswered)");
        return problems;
    }
}
