using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Replay;
using Alerting.IntegrationTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Faults;

/// <summary>
/// A normal chat script with a known outcome, interleaved with records built to hurt, through the real
/// consume loop (mock cluster, real redis-server) and through replay: the worker never stops, every bad
/// record is dead-lettered with a bounded reason, and the alerts are exactly the normal script's —
/// nothing missing, nothing extra, each in its own store's stream, none above the size bound.
/// </summary>
public sealed class HostileRecordCorpusTests(ITestOutputHelper output) : LiveStackTest("hostile", 4)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));

    private static string Valid(string id, string conversation, string shop, string sender, double at, string text = "您好", string? evt = null, string agent = "agent-7")
        => Encoding.UTF8.GetString(ChatMessageJson.ToUtf8(new ChatMessage
        {
            MessageId = id, ConversationId = conversation, ShopId = shop,
            Sender = sender switch { "buyer" => SenderKind.Buyer, "agent" => SenderKind.Agent, "bot" => SenderKind.Bot, _ => SenderKind.System },
            SenderId = sender == "buyer" ? "b-" + conversation : agent, AgentId = agent, Text = text, SentAt = T0.AddSeconds(at),
            Event = evt switch { "close" => ChatEventKind.Close, "transfer" => ChatEventKind.Transfer, _ => ChatEventKind.Message },
        }));

    /// <summary>
    /// The normal script: every wait ends with a reply or a close, so every alert is raised by a record
    /// (no timer), and replay and the live worker must agree exactly. Includes the hostile-but-valid
    /// records: control and RTL characters in text, a store id with Redis-special characters, and a
    /// conversation id reused by another store.
    /// </summary>
    private static List<(string Key, string Json)> Normal() =>
    [
        ("c1", Valid("n1", "c1", "shop-a", "buyer", 0, "请问满300减50吗")),
        ("c2", Valid("n2", "c2", "shop-a", "buyer", 1, "在吗")),
        ("c3", Valid("n3", "c3", "shop-a", "buyer", 2, "有货吗")),
        ("c3", Valid("n4", "c3", "shop-a", "agent", 8, "有的亲")),
        ("c1", Valid("n5", "c1", "shop-a", "agent", 50, "是的亲")),
        // The same conversation id in another store: its own conversation, its own alerts.
        ("c1", Valid("n6", "c1", "shop-b", "buyer", 51, "这个好用吗")),
        ("c1", Valid("n7", "c1", "shop-b", "agent", 55, "这是全网最低价，100%有效")),
        ("c4", Valid("n8", "c4", "shop-b", "buyer", 60, "发货了吗")),
        ("c4", Valid("n9", "c4", "shop-b", "agent", 61, "\u202e\u200f你是不是傻\u0007逼，自己去查")),
        ("c2", Valid("n10", "c2", "shop-a", "system", 90, "", "close")),
        ("w1", Valid("n11", "w1", "evil{shop}*:x", "buyer", 100, "在吗")),
        ("w1", Valid("n12", "w1", "evil{shop}*:x", "agent", 170, "你烦不烦")),
        ("c5", Valid("n13", "c5", "shop-c", "buyer", 120, "怎么退货")),
        ("c5", Valid("n14", "c5", "shop-c", "agent", 125, "亲，申请退款就可以哦")),
        ("c6", Valid("n15", "c6", "shop-c", "buyer", 200, "还有人吗")),
        ("c6", Valid("n16", "c6", "shop-c", "system", 300, "", "close")),
    ];

    private static string Field(string json, string name, string value) => json.Replace($"\"{name}\":", $"\"{name}\":{value},\"_old_{name}\":", StringComparison.Ordinal);

    /// <summary>Bad records: every one must be dead-lettered. Key, bytes (null = a Kafka tombstone), and whether replay can carry it as a line.</summary>
    private static List<(string Kind, string Key, byte[]? Value, bool InReplay)> Bad()
    {
        var ok = Valid("b-x", "c1", "shop-a", "buyer", 10, "在吗");
        byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        var invalidUtf8 = U(Valid("b-u", "c3", "shop-a", "agent", 9, "ab"));
        invalidUtf8[Encoding.UTF8.GetString(invalidUtf8).IndexOf("ab\"", StringComparison.Ordinal)] = 0xC3;
        return
        [
            ("600 kB sender", "c1", U(Field(ok, "sender", "\"" + new string('x', 600_000) + "\"")), true),
            ("700 kB agent text", "c3", U(Valid("b-t", "c3", "shop-a", "agent", 9, new string('傻', 240_000))), true),
            ("5 MB record", "c2", U(ok.TrimEnd('}') + ",\"pad\":\"" + new string('p', 5_000_000) + "\"}"), true),
            ("sentAt 9999 sentinel", "c1", U(Field(ok, "sentAt", "\"9999-12-31T23:59:59.9999999+00:00\"")), true),
            ("sentAt 0001", "c2", U(Field(ok, "sentAt", "\"0001-01-01T00:00:01Z\"")), true),
            ("sentAt 1970", "c3", U(Field(ok, "sentAt", "\"1970-01-01T00:00:00Z\"")), true),
            ("sentAt without offset", "c1", U(Field(ok, "sentAt", "\"2026-11-11T00:00:10\"")), true),
            ("sender is a number", "c1", U(Field(ok, "sender", "7")), true),
            ("messageId null", "c1", U(Field(ok, "messageId", "null")), true),
            ("empty messageId", "c1", U(Field(ok, "messageId", "\"\"")), true),
            ("whitespace conversationId", "c1", U(Field(ok, "conversationId", "\"   \"")), true),
            ("10 kB messageId", "c1", U(Field(ok, "messageId", "\"" + new string('9', 10_000) + "\"")), true),
            ("invalid UTF-8 in text", "c3", invalidUtf8, false),
            ("deeply nested JSON", "c1", U(ok.TrimEnd('}') + ",\"x\":" + new string('[', 3000) + new string(']', 3000) + "}"), true),
            ("duplicate shopId", "c1", U(ok.TrimEnd('}') + ",\"shopId\":\"shop-b\"}"), true),
            ("JSON array", "c1", U("[1,2,3]"), true),
            ("JSON number", "c1", U("42"), true),
            ("JSON string", "c1", U("\"hello\""), true),
            ("empty value", "c1", [], false),
            ("null value (tombstone)", "c1", null, false),
            ("unknown sender", "c1", U(Field(ok, "sender", "\"robot\"")), true),
            ("unknown event", "c1", U(ok.TrimEnd('}') + ",\"event\":\"explode\"}"), true),
            ("transfer without agentId", "c1", U(Field(ok, "agentId", "null").TrimEnd('}') + ",\"event\":\"transfer\"}"), true),
            ("trailing garbage", "c1", U(ok + "}"), true),
            ("truncated JSON", "c1", U(ok[..40]), true),
            ("text is a number", "c1", U(Field(ok, "text", "12")), true),
            ("control character in shopId", "c1", U(Field(ok, "shopId", "\"shop\\u0001a\"")), true),
            // Late in the list, so replay has admitted enough records for its clock-jump check (armed after 10).
            ("sentAt 2099 (other store)", "c9", U(Valid("b-f", "c9", "shop-z", "buyer", (new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero) - T0).TotalSeconds)), true),
        ];
    }

    /// <summary>Normal and bad records interleaved (a bad one after every normal one, the rest at the end).</summary>
    private static List<(string Key, byte[]? Value, bool Bad, bool InReplay)> Corpus()
    {
        var normal = Normal();
        var bad = Bad().Where(b => b.Kind != "5 MB record").ToList();
        var list = new List<(string, byte[]?, bool, bool)>();
        for (var i = 0; i < Math.Max(normal.Count, bad.Count); i++)
        {
            if (i < normal.Count) list.Add((normal[i].Key, Encoding.UTF8.GetBytes(normal[i].Json), false, true));
            if (i < bad.Count) list.Add((bad[i].Key, bad[i].Value, true, bad[i].InReplay));
        }
        return list;
    }

    private static string Identity(Alert a) => $"{a.ShopId} {a.Rule} {a.AlertId} {Alert.StatusName(a.Status)} r{a.Revision}";

    /// <summary>What the normal script alone raises, by replay.</summary>
    private static List<string> Expected()
    {
        var alerts = new List<Alert>();
        var input = string.Join('\n', Normal().Select(n => n.Json));
        ReplayRunner.Run(new StringReader(input), RulesSnapshot.BuiltInDefaults(), alerts.Add, (line, reason) => throw new InvalidOperationException($"normal line {line} refused: {reason}"));
        return [.. alerts.Select(Identity).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task HostileRecords_ThroughTheConsumeLoop_AreDeadLetteredAndTheNormalAlertsAreExact()
    {
        var expected = Expected();
        Assert.Contains(expected, e => e.StartsWith("shop-b forbidden_claim", StringComparison.Ordinal));
        Assert.Contains(expected, e => e.StartsWith("evil{shop}*:x rude_language", StringComparison.Ordinal));
        var corpus = Corpus();
        var badCount = corpus.Count(c => c.Bad);
        Assert.True(badCount + 1 >= 25, $"the corpus holds {badCount + 1} kinds of bad record");

        await using var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString);
        Kafka.Produce(Topic, corpus.Select(c => (c.Key, c.Value!)));
        await WaitUntilAsync(() => worker.Status.Records >= corpus.Count, TimeSpan.FromSeconds(60), () => $"{worker.Status.Records} of {corpus.Count} records processed");
        // The 5 MB record last, once the rest is consumed: the embedded broker trims a partition's log to 5 MiB when it arrives.
        var huge = Bad().Single(b => b.Kind == "5 MB record");
        Kafka.Produce(Topic, [(huge.Key, huge.Value!)], maxMessageBytes: 8 << 20);
        await WaitUntilAsync(() => worker.Status.Records >= corpus.Count + 1, TimeSpan.FromSeconds(60), () => "the 5 MB record");

        var dead = Kafka.ReadAll(Topic + ".dlq", badCount + 1, TimeSpan.FromSeconds(30));
        output.WriteLine($"{dead.Count} dead letters:");
        foreach (var d in dead)
            output.WriteLine($"  @{Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes("dlq.source.offset"))} {Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes("dlq.reason"))}");
        Assert.Equal(badCount + 1, dead.Count);
        Assert.All(dead, d =>
        {
            var reason = Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes("dlq.reason"));
            Assert.InRange(reason.Length, 1, RecordReason.MaxLength);
            Assert.DoesNotContain(reason, char.IsControl);
            Assert.InRange(d.Message.Value?.Length ?? 0, 0, 256 * 1024);
        });
        // The three records above Kafka:DeadLetterMaxBytes (256 KiB) go as truncated copies that say how big they were.
        var truncated = dead.Where(d => d.Message.Headers.TryGetLastBytes("dlq.truncated", out _)).ToList();
        var big = Bad().Where(b => b.Value is { Length: > 256 * 1024 }).Select(b => b.Value!.Length + Encoding.UTF8.GetByteCount(b.Key)).Order().ToList();
        Assert.Equal(3, big.Count);
        Assert.Equal(big, truncated.Select(d => int.Parse(Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes("dlq.original.bytes")), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList());
        Assert.Contains(dead, d => Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes("dlq.reason")).StartsWith("sentAt out of range", StringComparison.Ordinal));

        // Exactly the normal script's alerts, each in its own store's stream, none above the bound.
        var alerts = await AlertStreams.WaitForAsync(Redis, a => a.Count >= expected.Count, TimeSpan.FromSeconds(30), "the normal script's alerts");
        await Task.Delay(TimeSpan.FromSeconds(1)); // nothing more may come
        alerts = await AlertStreams.ReadAllAsync(Redis);
        Assert.Equal(expected, alerts.Select(Identity).Order(StringComparer.Ordinal).ToList());
        var server = Redis.GetServers()[0];
        await foreach (var key in server.KeysAsync(pattern: "alerts:stream:*"))
        {
            foreach (var entry in await Redis.GetDatabase().StreamRangeAsync(key, "-", "+"))
            {
                var json = (string)entry["alert"]!;
                Assert.InRange(Encoding.UTF8.GetByteCount(json), 1, AlertJson.MaxEventBytes);
                var shop = AlertJson.Parse(json).ShopId;
                Assert.Equal($"alerts:stream:{{{Uri.EscapeDataString(shop)}}}", key.ToString(), ignoreCase: true);
            }
        }
    }

    [Fact]
    public void HostileRecords_ThroughReplay_AreReportedAndTheNormalAlertsAreExact()
    {
        var corpus = Corpus().Where(c => c.InReplay).ToList();
        var huge = Bad().Single(b => b.Kind == "5 MB record");
        var lines = corpus.Select(c => Encoding.UTF8.GetString(c.Value!)).Append(Encoding.UTF8.GetString(huge.Value!)).ToList();
        var alerts = new List<Alert>();
        var bad = new List<(long Line, string Reason)>();
        ReplayRunner.Run(new StringReader(string.Join('\n', lines)), RulesSnapshot.BuiltInDefaults(), alerts.Add, (line, reason) => bad.Add((line, reason)));
        foreach (var (line, reason) in bad) output.WriteLine($"line {line}: {reason}");
        Assert.Equal(corpus.Count(c => c.Bad) + 1, bad.Count);
        Assert.All(bad, b => Assert.InRange(b.Reason.Length, 1, RecordReason.MaxLength));
        Assert.Equal(Expected(), alerts.Select(Identity).Order(StringComparer.Ordinal).ToList());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting: {what()}");
            await Task.Delay(50);
        }
    }
}
