using System.Globalization;
using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Replay;
using Alerting.Core.Rules.AgentResponseRate;
using Alerting.Core.Rules.BatchWrongPromoAnswer;
using Microsoft.Extensions.Configuration;

namespace Alerting.Simulation.Tests;

/// <summary>
/// Parallel replay: the alerts written, byte for byte and in order, do not depend on the number of lanes, on
/// the input being text or bytes, or on its line ends; and they are those of one sequential pipeline over the
/// whole input with the cross-conversation aggregators after every record (the ordering rule of a replay).
/// </summary>
public class ParallelReplayTests
{
    private static readonly DateTimeOffset Detected = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(71, 0)]
    [InlineData(72, 25)]
    public void Output_IsByteIdentical_ForOneLaneAndManyLanes_AndMatchesTheSequentialOrder(int seed, int disorderSeconds)
    {
        var (input, rules) = Corpus(seed, disorderSeconds);
        var reference = Sequential(input, rules);
        var one = Replay(input, rules, lanes: 1);
        Assert.True(reference.Alerts.Count > 1_000, $"only {reference.Alerts.Count} alerts");
        // The corpus exercises the timers, the per-message rules and both cross-conversation rules.
        foreach (var rule in new[] { "unanswered_buyer", "slow_response", "rude_language", "wrong_promo_answer", "batch_wrong_promo_answer", "agent_response_rate_low", "response_warning" })
            Assert.True(reference.Alerts.Exists(line => line.Contains($"\"rule\":\"{rule}\"", StringComparison.Ordinal)), $"no {rule} alert");
        Assert.Equal(3, reference.Bad.Count);
        Assert.Equal(reference.Alerts, one.Alerts);
        Assert.Equal(reference.Bad, one.Bad);
        foreach (var lanes in new[] { 2, 3, 8 })
        {
            var many = Replay(input, rules, lanes);
            Assert.Equal(one.Summary.Messages, many.Summary.Messages);
            Assert.Equal(one.Summary.LateRecords, many.Summary.LateRecords);
            Assert.Equal(one.Summary.FinalClock, many.Summary.FinalClock);
            Assert.Equal(one.Bad, many.Bad);
            Assert.Equal(one.Alerts.Count, many.Alerts.Count);
            for (var i = 0; i < one.Alerts.Count; i++) Assert.True(one.Alerts[i] == many.Alerts[i], $"{lanes} lanes, alert {i}:\n{one.Alerts[i]}\n{many.Alerts[i]}");
        }
    }

    [Fact]
    public void Bytes_Text_CrLf_Cr_AndAByteOrderMark_GiveTheSameAlertsAndLineNumbers()
    {
        var (input, rules) = Corpus(73, 0, messages: 8_000);
        var lf = Replay(input, rules, lanes: 2);
        var text = Replay(input, rules, lanes: 2, asText: true);
        var crlf = Replay(input.Replace("\n", "\r\n", StringComparison.Ordinal), rules, lanes: 2);
        var cr = Replay(input.Replace("\n", "\r", StringComparison.Ordinal), rules, lanes: 2);
        var bom = Replay("\uFEFF" + input, rules, lanes: 2);
        Assert.NotEmpty(lf.Alerts);
        foreach (var other in new[] { text, crlf, cr, bom })
        {
            Assert.Equal(lf.Alerts, other.Alerts);
            Assert.Equal(lf.Bad, other.Bad);
            Assert.Equal(lf.Summary.Lines, other.Summary.Lines);
        }
    }

    [Fact]
    public void ALineAboveTheRecordLimit_IsReportedWithItsLength_AndTheNextLinesStillReplay()
    {
        var (input, rules) = Corpus(74, 0, messages: 2_000);
        var lines = input.Split('\n');
        var huge = "{\"messageId\":\"" + new string('亲', ChatMessageParser.MaxRecordBytes / 2) + "\"}";
        var withHuge = string.Join('\n', lines.Take(100).Append(huge).Concat(lines.Skip(100)));
        var plain = Replay(input, rules, lanes: 2);
        var result = Replay(withHuge, rules, lanes: 2);
        var reason = Assert.Single(result.Bad, b => b.StartsWith("101:", StringComparison.Ordinal));
        Assert.Contains($"record is {Encoding.UTF8.GetByteCount(huge)} bytes", reason, StringComparison.Ordinal);
        Assert.Equal(plain.Summary.Messages, result.Summary.Messages);
        Assert.Equal(plain.Alerts.Count, result.Alerts.Count);
    }

    private sealed record Result(List<string> Alerts, List<string> Bad, ReplaySummary Summary);

    private static Result Replay(string input, RulesSnapshot rules, int lanes, bool asText = false)
    {
        var alerts = new List<string>();
        var bad = new List<string>();
        ReplaySummary summary;
        if (asText)
        {
            summary = ReplayRunner.Run(new StringReader(input), rules, a => alerts.Add(AlertJson.ToJson(a)), (line, reason) => bad.Add($"{line}: {reason}"), wallClock: new FixedTime(), lanes: lanes);
        }
        else
        {
            using var bytes = new MemoryStream(Encoding.UTF8.GetBytes(input));
            summary = ReplayRunner.Run(bytes, rules, a => alerts.Add(AlertJson.ToJson(a)), (line, reason) => bad.Add($"{line}: {reason}"), wallClock: new FixedTime(), lanes: lanes);
        }
        return new Result(alerts, bad, summary);
    }

    /// <summary>
    /// The ordering rule, written out sequentially: one pipeline over every line in order; after each record its
    /// alerts (sorted by eventTime, rule, conversation, alert id, revision, status), the batch alerts they raise,
    /// then the agent windows judged whenever the watermark enters a new minute; at the end, every clock moved on.
    /// </summary>
    private static Result Sequential(string input, RulesSnapshot rules)
    {
        var time = new FixedTime();
        var pipeline = new PartitionPipeline(new FixedRulesSource(rules), time);
        var batches = new BatchWrongAnswerAggregator(shop => rules.ForShop(shop).BatchWrongPromoAnswer, time);
        var agents = new AgentResponseRateAggregator(shop => rules.ForShop(shop).AgentResponseRate, (shop, at) => rules.ForShop(shop).IsOpen(at), time);
        var activity = new List<AgentActivity>();
        var agentsClock = DateTimeOffset.MinValue;
        var step = new List<Alert>();
        var output = new List<string>();
        var bad = new List<string>();
        long lineNo = 0, messages = 0;

        void Emit(DateTimeOffset? final = null)
        {
            step.Sort((x, y) =>
            {
                var c = x.EventTime.UtcTicks.CompareTo(y.EventTime.UtcTicks);
                if (c == 0) c = string.CompareOrdinal(x.Rule, y.Rule);
                if (c == 0) c = string.CompareOrdinal(x.ConversationId, y.ConversationId);
                if (c == 0) c = string.CompareOrdinal(x.AlertId, y.AlertId);
                if (c == 0) c = x.Revision.CompareTo(y.Revision);
                if (c == 0) c = x.Status.CompareTo(y.Status);
                return c;
            });
            if (step.Count > 0) step.AddRange(batches.Observe(step));
            pipeline.DrainActivity(activity);
            agents.Observe(activity);
            activity.Clear();
            var clock = final ?? pipeline.Watermark;
            if (agents.Agents > 0 && (final is not null || clock.UtcTicks / TimeSpan.TicksPerMinute > agentsClock.UtcTicks / TimeSpan.TicksPerMinute))
            {
                agentsClock = clock;
                foreach (var alert in agents.AdvanceTo(clock))
                {
                    alert.ConfigVersion ??= rules.Version;
                    step.Add(alert);
                }
            }
            output.AddRange(step.Select(AlertJson.ToJson));
            step.Clear();
        }

        foreach (var line in input.Split('\n'))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parsed = ChatMessageParser.Parse(Encoding.UTF8.GetBytes(line));
            if (!parsed.IsValid) { bad.Add($"{lineNo}: {parsed.Error}"); continue; }
            if (pipeline.Process(parsed.Message!, step) is { } refused) bad.Add($"{lineNo}: {refused}");
            else messages++;
            Emit();
        }
        var finalClock = pipeline.MaxSentAt;
        pipeline.AdvanceWatermark(finalClock, step);
        Emit(finalClock);
        return new Result(output, bad, new ReplaySummary(lineNo, messages, bad.Count, output.Count, new Dictionary<string, int>(), finalClock, pipeline.LateRecords));
    }

    /// <summary>
    /// Generated default-mix traffic (with response warnings and, for <paramref name="disorderSeconds"/> &gt; 0, records
    /// out of order) plus hostile lines at fixed places: not JSON, a blank and a white-space line, a field missing,
    /// a record days ahead of the clock, full-width and emoji text in a valid record.
    /// </summary>
    private static (string Input, RulesSnapshot Rules) Corpus(int seed, int disorderSeconds, int messages = 30_000)
    {
        var generator = new ChatTrafficGenerator(new SimulationOptions
        {
            Seed = seed, Conversations = null, MessageCount = messages, ResponseWarningShare = 0.667, NearMissReplyRate = 0.05,
            MaxDisorder = TimeSpan.FromSeconds(disorderSeconds), Stores = 5, AgentsPerStore = 3,
        });
        var lines = generator.Generate().Select(m => Encoding.UTF8.GetString(m.Utf8Json)).ToList();
        var first = lines[0];
        var shop = first[(first.IndexOf("\"shopId\":\"", StringComparison.Ordinal) + 10)..];
        shop = shop[..shop.IndexOf('"', StringComparison.Ordinal)];
        lines.Insert(50, "not json 亲");
        lines.Insert(51, "");
        lines.Insert(52, " \t ");
        lines.Insert(400, "{\"messageId\":\"m-x\",\"shopId\":\"s\"}");
        lines.Insert(900, $"{{\"messageId\":\"m-future\",\"conversationId\":\"c-future\",\"shopId\":\"{shop}\",\"sender\":\"buyer\",\"senderId\":\"b-1\",\"text\":\"在吗？？\",\"sentAt\":\"2027-03-01T10:00:00+08:00\"}}");
        lines.Insert(1200, $"{{\"messageId\":\"m-wide\",\"conversationId\":\"c-wide\",\"shopId\":\"{shop}\",\"sender\":\"buyer\",\"senderId\":\"b-2\",\"text\":\"满３００减５０哦😊呢\",\"sentAt\":\"{SentAtOf(lines[1199])}\"}}");

        var rules = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rules:ResponseWarning:Enabled"] = "true",
            ["Rules:BatchWrongPromoAnswer:MinAgents"] = "2",
            ["Rules:BatchWrongPromoAnswer:MinConversations"] = "2",
            ["Rules:BatchWrongPromoAnswer:WindowMinutes"] = "30",
            ["Rules:AgentResponseRate:Enabled"] = "true",
            ["Rules:AgentResponseRate:MinWaits"] = "3",
            ["Rules:AgentResponseRate:MinBuyerMessages"] = "3",
            ["Rules:AgentResponseRate:MinResponseRate"] = "0.97",
        }.Concat(PromotionKeys(generator.Promotions))).Build();
        var built = RulesSnapshotBuilder.Build(rules);
        return (string.Join('\n', lines), built.Snapshot ?? throw new InvalidOperationException(string.Join("; ", built.Problems)));
    }

    private static string SentAtOf(string line)
    {
        var at = line[(line.IndexOf("\"sentAt\":\"", StringComparison.Ordinal) + 10)..];
        return at[..at.IndexOf('"', StringComparison.Ordinal)];
    }

    private static IEnumerable<KeyValuePair<string, string?>> PromotionKeys(IEnumerable<SimulatedPromotion> promotions)
    {
        foreach (var group in promotions.GroupBy(p => p.ShopId))
        {
            var i = 0;
            foreach (var p in group)
            {
                var prefix = $"Rules:Stores:{group.Key}:Promotions:{i++}:";
                yield return KeyValuePair.Create(prefix + "Id", (string?)p.Id);
                yield return KeyValuePair.Create(prefix + "Name", (string?)p.Name);
                for (var a = 0; a < p.Aliases.Count; a++) yield return KeyValuePair.Create($"{prefix}Aliases:{a}", (string?)p.Aliases[a]);
                yield return KeyValuePair.Create(prefix + "Start", (string?)p.Start.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
                yield return KeyValuePair.Create(prefix + "End", (string?)p.End.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
                yield return KeyValuePair.Create(prefix + "ThresholdDiscount:Threshold", (string?)p.Threshold.ToString(CultureInfo.InvariantCulture));
                yield return KeyValuePair.Create(prefix + "ThresholdDiscount:Amount", (string?)p.Amount.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Detected;
    }
}
