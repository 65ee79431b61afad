using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Alerting.Core.Rules;
using Alerting.Core.Tests.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Core.Tests.HostileInput;

/// <summary>Records built to hurt: each is refused with a bounded reason, or applied without touching another store.</summary>
public sealed class HostileRecordTests
{
    private static string Json(string sender = "\"agent\"", string sentAt = "\"2026-11-11T00:00:01+08:00\"", string shop = "\"shop-a\"",
        string id = "\"m-1\"", string conversation = "\"c-1\"", string text = "\"好的\"", string extra = "")
        => $"{{\"messageId\":{id},\"conversationId\":{conversation},\"shopId\":{shop},\"sender\":{sender},\"senderId\":\"a-1\",\"agentId\":\"agent-1\",\"text\":{text},\"sentAt\":{sentAt}{extra}}}";

    public static TheoryData<string, string> BadRecords => new()
    {
        { "huge sender", Json(sender: "\"" + new string('x', 600_000) + "\"") },
        { "huge id", Json(id: "\"" + new string('9', 10_000) + "\"") },
        { "huge text", Json(text: "\"" + new string('傻', 30_000) + "\"") },
        { "huge sentAt", Json(sentAt: "\"" + new string('2', 5_000) + "\"") },
        { "sentAt sentinel max", Json(sentAt: "\"9999-12-31T23:59:59.9999999+00:00\"") },
        { "sentAt sentinel min", Json(sentAt: "\"0001-01-01T00:00:01Z\"") },
        { "sentAt 1970", Json(sentAt: "\"1970-01-01T00:00:00Z\"") },
        { "sentAt without offset", Json(sentAt: "\"2026-11-11T00:00:01\"") },
        { "sentAt number", Json(sentAt: "1731254401") },
        { "sender null", Json(sender: "null") },
        { "sender number", Json(sender: "7") },
        { "unknown sender", Json(sender: "\"customer\"") },
        { "blank id", Json(id: "\"   \"") },
        { "empty id", Json(id: "\"\"") },
        { "control char in shop", Json(shop: "\"shop\\u0000a\"") },
        { "duplicate shopId", Json(extra: ",\"shopId\":\"shop-b\"") },
        { "array", "[1,2,3]" },
        { "number", "42" },
        { "string", "\"hello\"" },
        { "empty", "" },
        { "truncated", Json()[..40] },
        { "trailing garbage", Json() + "}" },
        { "deeply nested", Json(extra: ",\"x\":" + new string('[', 5000) + new string(']', 5000)) },
        { "id object", Json(id: "{\"a\":1}") },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public void Parse_HostileRecord_IsRefusedWithBoundedEscapedReason(string kind, string json)
    {
        var result = ChatMessageParser.Parse(Encoding.UTF8.GetBytes(json));
        Assert.False(result.IsValid, kind);
        Assert.NotNull(result.Error);
        Assert.InRange(result.Error!.Length, 1, RecordReason.MaxLength);
        Assert.DoesNotContain(result.Error, c => char.IsControl(c));
    }

    [Fact]
    public void Parse_InvalidUtf8InText_IsRefused()
    {
        var bytes = Encoding.UTF8.GetBytes(Json(text: "\"ab\""));
        var at = Array.IndexOf(bytes, (byte)'a', Encoding.UTF8.GetByteCount("{\"messageId\":\"m-1\",\"conversationId\":\"c-1\",\"shopId\":\"shop-a\",\"sender\":\"agent\",\"senderId\":\"a-1\",\"agentId\":\"agent-1\",\"text\":\""));
        bytes[at] = 0xC3; // a lead byte with no continuation
        var result = ChatMessageParser.Parse(bytes);
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("shop{a}")]
    [InlineData("shop*:a")]
    [InlineData("店铺 A")]
    public void Parse_StoreIdWithRedisSpecialCharacters_IsAccepted(string shop)
    {
        var result = ChatMessageParser.Parse(Encoding.UTF8.GetBytes(Json(shop: System.Text.Json.JsonSerializer.Serialize(shop))));
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(shop, result.Message!.ShopId);
    }

    [Fact]
    public void Parse_TextWithRtlMarksAndControls_IsAccepted()
    {
        var result = ChatMessageParser.Parse(Encoding.UTF8.GetBytes(Json(text: "\"\\u202e\\u200f亲\\u0007在的\"")));
        Assert.True(result.IsValid, result.Error);
    }

    [Fact]
    public void RecordReason_Clean_EscapesControlsAndBidiAndBoundsLength()
    {
        var reason = RecordReason.Clean("bad \u202e\u0001 value " + new string('x', 1000));
        Assert.True(reason.Length <= RecordReason.MaxLength);
        Assert.Contains("\\u202e", reason, StringComparison.Ordinal);
        Assert.Contains("\\u0001", reason, StringComparison.Ordinal);
        Assert.EndsWith("…", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Process_FarFutureRecordOfAnotherStore_FiresNothingOfThisStore()
    {
        var s = new ChatScript();
        s.Buyer(0, "b1");
        s.Send(ChatScript.Msg("x1", SenderKind.Buyer, 74 * 365 * 86400.0, conversation: "c-other", shop: "shop-b"));
        s.Agent(10, "a1");
        s.Pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(15), s.Alerts);
        Assert.DoesNotContain(s.Alerts, a => a.ShopId == "shop-a" && a.Rule == "unanswered_buyer");
    }

    [Fact]
    public void Process_HourAheadRecordOfAnotherStore_DoesNotMoveThisStoresDeadlines()
    {
        // Within every range check: only the per-store clocks keep shop-a's buyer from firing.
        var s = new ChatScript();
        s.Buyer(0, "b1");
        s.Send(ChatScript.Msg("x1", SenderKind.Agent, 3600, conversation: "c-other", shop: "shop-b"));
        s.Agent(10, "a1");
        Assert.DoesNotContain(s.Alerts, a => a.ShopId == "shop-a");
    }

    [Fact]
    public void Process_QuietStoreOnBusyPartition_FiresOnTheClockOfTwoOtherStores()
    {
        var s = new ChatScript();
        s.Buyer(0, "b1");
        for (var t = 10; t <= 400; t += 10)
        {
            s.Send(ChatScript.Msg($"x{t}", SenderKind.Buyer, t, conversation: $"cb{t}", shop: "shop-b"));
            s.Send(ChatScript.Msg($"y{t}", SenderKind.Buyer, t, conversation: $"cc{t}", shop: "shop-c"));
        }
        var alert = Assert.Single(s.Alerts, a => a.ShopId == "shop-a");
        Assert.Equal("unanswered_buyer", alert.Rule);
        Assert.Equal(ChatScript.Origin.AddSeconds(180), alert.EventTime);
    }

    [Fact]
    public void Process_OneStoreRunningAhead_DoesNotMoveTheSharedClock()
    {
        var s = new ChatScript();
        s.Buyer(0, "b1");
        for (var t = 10; t <= 400; t += 10)
            s.Send(ChatScript.Msg($"x{t}", SenderKind.Buyer, t, conversation: $"cb{t}", shop: "shop-b"));
        Assert.DoesNotContain(s.Alerts, a => a.ShopId == "shop-a");
        s.Agent(20, "a1");
        s.Pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(400), s.Alerts);
        Assert.DoesNotContain(s.Alerts, a => a.ShopId == "shop-a");
    }

    [Fact]
    public void Process_RecordFarAheadOfPartitionClock_IsRefusedAndMovesNothing()
    {
        var s = new ChatScript();
        for (var i = 0; i < 10; i++) s.Buyer(i, $"b{i}", conversation: $"c{i}");
        var refused = s.Pipeline.Process(ChatScript.Msg("x1", SenderKind.Buyer, 60 * 86400.0, conversation: "c-x"), s.Alerts);
        Assert.NotNull(refused);
        Assert.StartsWith("sentAt out of range", refused, StringComparison.Ordinal);
        Assert.Equal(10, s.Pipeline.OpenConversations);
        Assert.Equal(ChatScript.Origin.AddSeconds(9), s.Pipeline.MaxSentAt);
        Assert.Empty(s.Alerts);
    }

    [Fact]
    public void Process_OddFirstRecord_DoesNotAnchorTheJumpCheck()
    {
        // A first record years in the past must not make every real record "ahead of the clock".
        var s = new ChatScript();
        s.Send(ChatScript.Msg("old", SenderKind.Buyer, -20 * 365 * 86400.0, conversation: "c-old"));
        for (var i = 0; i < 20; i++)
            Assert.Null(s.Pipeline.Process(ChatScript.Msg($"m{i}", SenderKind.Buyer, i, conversation: $"c{i}"), s.Alerts));
    }

    [Fact]
    public void Process_LivePartitionQuietForTwoMonths_AdmitsItsNextRecord()
    {
        var wall = new FakeTimeProvider(ChatScript.Origin);
        var pipeline = new PartitionPipeline(new FixedRulesSource(RulesSnapshot.BuiltInDefaults()), wall, checkWallClock: true);
        var alerts = new List<Alert>();
        for (var i = 0; i < 20; i++) Assert.Null(pipeline.Process(ChatScript.Msg($"m{i}", SenderKind.Agent, i, conversation: $"c{i}"), alerts));
        wall.Advance(TimeSpan.FromDays(60));
        Assert.Null(pipeline.Process(ChatScript.Msg("later", SenderKind.Agent, 60 * 86400.0, conversation: "c-later"), alerts));
    }

    [Fact]
    public void Process_LiveTwoStoresAheadWithinTheSkew_DoNotFireAThirdStoresDeadline()
    {
        var wall = new FakeTimeProvider(ChatScript.Origin);
        var pipeline = new PartitionPipeline(new FixedRulesSource(RulesSnapshot.BuiltInDefaults()), wall, checkWallClock: true);
        var alerts = new List<Alert>();
        pipeline.Process(ChatScript.Msg("a1", SenderKind.Buyer, 0, conversation: "c1", shop: "shop-a"), alerts);
        Assert.Null(pipeline.Process(ChatScript.Msg("b1", SenderKind.Buyer, 295, conversation: "cb", shop: "shop-b"), alerts));
        Assert.Null(pipeline.Process(ChatScript.Msg("c1", SenderKind.Buyer, 295, conversation: "cc", shop: "shop-c"), alerts));
        wall.Advance(TimeSpan.FromSeconds(10));
        pipeline.Process(ChatScript.Msg("a2", SenderKind.Agent, 10, conversation: "c1", shop: "shop-a"), alerts);
        Assert.DoesNotContain(alerts, a => a.ShopId == "shop-a");
    }

    [Fact]
    public void Process_LiveRecordAheadOfWallClock_IsRefused()
    {
        var wall = new FakeTimeProvider(ChatScript.Origin);
        var pipeline = new PartitionPipeline(new FixedRulesSource(RulesSnapshot.BuiltInDefaults()), wall, checkWallClock: true);
        var alerts = new List<Alert>();
        Assert.Null(pipeline.Process(ChatScript.Msg("m1", SenderKind.Buyer, 60), alerts));
        var refused = pipeline.Process(ChatScript.Msg("m2", SenderKind.Buyer, 3600), alerts);
        Assert.NotNull(refused);
        Assert.Contains("wall clock", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Process_SameConversationIdInTwoStores_KeepsTwoConversations()
    {
        var s = new ChatScript();
        s.Buyer(0, "b1");
        s.Send(ChatScript.Msg("x1", SenderKind.Agent, 5, "你是不是傻逼", conversation: "c1", shop: "shop-b"));
        Assert.Equal(2, s.Pipeline.OpenConversations);
        Assert.All(s.Alerts, a => Assert.Equal("shop-b", a.ShopId));
        // shop-b's agent message did not answer shop-a's buyer.
        s.Pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(600), s.Alerts);
        Assert.Contains(s.Alerts, a => a.ShopId == "shop-a" && a.Rule == "unanswered_buyer");
    }

    [Fact]
    public void Process_RuleThatThrows_RefusesRecordAndUndoesItsChanges()
    {
        var rules = WithRule(RulesSnapshot.BuiltInDefaults(), new ThrowingRule("boom"));
        var pipeline = new PartitionPipeline(new FixedRulesSource(rules), new FakeTimeProvider(ChatScript.Origin), trackChanges: true);
        var alerts = new List<Alert>();
        Assert.Null(pipeline.Process(ChatScript.Msg("b1", SenderKind.Buyer, 0, "在吗"), alerts));
        pipeline.TakeChanges();
        var refused = pipeline.Process(ChatScript.Msg("a1", SenderKind.Agent, 5, "boom 你是不是傻逼"), alerts);
        Assert.NotNull(refused);
        Assert.StartsWith("failed to apply: InvalidOperationException", refused, StringComparison.Ordinal);
        Assert.Empty(alerts);
        var state = Assert.Single(pipeline.Conversations);
        Assert.True(state.IsWaiting, "the failed reply must not have answered the buyer");
        Assert.Equal(1, pipeline.PendingDeadlines);
        // The buyer is still waiting: the deadline fires.
        pipeline.AdvanceWatermark(ChatScript.Origin.AddSeconds(600), alerts);
        Assert.Contains(alerts, a => a.Rule == "unanswered_buyer");
    }

    [Fact]
    public void Process_NewConversationWhoseRuleThrows_LeavesNoConversation()
    {
        var rules = WithRule(RulesSnapshot.BuiltInDefaults(), new ThrowingRule("boom"));
        var pipeline = new PartitionPipeline(new FixedRulesSource(rules), new FakeTimeProvider(ChatScript.Origin), trackChanges: true);
        var alerts = new List<Alert>();
        Assert.NotNull(pipeline.Process(ChatScript.Msg("b1", SenderKind.Buyer, 0, "boom"), alerts));
        Assert.Equal(0, pipeline.OpenConversations);
        Assert.Equal(0, pipeline.PendingDeadlines);
        var (changed, removed) = pipeline.TakeChanges();
        Assert.Empty(changed);
        Assert.Empty(removed);
    }

    [Fact]
    public void Restore_LegacyCheckpointField_IsRewrittenUnderStoreAndConversation()
    {
        var pipeline = new PartitionPipeline(new FixedRulesSource(RulesSnapshot.BuiltInDefaults()), new FakeTimeProvider(ChatScript.Origin), trackChanges: true);
        var state = new ConversationState { ConversationId = "c1", ShopId = "shop-a", LastActivityAt = ChatScript.Origin };
        pipeline.Restore([KeyValuePair.Create("c1", state)]);
        var (changed, removed) = pipeline.TakeChanges();
        Assert.Equal(["c1"], removed);
        Assert.Same(state, Assert.Single(changed));
    }

    private static RulesSnapshot WithRule(RulesSnapshot s, IChatRule extra)
    {
        var d = s.Defaults;
        var defaults = new StoreRules(null, d.Conversation, d.SlowResponse, d.UnansweredBuyer, [.. d.Rules, extra], d.BatchWrongPromoAnswer, d.AgentResponseRate);
        return new RulesSnapshot(s.Version, s.EventTime, defaults, new Dictionary<string, StoreRules>());
    }

    /// <summary>A rule with a bug: throws on any message containing its trigger, after another rule already alerted.</summary>
    private sealed class ThrowingRule(string trigger) : IChatRule
    {
        public string Name => "throwing";

        public void Evaluate(ChatMessage message, RuleContext context, List<Alert> alerts)
        {
            if (message.Text.Contains(trigger, StringComparison.Ordinal)) throw new InvalidOperationException("a rule bug");
        }
    }
}
