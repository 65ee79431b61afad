using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerting.Core.Messages;
using Alerting.InspectorConsole.Hosting;
using Alerting.Redis;
using Alerting.Redis.Transcripts;

namespace Alerting.InspectorConsole.Tests;

/// <summary>
/// Conversation transcripts end to end: written by the worker's <see cref="TranscriptWriter"/> into a real Redis,
/// read through <c>GET /api/transcript</c> by signed-in users. Store scope, bounds (entries, text, TTL), the off
/// switch, redelivery, ordering, and that no buyer id is ever stored.
/// </summary>
public sealed class TranscriptTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 20, 0, 0, TimeSpan.FromHours(8));
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private TranscriptWriter Writer(int max = 30, int maxText = 500, TimeSpan? ttl = null, bool enabled = true)
        => new(_host.Mux, new RedisAlertingOptions { ConnectionString = _host.Redis.ConnectionString },
            new TranscriptOptions { Enabled = enabled, MaxMessages = max, MaxTextChars = maxText, Ttl = ttl ?? TimeSpan.FromDays(7) });

    internal static ChatMessage Msg(string shop, string conversation, int n, SenderKind sender = SenderKind.Buyer, string? text = null, string? senderId = null,
        DateTimeOffset? at = null, ChatEventKind kind = ChatEventKind.Message) => new()
        {
            MessageId = $"{conversation}-m{n}",
            ConversationId = conversation,
            ShopId = shop,
            Sender = sender,
            SenderId = senderId ?? (sender == SenderKind.Buyer ? "buyer-tb_8812" : sender == SenderKind.Agent ? "agent-07" : "bot-1"),
            AgentId = "agent-07",
            Text = text ?? (sender == SenderKind.Buyer ? $"亲，第{n}个问题呢？" : $"您好亲，第{n}条回复哦😊"),
            SentAt = at ?? T0.AddSeconds(n * 10),
            Event = kind,
        };

    private static string Url(string shop, string conversation) => $"/api/transcript?shop={Uri.EscapeDataString(shop)}&conversation={Uri.EscapeDataString(conversation)}";

    private static async Task<JsonArray> MessagesAsync(HttpClient client, string shop, string conversation)
    {
        var r = await client.GetAsync(Url(shop, conversation));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = (await r.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(shop, (string?)body["shopId"]);
        Assert.Equal(conversation, (string?)body["conversationId"]);
        return body["messages"]!.AsArray();
    }

    [Fact]
    public async Task Transcript_IsShownToTheStoresUsers_And403ForAnInspectorOfAnotherStore()
    {
        await Writer().MergeAsync([Msg(ConsoleHost.ShopA, "c-a1", 1), Msg(ConsoleHost.ShopA, "c-a1", 2, SenderKind.Agent), Msg(ConsoleHost.ShopB, "c-b1", 1)], default);
        var alice = await _host.LoginAsync("alice");   // shop-a
        var carol = await _host.LoginAsync("carol");   // shop-b
        var lena = await _host.LoginAsync("lena");     // lead of both

        var seen = await MessagesAsync(alice, ConsoleHost.ShopA, "c-a1");
        Assert.Equal(["c-a1-m1", "c-a1-m2"], seen.Select(m => (string?)m!["messageId"]));
        Assert.Equal(["buyer", "agent"], seen.Select(m => (string?)m!["role"]));
        Assert.Equal("agent-07", (string?)seen[1]!["agentId"]);
        Assert.Equal("您好亲，第2条回复哦😊", (string?)seen[1]!["text"]);
        Assert.Equal(T0.AddSeconds(20), DateTimeOffset.Parse((string)seen[1]!["sentAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("+08:00", (string)seen[1]!["sentAt"]!, StringComparison.Ordinal);

        // carol is scoped to shop-b: shop-a's conversation is refused, whether it exists or not (no existence oracle).
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync(Url(ConsoleHost.ShopA, "c-a1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync(Url(ConsoleHost.ShopA, "no-such"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync(Url(ConsoleHost.ShopB, "c-b1"))).StatusCode);
        // The same conversation id in the other store is another conversation.
        Assert.Equal(HttpStatusCode.NotFound, (await carol.GetAsync(Url(ConsoleHost.ShopB, "c-a1"))).StatusCode);
        Assert.Single(await MessagesAsync(carol, ConsoleHost.ShopB, "c-b1"));
        Assert.Equal(2, (await MessagesAsync(lena, ConsoleHost.ShopA, "c-a1")).Count);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Anonymous().GetAsync(Url(ConsoleHost.ShopA, "c-a1"))).StatusCode);
    }

    [Theory]
    [InlineData("/api/transcript?conversation=c-1", "shop")]
    [InlineData("/api/transcript?shop=&conversation=c-1", "shop")]
    [InlineData("/api/transcript?shop=shop-a", "conversation")]
    [InlineData("/api/transcript?shop=shop-a&conversation=", "conversation")]
    [InlineData("/api/transcript?shop=shop-a&conversation=c%0A1", "conversation")]
    [InlineData("/api/transcript?shop=shop%01a&conversation=c-1", "shop")]
    public async Task BadParameters_Are400_NamingTheParameter(string path, string parameter)
    {
        var alice = await _host.LoginAsync("alice");
        var r = await alice.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.StartsWith(parameter + ":", (string?)(await r.Content.ReadFromJsonAsync<JsonObject>())!["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedParameters_Are400()
    {
        var alice = await _host.LoginAsync("alice");
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.GetAsync(Url(ConsoleHost.ShopA, new string('c', TranscriptEndpoints.MaxConversationLength + 1)))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.GetAsync(Url(new string('s', 300), "c-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync(Url(ConsoleHost.ShopA, new string('c', TranscriptEndpoints.MaxConversationLength)))).StatusCode);
    }

    [Fact]
    public async Task NoTranscript_Is404WithAnError()
    {
        var alice = await _host.LoginAsync("alice");
        var r = await alice.GetAsync(Url(ConsoleHost.ShopA, "never-written"));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.False(string.IsNullOrEmpty((string?)(await r.Content.ReadFromJsonAsync<JsonObject>())!["error"]));
    }

    [Fact]
    public async Task Transcript_KeepsTheLastNMessages_CapsText_AndSetsTheTtl()
    {
        var ttl = TimeSpan.FromHours(3);
        var writer = Writer(max: 5, maxText: 12, ttl: ttl);
        // 12 messages over two batches; one text of 20 characters whose 12th character is the first half of an emoji.
        var first = Enumerable.Range(1, 7).Select(n => Msg(ConsoleHost.ShopA, "c-big", n, n % 2 == 0 ? SenderKind.Agent : SenderKind.Buyer)).ToList();
        var second = Enumerable.Range(8, 5).Select(n => Msg(ConsoleHost.ShopA, "c-big", n, text: n == 12 ? "满300减50的券在哪领😊😊呢亲亲亲" : null)).ToList();
        Assert.Equal(7, await writer.MergeAsync(first, default));
        Assert.Equal(5, await writer.MergeAsync(second, default));

        var alice = await _host.LoginAsync("alice");
        var seen = await MessagesAsync(alice, ConsoleHost.ShopA, "c-big");
        Assert.Equal(Enumerable.Range(8, 5).Select(n => $"c-big-m{n}"), seen.Select(m => (string?)m!["messageId"]));
        var capped = seen[^1]!;
        Assert.Equal("满300减50的券在哪领", (string?)capped["text"]); // 11 characters: the emoji is not split
        Assert.True((bool?)capped["truncated"]);
        Assert.Null(seen[0]!["truncated"]);
        Assert.All(seen, m => Assert.True(((string)m!["text"]!).Length <= 12));

        var key = new RedisKeys(new RedisAlertingOptions()).Transcript(ConsoleHost.ShopA, "c-big");
        Assert.Equal("alerts:transcript:{shop-a}:c-big", key.ToString());
        Assert.Equal(5, await _host.Db.ListLengthAsync(key));
        var left = await _host.Db.KeyTimeToLiveAsync(key);
        Assert.NotNull(left);
        Assert.InRange(left!.Value, ttl - TimeSpan.FromMinutes(1), ttl);
    }

    [Fact]
    public async Task OffSwitch_WritesNothing_AndTheConsoleSays404()
    {
        Assert.Equal(0, await Writer(enabled: false).MergeAsync([Msg(ConsoleHost.ShopA, "c-off", 1), Msg(ConsoleHost.ShopA, "c-off", 2, SenderKind.Agent)], default));
        Assert.Empty(_host.Mux.GetServer(_host.Mux.GetEndPoints()[0]).Keys(pattern: "alerts:transcript:*"));
        var alice = await _host.LoginAsync("alice");
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync(Url(ConsoleHost.ShopA, "c-off"))).StatusCode);
    }

    [Fact]
    public async Task RedeliveredBatches_DoNotDuplicateEntries_EvenOnceTrimmed()
    {
        var writer = Writer(max: 4);
        var batch1 = Enumerable.Range(1, 3).Select(n => Msg(ConsoleHost.ShopA, "c-re", n)).ToList();
        var batch2 = Enumerable.Range(4, 3).Select(n => Msg(ConsoleHost.ShopA, "c-re", n, SenderKind.Agent)).ToList();
        Assert.Equal(3, await writer.MergeAsync(batch1, default));
        Assert.Equal(0, await writer.MergeAsync(batch1, default)); // replay: all present
        Assert.Equal(3, await writer.MergeAsync(batch2, default));
        var key = new RedisKeys(new RedisAlertingOptions()).Transcript(ConsoleHost.ShopA, "c-re");
        var before = (await _host.Db.ListRangeAsync(key)).Select(v => v.ToString()).ToList();
        // A crash before the offsets of both batches were committed: both come again, in order. m1 and m2 were trimmed
        // (not newer than the oldest kept entry of the full list), the rest are present: nothing changes.
        Assert.Equal(0, await writer.MergeAsync([.. batch1, .. batch2], default));
        Assert.Equal(before, (await _host.Db.ListRangeAsync(key)).Select(v => v.ToString()));
        Assert.Equal(["c-re-m3", "c-re-m4", "c-re-m5", "c-re-m6"], before.Select(s => (string?)JsonNode.Parse(s)!["messageId"]));
    }

    [Fact]
    public async Task Entries_KeepChineseAsUtf8_AndEscapeWhatJsonMust()
    {
        const string text = "亲，\"满300减40\"哦\\ 😊\n第二行\u0001<b>";
        await Writer().MergeAsync([Msg(ConsoleHost.ShopA, "c-utf8", 1, SenderKind.Agent, text: text)], default);
        var key = new RedisKeys(new RedisAlertingOptions()).Transcript(ConsoleHost.ShopA, "c-utf8");
        var raw = (await _host.Db.ListRangeAsync(key)).Single().ToString();
        Assert.Contains("亲，", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u4EB2", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(text, (string?)JsonNode.Parse(raw)!["text"]);
    }

    [Theory]
    [InlineData("newer")]       // appended without reading the list
    [InlineData("tie")]         // same sentAt as the newest entry: merged by id
    [InlineData("overlap")]     // the redelivered tail of the last batch, then newer messages
    [InlineData("repeated-id")] // one message twice in the batch
    public async Task Appends_AndMerges_GiveTheSameList(string batchKind)
    {
        var writer = Writer(max: 5);
        var conversation = "c-append-" + batchKind;
        Assert.Equal(4, await writer.MergeAsync(Enumerable.Range(1, 4).Select(n => Msg(ConsoleHost.ShopA, conversation, n)).ToList(), default));
        List<ChatMessage> batch = batchKind switch
        {
            "newer" => [Msg(ConsoleHost.ShopA, conversation, 5), Msg(ConsoleHost.ShopA, conversation, 6)],
            "tie" => [Msg(ConsoleHost.ShopA, conversation, 5, at: T0.AddSeconds(40)), Msg(ConsoleHost.ShopA, conversation, 6)],
            "overlap" => [Msg(ConsoleHost.ShopA, conversation, 3), Msg(ConsoleHost.ShopA, conversation, 4), Msg(ConsoleHost.ShopA, conversation, 5), Msg(ConsoleHost.ShopA, conversation, 6)],
            _ => [Msg(ConsoleHost.ShopA, conversation, 5), Msg(ConsoleHost.ShopA, conversation, 5), Msg(ConsoleHost.ShopA, conversation, 6)],
        };
        Assert.Equal(2, await writer.MergeAsync(batch, default));
        Assert.Equal(0, await writer.MergeAsync(batch, default));
        var key = new RedisKeys(new RedisAlertingOptions()).Transcript(ConsoleHost.ShopA, conversation);
        var kept = (await _host.Db.ListRangeAsync(key)).Select(v => (string?)JsonNode.Parse(v.ToString())!["messageId"]).ToList();
        // Ties keep arrival order; the oldest entry went to the cap of 5.
        Assert.Equal(new[] { 2, 3, 4, 5, 6 }.Select(n => $"{conversation}-m{n}"), kept);
        Assert.NotNull(await _host.Db.KeyTimeToLiveAsync(key));
    }

    [Fact]
    public async Task ALateMessage_TakesItsPlaceBySentAt_AcrossOffsets_AndEventsAreNotKept()
    {
        var writer = Writer();
        await writer.MergeAsync([Msg(ConsoleHost.ShopA, "c-late", 1), Msg(ConsoleHost.ShopA, "c-late", 3, SenderKind.Agent)], default);
        // m2 arrives after m3 although it was sent before it, written with another offset (UTC, not +08:00).
        var late = Msg(ConsoleHost.ShopA, "c-late", 2, SenderKind.Bot, text: "自动回复：您好，客服马上就到", at: T0.AddSeconds(20).ToOffset(TimeSpan.Zero));
        var transfer = Msg(ConsoleHost.ShopA, "c-late", 4, SenderKind.System, text: "", kind: ChatEventKind.Transfer);
        Assert.Equal(1, await writer.MergeAsync([late, transfer], default));
        var alice = await _host.LoginAsync("alice");
        var seen = await MessagesAsync(alice, ConsoleHost.ShopA, "c-late");
        Assert.Equal(["c-late-m1", "c-late-m2", "c-late-m3"], seen.Select(m => (string?)m!["messageId"]));
        Assert.Equal("bot", (string?)seen[1]!["role"]);
        Assert.Null(seen[1]!["agentId"]);
    }

    [Fact]
    public async Task NoBuyerId_IsEverStored()
    {
        const string buyerId = "tb_buyer_5521987";
        var messages = new List<ChatMessage>
        {
            Msg("店铺 A{x}", "会话:1", 1, SenderKind.Buyer, text: "我的手机号是多少你们知道吗", senderId: buyerId),
            Msg("店铺 A{x}", "会话:1", 2, SenderKind.Agent, senderId: "agent-07"),
            Msg("店铺 A{x}", "会话:1", 3, SenderKind.Bot, senderId: buyerId), // a hostile record: a bot "sent by" the buyer id
            Msg("店铺 A{x}", "会话:1", 4, SenderKind.System, senderId: buyerId),
        };
        Assert.Equal(4, await Writer().MergeAsync(messages, default));
        var key = new RedisKeys(new RedisAlertingOptions()).Transcript("店铺 A{x}", "会话:1");
        Assert.Equal("alerts:transcript:{%E5%BA%97%E9%93%BA%20A%7Bx%7D}:%E4%BC%9A%E8%AF%9D%3A1", key.ToString());
        var raw = await _host.Db.ListRangeAsync(key);
        Assert.Equal(4, raw.Length);
        foreach (var value in raw)
        {
            Assert.DoesNotContain(buyerId, value.ToString(), StringComparison.Ordinal);
            var entry = JsonNode.Parse(value.ToString())!.AsObject();
            Assert.DoesNotContain(entry, p => p.Key is "senderId" or "buyerId");
            Assert.True(entry.All(p => p.Key is "messageId" or "role" or "agentId" or "sentAt" or "text" or "truncated"), value.ToString());
        }
        Assert.Equal(["agent-07"], raw.Select(v => (string?)JsonNode.Parse(v.ToString())!["agentId"]).OfType<string>());
    }

    [Theory]
    [InlineData("亲，我的手机号是13912345670哦", "亲，我的手机号是139****5670哦")]
    [InlineData("收货电话 139 1234 5670 对吗？", "收货电话 139****5670 对吗？")]
    [InlineData("手机１３９-１２３４-５６７０呢", "手机139****5670呢")]
    [InlineData("电话一三九一二三四五六七零", "电话139****5670")]
    [InlineData("身份证11010519491231002X，卡号6222021234567890123", "身份证110***********002X，卡号622************0123")]
    [InlineData("订单号 1234567890 已发货😊", "订单号 1234567890 已发货😊")] // 10 digits: kept
    [InlineData("满300减50，满1000减200", "满300减50，满1000减200")]
    public async Task LongNumbers_AreMaskedInTheTranscript_WhoeverWroteThem(string text, string stored)
    {
        await Writer().MergeAsync([Msg(ConsoleHost.ShopA, "c-pii", 1, SenderKind.Buyer, text: text), Msg(ConsoleHost.ShopA, "c-pii", 2, SenderKind.Agent, text: text)], default);
        var alice = await _host.LoginAsync("alice");
        var seen = await MessagesAsync(alice, ConsoleHost.ShopA, "c-pii");
        Assert.All(seen, m => Assert.Equal(stored, (string?)m!["text"]));
    }

    [Fact]
    public void Options_AreValidated_WithPathAndReason()
    {
        Assert.Empty(new TranscriptOptions().Validate());
        var problems = new TranscriptOptions { MaxMessages = 0, MaxTextChars = 20_000, Ttl = TimeSpan.FromSeconds(5) }.Validate();
        Assert.Equal(["Transcripts:MaxMessages", "Transcripts:MaxTextChars", "Transcripts:Ttl"], problems.Select(p => p.Path));
        Assert.Contains(new RedisAlertingOptions { TranscriptKeyPrefix = "alerts:t{x}:" }.Validate(), p => p.Path == "Redis:TranscriptKeyPrefix");
    }
}
