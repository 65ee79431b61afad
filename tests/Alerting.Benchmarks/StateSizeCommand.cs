using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;

namespace Alerting.Benchmarks;

/// <summary>
/// Heap bytes per open conversation. Opens <c>--conversations</c> (default 1,000,000)
/// conversations in one <see cref="PartitionPipeline"/>, each with one buyer message waiting and its
/// unanswered deadline pending, fed as UTF-8 JSON through <see cref="ChatMessageParser"/> exactly as
/// the Kafka adapter does (so the retained strings are the parser's), and measures
/// <see cref="GC.GetTotalMemory(bool)"/> (full, compacting collection) before and after. Then shows
/// what each structure holds by taking the pending changes, closing every conversation and finally
/// letting the stale deadlines fall due. Target: ≤ 300 bytes per open conversation.
/// </summary>
public static class StateSizeCommand
{
    private static readonly string[] Categories = ["beauty", "apparel", "home", "digital"];

    public static int Run(string[] args)
    {
        var count = 1_000_000;
        var sharedIds = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--conversations" && i + 1 < args.Length) count = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--shared-ids") sharedIds = true;
        }

        var snapshot = RulesSnapshot.BuiltInDefaults();
        var start = new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));
        // 12 stores × 4 agents, like the generator's defaults.
        var shops = Enumerable.Range(1, 12).Select(s => $"shop-{Categories[s % 4]}-{s:00}").ToArray();
        var agents = shops.Select((_, s) => Enumerable.Range(1, 4).Select(a => $"agent-{s + 1:00}-{a:00}").ToArray()).ToArray();

        var pipeline = new PartitionPipeline(new FixedRulesSource(snapshot), TimeProvider.System);
        var alerts = new List<Alert>();
        var buffer = new byte[1024];
        var before = Measure();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            // 100 µs apart: a million conversations open within 100 s of event time, so no
            // 180 s deadline falls due and nothing is idle long enough to be evicted.
            var sentAt = start.AddTicks(i * 1_000L);
            var shop = i % shops.Length;
            var agent = agents[shop][(i / shops.Length) % 4];
            ChatMessage message;
            if (sharedIds)
            {
                // What interning shop and agent ids in the parser would give: one string per store/agent.
                var parsed = Parse(buffer, i, shops[shop], agent, sentAt);
                message = new ChatMessage
                {
                    MessageId = parsed.MessageId, ConversationId = parsed.ConversationId, ShopId = shops[shop],
                    Sender = parsed.Sender, SenderId = parsed.SenderId, AgentId = agent, Text = parsed.Text, SentAt = parsed.SentAt,
                };
            }
            else
            {
                message = Parse(buffer, i, shops[shop], agent, sentAt);
            }
            pipeline.Process(message, alerts);
        }
        clock.Stop();
        if (alerts.Count != 0 || pipeline.OpenConversations != count || pipeline.PendingDeadlines != count)
            throw new InvalidOperationException($"setup went wrong: {alerts.Count} alerts, {pipeline.OpenConversations} open, {pipeline.PendingDeadlines} deadlines");
        var open = Measure();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            state-size: {count:N0} open conversations in one PartitionPipeline, each with a buyer waiting and a deadline pending
              ids like c-20261111-0000123 / m-20261111-0000123 / shop-beauty-01 / agent-01-01 / b-000123; {(sharedIds ? "shop and agent id strings SHARED (simulated interning)" : "every id string as the parser allocates it (live path)")}
              fed in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:N0} msg/s incl. JSON formatting)
              heap before {before:N0} B, after {open:N0} B
              => {(double)(open - before) / count:F1} bytes per open conversation   (target <= 300)
            """));

        // Where it goes: the change set for checkpoints (never drained in the live worker today).
        _ = pipeline.TakeChanges();
        var afterTake = Measure();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  after TakeChanges():            {(double)(afterTake - before) / count,7:F1} B/conversation  (the _changed set held {(double)(open - afterTake) / count:F1} B/conversation)"));

        // Close them all: ids go to _removed, states stay referenced by the deadline heap until due.
        var closeAt = start.AddTicks(count * 1_000L);
        for (var i = 0; i < count; i++)
        {
            var close = ParseClose(buffer, i, shops[i % shops.Length], closeAt);
            pipeline.Process(close, alerts);
            alerts.Clear(); // each close raises unanswered_buyer (firedBy close); not what is measured
        }
        var closed = Measure();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  after closing all {count:N0}:   {(double)(closed - before) / count,7:F1} B/closed conversation still held (open now {pipeline.OpenConversations}; _removed ids + stale deadline entries)"));
        _ = pipeline.TakeChanges();
        var afterTake2 = Measure();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  after TakeChanges():            {(double)(afterTake2 - before) / count,7:F1} B/closed conversation (the _removed set held {(double)(closed - afterTake2) / count:F1} B)"));
        pipeline.AdvanceWatermark(closeAt.AddHours(1), alerts);
        var drained = Measure();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  after the deadlines fall due:   {(double)(drained - before) / count,7:F1} B/closed conversation (stale heap entries + the states they kept: {(double)(afterTake2 - drained) / count:F1} B)"));
        GC.KeepAlive(pipeline);
        return 0;
    }

    private static long Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static ChatMessage Parse(byte[] buffer, int i, string shop, string agent, DateTimeOffset sentAt)
    {
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"messageId":"m-20261111-{{i:0000000}}","conversationId":"c-20261111-{{i:0000000}}","shopId":"{{shop}}","sender":"buyer","senderId":"b-{{i % 20_000:000000}}","agentId":"{{agent}}","text":"在吗？这款还有货吗，双11什么时候发货","sentAt":"{{AlertJson.FormatTime(sentAt)}}"}""");
        var n = Encoding.UTF8.GetBytes(json, buffer);
        return ChatMessageParser.Parse(buffer.AsSpan(0, n)).Message ?? throw new InvalidOperationException("bad JSON: " + json);
    }

    private static ChatMessage ParseClose(byte[] buffer, int i, string shop, DateTimeOffset sentAt)
    {
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"messageId":"m-20261111-c{{i:0000000}}","conversationId":"c-20261111-{{i:0000000}}","shopId":"{{shop}}","sender":"system","senderId":"system","event":"close","sentAt":"{{AlertJson.FormatTime(sentAt)}}"}""");
        var n = Encoding.UTF8.GetBytes(json, buffer);
        return ChatMessageParser.Parse(buffer.AsSpan(0, n)).Message ?? throw new InvalidOperationException("bad JSON: " + json);
    }
}
