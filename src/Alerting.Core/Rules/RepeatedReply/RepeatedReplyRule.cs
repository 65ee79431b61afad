using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Text;

namespace Alerting.Core.Rules.RepeatedReply;

/// <summary>
/// <c>repeated_reply</c>: a human agent sends the same reply (compared folded, with the text rules'
/// normalizer) <see cref="RepeatedReplyOptions.MinRepeats"/> times within the window in one
/// conversation, or the same reply answers different buyer questions in a row — mechanical service.
/// One alert per burst or run, id from its first message. Pure: time comes from sentAt. Immutable
/// once built; safe to share across threads (the per-conversation memory is in <see cref="RepeatedReplyState"/>).
/// </summary>
public sealed class RepeatedReplyRule : IChatRule
{
    public const string RuleName = "repeated_reply";

    /// <summary>Longest excerpt of the repeated text put in the evidence (UTF-16 units).</summary>
    public const int ExcerptLength = 24;

    /// <summary>Buyer openers that are not questions a reply answers (在吗 → 在的亲 each time is not canned service).</summary>
    internal static readonly string[] Greetings =
    [
        "在吗", "在不在", "有人吗", "有人在吗", "在么", "在嘛", "你好", "您好", "你好在吗", "您好在吗", "hello", "hi", "客服", "客服在吗", "亲在吗", "人呢", "还在吗",
    ];

    /// <summary>Markers of a buyer question: a question mark or a question word.</summary>
    internal static readonly string[] QuestionMarkers =
    [
        "?", "吗", "么", "呢", "什么", "怎么", "怎样", "如何", "多少", "几", "哪", "是否", "能不能", "可不可以", "有没有", "会不会", "是不是", "要不要", "行不行", "多久", "多大", "多重", "多长", "多高", "多远", "为啥", "为什么",
    ];

    private readonly Severity _severity;
    /// <summary>Texts up to this long are folded on the stack.</summary>
    private const int StackFold = 256;

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _allowLookup;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _greetingLookup;

