using Alerting.Core.Alerts;
using Alerting.Core.Config;
using Alerting.Core.Messages;
using Alerting.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Core.Tests.Pipeline;

/// <summary>Builds chat records at offsets (seconds) from a fixed Beijing-time origin, and runs them through a pipeline.</summary>
internal sealed class ChatScript
{
    public static readonly DateTimeOffset Origin = new(2026, 11, 11, 0, 0, 0, TimeSpan.FromHours(8));

    private int _next;

    public ChatScript(params (string Key, string? Value)[] config)
    {
        var built = RulesSnapshotBuilder.Build(new ConfigurationBuilder().AddInMemoryCollection(config.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value))).Build());
        Assert.True(built.Snapshot is not null, string.Join("; ", built.Problems));
        Rules = built.Snapshot!;
        Pipeline = new PartitionPipeline(new FixedRulesSource(Rules), new FakeTimeProvider(Origin), trackChanges: true);
    }

    public RulesSnapshot Rules { get; }
    public PartitionPipeline Pipeline { get; }
    public List<Alert> Alerts { get; } = [];

    public static ChatMessage Msg(string id, SenderKind sender, double atSeconds, string text = "好的", string conversation = "c1", string? agent = "agent-1", ChatEventKind kind = ChatEventKind.Message, string shop = "shop-a")
        => new()
        {
            MessageId = id,
            ConversationId = conversation,
            ShopId = shop,
            Sender = sender,
            SenderId = sender == SenderKind.Buyer ? "b-1" : agent ?? "x",
            AgentId = agent,
            Text = text,
            SentAt = Origin.AddSeconds(atSeconds),
            Event = kind,
        };

    public ChatScript Buyer(double at, string? id = null, string text = "在吗？满300减50吗", string conversation = "c1")
        => Send(Msg(id ?? NextId(), SenderKind.Buyer, at, text, conversation));

    public ChatScript Agent(double at, string? id = null, string text = "您好，在的，请问有什么可以帮您", string conversation = "c1", string agent = "agent-1")
        => Send(Msg(id ?? NextId(), SenderKind.Agent, at, text, conversation, agent));

    public ChatScript Bot(double at, string? id = null, string conversation = "c1")
        => Send(Msg(id ?? NextId(), SenderKind.Bot, at, "您好，客服稍后回复您", conversation, "bot"));

    public ChatScript Close(double at, string? id = null, string conversation = "c1")
        => Send(Msg(id ?? NextId(), SenderKind.System, at, "", conversation, null, ChatEventKind.Close));

    public ChatScript Transfer(double at, string toAgent, string? id = null, string conversation = "c1")
        => Send(Msg(id ?? NextId(), SenderKind.System, at, "", conversation, toAgent, ChatEventKind.Transfer));

    public ChatScript Send(ChatMessage message)
    {
        Pipeline.Process(message, Alerts);
        return this;
    }

    /// <summary>Moves the watermark to <paramref name="atSeconds"/> after the origin (an idle partition, or the end of a replay).</summary>
    public ChatScript ClockTo(double atSeconds)
    {
        Pipeline.AdvanceWatermark(Origin.AddSeconds(atSeconds), Alerts);
        return this;
    }

    public IEnumerable<Alert> Of(string rule) => Alerts.Where(a => a.Rule == rule);

    private string NextId() => $"m{++_next}";
}
