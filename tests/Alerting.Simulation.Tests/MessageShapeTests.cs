using System.Text.RegularExpressions;
using Alerting.Core.Messages;

namespace Alerting.Simulation.Tests;

public class MessageShapeTests
{
    [Fact]
    public void EveryMessage_ParsesAndRoundTrips()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 11, Conversations = 1_000 });
        Assert.NotEmpty(run.Messages);
        foreach (var m in run.Messages)
        {
            var parsed = ChatMessageParser.Parse(m.Utf8Json);
            Assert.True(parsed.IsValid, $"{parsed.Error}: {System.Text.Encoding.UTF8.GetString(m.Utf8Json)}");
            var p = parsed.Message!;
            Assert.Equal(m.Message.MessageId, p.MessageId);
            Assert.Equal(m.Message.ConversationId, p.ConversationId);
            Assert.Equal(m.Message.ShopId, p.ShopId);
            Assert.Equal(m.Message.Sender, p.Sender);
            Assert.Equal(m.Message.SenderId, p.SenderId);
            Assert.Equal(m.Message.AgentId, p.AgentId);
            Assert.Equal(m.Message.Text, p.Text);
            Assert.Equal(m.Message.SentAt, p.SentAt);
            Assert.Equal(TimeSpan.FromHours(8), p.SentAt.Offset);
            Assert.Equal(m.Message.Event, p.Event);
            Assert.Equal(m.Key, p.ConversationId);
        }
    }

    [Fact]
    public void Ids_AreUniqueAndFollowTheSeedPattern()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 5, Conversations = 500 });
        Assert.Equal(run.Messages.Count, run.Messages.Select(m => m.Message.MessageId).Distinct().Count());
        Assert.All(run.Messages, m => Assert.Matches(new Regex("^m-5-[0-9]{7,}$"), m.Message.MessageId));
        Assert.All(run.Messages, m => Assert.Matches(new Regex("^c-5-[0-9]{6,}$"), m.Message.ConversationId));
        Assert.All(run.Messages, m => Assert.StartsWith("shop-", m.Message.ShopId, StringComparison.Ordinal));
        Assert.Equal(500, run.Messages.Select(m => m.Message.ConversationId).Distinct().Count());
        Assert.Equal(500, run.Run.ConversationCount);
        Assert.Equal(run.Messages.Count, run.Run.MessageCount);
        Assert.Equal(Enumerable.Range(0, run.Messages.Count).Select(i => (long)i), run.Messages.Select(m => m.Sequence));
    }

    [Fact]
    public void WithoutDisorder_MessagesAreInSentAtOrder()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 2, Conversations = 2_000 });
        for (int i = 1; i < run.Messages.Count; i++)
            Assert.True(run.Messages[i - 1].Message.SentAt <= run.Messages[i].Message.SentAt, $"message {i} goes back in time");
        Assert.Equal(new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8)), run.Messages[0].Message.SentAt);
    }

    [Fact]
    public void WithDisorder_LatenessIsBoundedAndConversationOrderKept()
    {
        var disorder = TimeSpan.FromSeconds(5);
        var run = CompletedRun.Of(new SimulationOptions { Seed = 2, Conversations = 2_000, MaxDisorder = disorder });
        var maxSeen = DateTimeOffset.MinValue;
        var outOfOrder = 0;
        var lastInConversation = new Dictionary<string, DateTimeOffset>();
        foreach (var m in run.Messages)
        {
            var t = m.Message.SentAt;
            if (t < maxSeen) outOfOrder++;
            Assert.True(maxSeen - t <= disorder, $"{m.Message.MessageId} is {(maxSeen - t).TotalSeconds}s late");
            if (t > maxSeen) maxSeen = t;
            if (lastInConversation.TryGetValue(m.Message.ConversationId, out var prev)) Assert.True(prev < t);
            lastInConversation[m.Message.ConversationId] = t;
        }
        Assert.True(outOfOrder > 0, "disorder was requested but every message arrived in order");
    }

    [Fact]
    public void Conversations_HaveTheExpectedStructure()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 8, Conversations = 2_000, TransferRate = 0.2 });
        var stores = run.Generator.Stores.ToDictionary(s => s.ShopId);
        foreach (var conv in run.Messages.GroupBy(m => m.Message.ConversationId))
        {
            var list = conv.Select(m => m.Message).ToList();
            Assert.Equal(SenderKind.Buyer, list[0].Sender);
            Assert.Single(list.Select(m => m.ShopId).Distinct());
            var store = stores[list[0].ShopId];
            Assert.Single(list.Where(m => m.Sender == SenderKind.Buyer).Select(m => m.SenderId).Distinct());
            Assert.All(list.Where(m => m.Sender == SenderKind.Agent), m =>
            {
                Assert.Contains(m.SenderId, store.AgentIds);
                Assert.Equal(m.SenderId, m.AgentId);
            });
            Assert.All(list.Where(m => m.Event == ChatEventKind.Transfer), m => Assert.Contains(m.AgentId!, store.AgentIds));
            Assert.All(list.Where(m => m.Sender == SenderKind.Bot), m => Assert.Equal("bot-" + store.ShopId, m.SenderId));
            var closes = list.Count(m => m.Event == ChatEventKind.Close);
            Assert.True(closes <= 1);
            if (closes == 1) Assert.Equal(ChatEventKind.Close, list[^1].Event);
        }
        Assert.Contains(run.Messages, m => m.Message.Event == ChatEventKind.Transfer);
        Assert.Contains(run.Messages, m => m.Message.Event == ChatEventKind.Close);
        Assert.Contains(run.Messages, m => m.Message.Sender == SenderKind.Bot);
        // After a transfer the new owner is the one who answers next.
        foreach (var conv in run.Messages.GroupBy(m => m.Message.ConversationId))
        {
            var list = conv.Select(m => m.Message).ToList();
            var i = list.FindIndex(m => m.Event == ChatEventKind.Transfer);
            if (i < 0) continue;
            var nextAgent = list.Skip(i).FirstOrDefault(m => m.Sender == SenderKind.Agent);
            if (nextAgent is not null) Assert.Equal(list[i].AgentId, nextAgent.SenderId);
        }
    }

    [Fact]
    public void CleanReplies_ComeWithin5To20Seconds_AndEveryCleanConversationIsAnsweredBeforeClose()
    {
        var run = CompletedRun.Of(new SimulationOptions { Seed = 4, Conversations = 1_500 });
        foreach (var conv in run.Messages.GroupBy(m => m.Message.ConversationId))
        {
            DateTimeOffset? waiting = null;
            var faulty = conv.Any(m => m.Fault.HasFlag(SimulatedFault.UnansweredBuyer));
            foreach (var m in conv)
            {
                var msg = m.Message;
                if (msg.Sender == SenderKind.Buyer && msg.Event == ChatEventKind.Message) waiting ??= msg.SentAt;
                else if (msg.Sender == SenderKind.Agent && waiting is { } since)
                {
                    var delay = msg.SentAt - since;
                    if (m.Fault.HasFlag(SimulatedFault.SlowReply))
                        Assert.InRange(delay, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(150));
                    else
                        Assert.InRange(delay, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));
                    waiting = null;
                }
                else if (msg.Event == ChatEventKind.Close && !faulty) Assert.Null(waiting);
            }
            if (!faulty) Assert.Null(waiting);
        }
    }
}