    public RepeatedReplyRule(RepeatedReplyOptions options)
    {
        Options = options;
        _severity = Alert.TryParseSeverity(options.Severity, out var s) ? s : Severity.Low;
        _allowLookup = new HashSet<string>(options.AddAllow.Where(a => !string.IsNullOrWhiteSpace(a)).Select(ReplyFold.Fold), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _greetingLookup = new HashSet<string>(Greetings.Select(ReplyFold.Fold), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        Window = TimeSpan.FromSeconds(options.WindowSeconds);
    }

    public RepeatedReplyOptions Options { get; }

    /// <summary>How close together the repeats must be.</summary>
    public TimeSpan Window { get; }

    public string Name => RuleName;

    public static IEnumerable<ConfigProblem> Validate(RepeatedReplyOptions options, string path)
    {
        var problems = new List<ConfigProblem>();
        RuleOptionChecks.Severity(options.Severity, path, nameof(options.Severity), problems);
        if (options.MinRepeats is < 2 or > RepeatedReplyState.MaxOccurrences)
            problems.Add(new($"{path}:MinRepeats", $"must be between 2 and {RepeatedReplyState.MaxOccurrences}, was {options.MinRepeats}"));
        if (options.CannedAnswerRun is < 0 or 1 or > RepeatedReplyState.MaxOccurrences)
            problems.Add(new($"{path}:CannedAnswerRun", $"must be 0 (off) or 2 to {RepeatedReplyState.MaxOccurrences}, was {options.CannedAnswerRun}"));
        if (options.WindowSeconds is < 1 or > 86400 || double.IsNaN(options.WindowSeconds))
            problems.Add(new($"{path}:WindowSeconds", string.Create(CultureInfo.InvariantCulture, $"must be between 1 and 86400 seconds, was {options.WindowSeconds}")));
        if (options.MinLength is < 1 or > PhraseMatcher.MaxPhraseLength)
            problems.Add(new($"{path}:MinLength", $"must be between 1 and {PhraseMatcher.MaxPhraseLength}, was {options.MinLength}"));
        for (var i = 0; i < options.AddAllow.Count; i++)
            if (string.IsNullOrWhiteSpace(options.AddAllow[i]) || ReplyFold.Fold(options.AddAllow[i]).Length == 0)
                problems.Add(new($"{path}:AddAllow:{i}", "must hold at least one letter, digit or character once folded"));
        return problems;
    }

    public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
    {
        if (!Options.Enabled || message.Event != ChatEventKind.Message || string.IsNullOrEmpty(message.Text)) return;
        var state = context.Conversation;
        if (state is null) return;
        if (message.Sender is not (SenderKind.Buyer or SenderKind.Agent)) return; // auto-replies repeat by design
        // Folded into a stack (or, for a long text, pooled) buffer and hashed from it: a clean message allocates nothing here.
        char[]? rented = null;
        Span<char> buffer = message.Text.Length <= StackFold ? stackalloc char[StackFold] : (rented = ArrayPool<char>.Shared.Rent(message.Text.Length));
        try
        {
            var folded = buffer[..ReplyFold.Fold(message.Text, buffer)];
            if (message.Sender == SenderKind.Buyer)
            {
                if (IsQuestion(message.Text, folded)) (state.RepeatedReplies ??= new RepeatedReplyState()).PendingQuestion = ReplyFold.Hash(folded);
                return;
            }
            OnAgentReply(message, state, folded, alerts);
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    private void OnAgentReply(ChatMessage message, ConversationState state, ReadOnlySpan<char> folded, List<Alert> alerts)
    {
        var repeats = state.RepeatedReplies;
        if (folded.Length < Options.MinLength || _allowLookup.Contains(folded))
        {
            // A short or allowed reply answers the pending question and breaks a run.
            if (repeats is not null && repeats.PendingQuestion != 0) BreakRun(repeats);
            return;
        }
        repeats ??= state.RepeatedReplies = new RepeatedReplyState();
        var hash = ReplyFold.Hash(folded);
        var at = new Occurrence(message.MessageId, message.SentAt);
        CheckRun(state, repeats, hash, at, message.Text, alerts);
        CheckWindow(state, repeats, hash, at, message.Text, alerts);
    }

    private void CheckRun(ConversationState state, RepeatedReplyState repeats, ulong hash, Occurrence at, string original, List<Alert> alerts)
    {
        var question = repeats.PendingQuestion;
        repeats.PendingQuestion = 0;
        if (question == 0)
        {
            // Not an answer: a different reply ends the run, the same one neither extends nor ends it.
            if (hash != repeats.LastReplyHash) { repeats.Run.Clear(); repeats.RunFired = false; repeats.LastAnsweredQuestion = 0; }
            repeats.LastReplyHash = hash;
            return;
        }
        if (hash == repeats.LastReplyHash && repeats.LastAnsweredQuestion != 0 && question != repeats.LastAnsweredQuestion && repeats.Run.Count > 0)
        {
            if (repeats.Run.Count < RepeatedReplyState.MaxOccurrences) repeats.Run.Add(at);
        }
        else
        {
            repeats.Run.Clear();
            repeats.Run.Add(at);
            repeats.RunFired = false;
        }
        repeats.LastReplyHash = hash;
        repeats.LastAnsweredQuestion = question;
        if (Options.CannedAnswerRun == 0 || repeats.RunFired || repeats.Run.Count < Options.CannedAnswerRun) return;
        repeats.RunFired = true;
        var first = repeats.Run[0].MessageId;
        // The same first message may already have fired as a burst: one alert per first message.
        foreach (var r in repeats.Replies)
            if (r.Hash == hash && r.Fired && r.Occurrences.Count > 0 && r.Occurrences[0].MessageId == first) return;
        alerts.Add(Make(state, "canned_answer", repeats.Run, at, original,
            $"同一回复连续回答{repeats.Run.Count}个不同的买家问题"));
    }

    private void CheckWindow(ConversationState state, RepeatedReplyState repeats, ulong hash, Occurrence at, string original, List<Alert> alerts)
    {
        // Loops, not Find/RemoveAll/FindLastIndex with lambdas: each lambda would allocate a closure per reply.
        TrackedReply? reply = null;
        foreach (var r in repeats.Replies)
            if (r.Hash == hash) { reply = r; break; }
        if (reply is null)
        {
            if (repeats.Replies.Count >= RepeatedReplyState.MaxTracked) repeats.Replies.RemoveAt(0);
            reply = new TrackedReply { Hash = hash };
        }
        else repeats.Replies.Remove(reply);
        repeats.Replies.Add(reply); // most recently sent last

        // The window ends at the latest occurrence: a late record (within the allowed disorder) older than it counts only if inside.
        var latest = reply.Occurrences.Count > 0 && reply.Occurrences[^1].At > at.At ? reply.Occurrences[^1].At : at.At;
        var since = latest - Window;
        var occurrences = reply.Occurrences;
        for (var i = occurrences.Count - 1; i >= 0; i--)
            if (occurrences[i].At < since) occurrences.RemoveAt(i);
        if (at.At < since) return;
        if (reply.Occurrences.Count == 0) reply.Fired = false; // the burst ended: a later one is a new alert
        // Full only once fired (the cap is at least MinRepeats): the oldest goes, the alert is already out.
        if (reply.Occurrences.Count >= RepeatedReplyState.MaxOccurrences) reply.Occurrences.RemoveAt(0);
        var index = occurrences.Count; // a late record keeps the list in time order
        while (index > 0 && occurrences[index - 1].At > at.At) index--;
        reply.Occurrences.Insert(index, at);
        if (reply.Fired || reply.Occurrences.Count < Options.MinRepeats) return;
        reply.Fired = true;
        var first = reply.Occurrences[0].MessageId;
        if (repeats.RunFired && repeats.Run.Count > 0 && repeats.Run[0].MessageId == first) return;
        alerts.Add(Make(state, "repeated", reply.Occurrences, at, original,
            string.Create(CultureInfo.InvariantCulture, $"同一回复{Options.WindowSeconds / 60:0.#}分钟内发送{reply.Occurrences.Count}次")));
    }

    private static void BreakRun(RepeatedReplyState repeats)
    {
        repeats.PendingQuestion = 0;
        repeats.LastReplyHash = 0;
        repeats.LastAnsweredQuestion = 0;
        repeats.Run.Clear();
        repeats.RunFired = false;
    }

    private bool IsQuestion(string original, ReadOnlySpan<char> folded)
    {
        if (folded.Length == 0 || _greetingLookup.Contains(folded)) return false;
        if (original.Contains('?') || original.Contains('？')) return true;
        foreach (var marker in QuestionMarkers)
            if (marker.Length > 0 && folded.Contains(marker, StringComparison.Ordinal)) return true;
        return false;
    }

    private Alert Make(ConversationState state, string kind, List<Occurrence> occurrences, Occurrence latest, string original, string summary)
    {
        var list = new JsonArray();
        foreach (var o in occurrences)
            list.Add(new JsonObject { ["messageId"] = o.MessageId, ["sentAt"] = AlertJson.FormatTime(o.At) });
        return new Alert
        {
            AlertId = AlertIds.ForConversation(RuleName, state.ConversationId, occurrences[0].MessageId),
            Rule = RuleName,
            Severity = _severity,
            ShopId = state.ShopId,
            ConversationId = state.ConversationId,
            AgentId = state.OwnerAgentId,
            MessageIds = occurrences.Select(o => o.MessageId).ToArray(),
            EventTime = latest.At,
            Summary = summary,
            Status = AlertStatus.Firing,
            Evidence = new JsonObject
            {
                ["kind"] = kind,
                ["count"] = occurrences.Count,
                ["excerpt"] = Excerpt(original),
                ["repeats"] = list,
            },
        };
    }

    /// <summary>The first <see cref="ExcerptLength"/> characters (never a split surrogate pair), every run of 7+ digits of the whole text masked first.</summary>
    internal static string Excerpt(string text)
    {
        // Masked on the whole text, so a number cut by the excerpt's end is masked as well.
        var chars = text.ToCharArray();
        for (int i = 0, run = 0; i <= chars.Length; i++)
        {
            if (i < chars.Length && char.IsDigit(chars[i])) { run++; continue; }
            if (run >= 7) for (var j = i - run; j < i; j++) chars[j] = '*';
            run = 0;
        }
        var length = Math.Min(chars.Length, ExcerptLength);
        if (length < chars.Length && char.IsHighSurrogate(chars[length - 1])) length--;
        var result = new string(chars, 0, length);
        return length < chars.Length ? result + "…" : result;
    }
}
