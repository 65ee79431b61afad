using Alerting.Core.Alerts;
using Alerting.Core.Messages;
using Alerting.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.IntegrationTests.Faults;

/// <summary>
/// The delivery fault tests' batch case: a wrong quick-reply template sent by several agents in
/// conversations spread over many partitions and instances must end as the same batch alert, at the
/// same final revision, as replay computes — with one instance, with three, and with one killed midway.
/// </summary>
public sealed class BatchFaultTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 11, 0, 1, 0, TimeSpan.FromHours(8));

    private const string Rules = """
        { "Rules": { "Stores": { "shop-x": { "Promotions": [ {
            "Id": "d11", "Name": "双11满减", "Aliases": [ "满减" ],
            "Start": "2026-11-10T20:00:00+08:00", "End": "2026-11-12T00:00:00+08:00",
            "ThresholdDiscount": { "Threshold": 300, "Amount": 50 } } ] } } } }
        """;

    /// <summary>Twelve conversations, four agents, each answering with the same wrong template.</summary>
    private static List<ChatMessage> Script()
    {
        var list = new List<ChatMessage>();
        for (var c = 0; c < 12; c++)
        {
            var conversation = $"bx-{c:00}";
            var agent = $"agent-{c % 4}";
            var at = T0.AddSeconds(c * 20);
            list.Add(new ChatMessage { MessageId = $"{conversation}-q", ConversationId = conversation, ShopId = "shop-x", Sender = SenderKind.Buyer, SenderId = "b" + c, Text = "双11满减怎么算？", SentAt = at });
            list.Add(new ChatMessage { MessageId = $"{conversation}-a", ConversationId = conversation, ShopId = "shop-x", Sender = SenderKind.Agent, SenderId = agent, AgentId = agent, Text = "亲，双11满减是满200减50哦，可以叠加店铺券", SentAt = at.AddSeconds(8) });
        }
        return list;
    }

    private static Alert FinalBatch(IEnumerable<Alert> alerts)
        => alerts.Where(a => a.Rule == "batch_wrong_promo_answer").MaxBy(a => a.Revision) ?? throw new InvalidOperationException("no batch alert");

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(2, true)]
    public async Task WrongTemplateAcrossPartitions_EndsAsTheReplayedBatchAlert(int instances, bool killOne)
    {
        await using var run = await ScriptedRun.StartAsync("batch", Rules, Script(), partitions: 12);
        var expected = FinalBatch(run.Replayed);

        run.StartWorkers(instances);
        run.Produce(0, 12);
        if (killOne)
        {
            await AlertStreams.WaitForAsync(run.Redis, a => a.Any(x => x.Rule == "wrong_promo_answer"), TimeSpan.FromSeconds(60), "the first wrong answers");
            run.Workers[0].Kill();
        }
        run.Produce(12, run.Messages.Count);

        var live = await AlertStreams.WaitForAsync(run.Redis,
            a => a.Any(x => x.AlertId == expected.AlertId && x.Revision == expected.Revision), TimeSpan.FromSeconds(90), $"batch alert at revision {expected.Revision}");
        var final = FinalBatch(live);
        output.WriteLine($"{instances} instance(s){(killOne ? ", one killed" : "")}: batch {final.AlertId} revision {final.Revision}: {final.Summary}");
        Assert.Equal(expected.AlertId, final.AlertId);
        Assert.Equal(expected.Revision, final.Revision);
        Assert.Equal(expected.MessageIds.Order(), final.MessageIds.Order());
        Assert.Equal(expected.Evidence["agents"]!.ToJsonString(), final.Evidence["agents"]!.ToJsonString());
        Assert.Equal(Severity.Critical, final.Severity);
        Assert.Equal(12, live.Count(a => a.Rule == "wrong_promo_answer"));
        Assert.Equal(live.Count, live.Select(a => $"{a.AlertId}/{a.Status}/{a.Revision}").Distinct().Count());
    }
}
