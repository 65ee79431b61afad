using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.IntegrationTests.Infrastructure;
using Alerting.Simulation;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Rules;

/// <summary>
/// The privacy check of <c>personal_data_exposure</c>: generated traffic in which agents expose
/// buyers' phones, ids and bank cards (some in rude replies, whose alert quotes the text) runs through the
/// embedded broker, the real worker (every log line captured, Trace level) and a real redis-server; then
/// every Redis key, value, stream entry and published message, and every log line, is searched for the
/// full numbers. None may be found; the masked forms must be (so the search looks in the right places).
/// </summary>
public sealed partial class PersonalDataLeakTests(ITestOutputHelper output) : LiveStackTest("pii", 2)
{
    [Fact]
    public async Task WorkerRun_WithExposedNumbers_WritesNoFullNumberToRedisPubSubOrLogs()
    {
        var generator = new ChatTrafficGenerator(new SimulationOptions { Seed = 2020, Conversations = null, MessageCount = 3_000, PersonalDataRate = 0.2, RudeReplyRate = 0.05 });
        var run = generator.CreateRun();
        var messages = run.Messages.ToList();
        var last = messages[^1].Message;
        // A rude reply that also quotes the buyer's phone: rude_language's evidence carries the text.
        var mixed = new ChatMessage
        {
            MessageId = "m-pii-mixed", ConversationId = "c-pii-mixed", ShopId = last.ShopId, Sender = SenderKind.Agent, SenderId = "agent-x", AgentId = "agent-x",
            Text = "您的手机号13912345670对吗，傻逼", SentAt = last.SentAt,
        };
        var records = messages.Select(m => (m.Key, m.Utf8Json)).Append((mixed.ConversationId, ChatMessageJson.ToUtf8(mixed))).ToList();
        var expected = run.ExpectedAlertsDueBy(last.SentAt).Where(e => e.Rule == ExpectedAlert.PersonalDataExposure).ToList();
        Assert.True(expected.Count >= 50, $"only {expected.Count} exposures generated");

        // The full numbers, found in the agent texts independently of the rule: digits with separators removed.
        var full = messages.Select(m => m.Message).Append(mixed).Where(m => m.Sender == SenderKind.Agent)
            .SelectMany(m => LongNumber().Matches(m.Text ?? "").Select(x => x.Value))
            .SelectMany(written => new[] { written, written.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal) })
            .Where(n => n.Count(char.IsAsciiDigit) >= 11).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("13912345670", full);

        var published = new ConcurrentQueue<string>();
        var subscriber = Redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Pattern("*"), (channel, value) => published.Enqueue($"{channel} {value}"));
        var logs = new ConcurrentQueue<string>();

        Kafka.Produce(Topic, records);
        await using (var worker = await WorkerUnderTest.StartAsync(Kafka.BootstrapServers, Topic, "g-" + Topic, RedisServer.ConnectionString,
            logging: l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(logs))))
        {
            var ids = expected.Select(e => e.AlertId).Append(AlertIds.ForConversation(ExpectedAlert.PersonalDataExposure, mixed.ConversationId, mixed.MessageId)).ToHashSet();
            await AlertStreams.WaitForAsync(Redis, a => ids.IsSubsetOf(a.Select(x => x.AlertId)), TimeSpan.FromSeconds(60), "every exposure alert");
            await worker.StopAsync(); // final flush and checkpoint, so they are searched too
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (published.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(50);

        var redisDump = await DumpAsync(Redis);
        output.WriteLine($"{messages.Count + 1} records, {expected.Count + 1} exposures, {full.Count} number forms; Redis dump {redisDump.Length:N0} chars, {published.Count} published, {logs.Count} log lines");
        var places = new (string Where, IEnumerable<string> Lines)[] { ("redis", [redisDump]), ("pub/sub", published), ("logs", logs) };
        foreach (var (where, lines) in places)
            foreach (var line in lines)
                foreach (var number in full)
                    Assert.False(line.Contains(number, StringComparison.Ordinal), $"full number {number[..3]}… found in {where}: {Excerpt(line, number)}");

        // Positive controls: the search reads the alerts and messages that carry the masked numbers.
        Assert.Contains("139****5670", redisDump, StringComparison.Ordinal);
        Assert.Contains(published, p => p.Contains("139****5670", StringComparison.Ordinal));
        Assert.Contains(published, p => p.Contains("rude_language", StringComparison.Ordinal) && p.Contains("139****5670", StringComparison.Ordinal));
        Assert.NotEmpty(logs);
    }

    [GeneratedRegex(@"(?<![0-9])[0-9](?:[ -]?[0-9]){10,18}X?")]
    private static partial Regex LongNumber();

    private static string Excerpt(string line, string number)
    {
        var at = line.IndexOf(number, StringComparison.Ordinal);
        var from = Math.Max(0, at - 60);
        return line.Substring(from, Math.Min(line.Length - from, number.Length + 120)).Replace(number, "<NUMBER>", StringComparison.Ordinal);
    }

    /// <summary>Every key and everything stored under it, whatever its type, as text.</summary>
    private static async Task<string> DumpAsync(IConnectionMultiplexer redis)
    {
        var server = redis.GetServers()[0];
        var db = redis.GetDatabase();
        var sb = new StringBuilder();
        await foreach (var key in server.KeysAsync(pattern: "*", pageSize: 500))
        {
            sb.Append(key).Append('\n');
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String: sb.Append(Text(await db.StringGetAsync(key))); break;
                case RedisType.Hash: foreach (var e in await db.HashGetAllAsync(key)) sb.Append(Text(e.Name)).Append('=').Append(Text(e.Value)).Append('\n'); break;
                case RedisType.List: foreach (var v in await db.ListRangeAsync(key)) sb.Append(Text(v)).Append('\n'); break;
                case RedisType.Set: foreach (var v in await db.SetMembersAsync(key)) sb.Append(Text(v)).Append('\n'); break;
                case RedisType.SortedSet: foreach (var e in await db.SortedSetRangeByRankWithScoresAsync(key)) sb.Append(Text(e.Element)).Append(' ').Append(e.Score).Append('\n'); break;
                case RedisType.Stream:
                    foreach (var entry in await db.StreamRangeAsync(key, "-", "+"))
                        foreach (var v in entry.Values) sb.Append(entry.Id).Append(' ').Append(v.Name).Append('=').Append(Text(v.Value)).Append('\n');
                    break;
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A value as UTF-8 text, and binary values (checkpoints) also byte by byte, so digits inside them are seen.</summary>
    private static string Text(RedisValue value)
    {
        if (value.IsNull) return "";
        var bytes = (byte[])value!;
        return Encoding.UTF8.GetString(bytes) + "\n" + Encoding.Latin1.GetString(bytes);
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var sb = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            // Structured values too: a sink that writes them (JSON console, OpenTelemetry) would carry them.
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (k, v) in values) sb.Append(' ').Append(k).Append('=').Append(v);
            if (exception is not null) sb.Append(' ').Append(exception);
            lines.Enqueue(sb.ToString());
        }
    }
}
