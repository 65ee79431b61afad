using System.Text;
using Alerting.Core.Messages;

namespace Alerting.Core.Tests.Contracts;

/// <summary>Pins CONTRACTS.md §1: the chat message shape and what makes a record bad.</summary>
public class ChatMessageParserTests
{
    private const string Valid = """{"messageId":"m-000001","conversationId":"c-42","shopId":"shop-a","sender":"buyer","senderId":"b-889","agentId":"agent-07","text":"满300减50吗？","sentAt":"2026-11-11T00:00:01.123+08:00","event":"message"}""";

    private static ParseResult Parse(string json) => ChatMessageParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ContractExample_ParsesEveryField()
    {
        var m = Parse(Valid).Message!;
        Assert.Equal("m-000001", m.MessageId);
        Assert.Equal("c-42", m.ConversationId);
        Assert.Equal("shop-a", m.ShopId);
        Assert.Equal(SenderKind.Buyer, m.Sender);
        Assert.Equal("b-889", m.SenderId);
        Assert.Equal("agent-07", m.AgentId);
        Assert.Equal("满300减50吗？", m.Text);
        Assert.Equal(new DateTimeOffset(2026, 11, 11, 0, 0, 1, 123, TimeSpan.FromHours(8)), m.SentAt);
        Assert.Equal(TimeSpan.FromHours(8), m.SentAt.Offset);
        Assert.Equal(ChatEventKind.Message, m.Event);
    }

    [Theory]
    [InlineData("bot", SenderKind.Bot)]
    [InlineData("agent", SenderKind.Agent)]
    [InlineData("system", SenderKind.System)]
    public void Senders_AreRecognized(string sender, SenderKind expected)
        => Assert.Equal(expected, Parse(Valid.Replace("\"buyer\"", $"\"{sender}\"", StringComparison.Ordinal)).Message!.Sender);

    [Fact]
    public void UnknownFields_AreIgnored_AndOptionalFieldsMayBeAbsent()
    {
        var m = Parse("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"agent","senderId":"a","text":"","sentAt":"2026-11-11T00:00:00Z","channel":{"x":[1,2]},"vip":true}""").Message!;
        Assert.Null(m.AgentId);
        Assert.Equal("", m.Text);
        Assert.Equal(ChatEventKind.Message, m.Event);
    }

    [Fact]
    public void EscapedStrings_AreDecoded()
    {
        var m = Parse("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"buyer","senderId":"b","text":"\u4f60\u597d","sentAt":"2026-11-11T00:00:00\u002b08:00"}""").Message!;
        Assert.Equal("你好", m.Text);
        Assert.Equal(TimeSpan.FromHours(8), m.SentAt.Offset);
    }

    [Fact]
    public void CloseAndTransfer_Events()
    {
        Assert.Equal(ChatEventKind.Close, Parse("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"system","senderId":"x","sentAt":"2026-11-11T00:00:00+08:00","event":"close"}""").Message!.Event);
        var t = Parse("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"system","senderId":"x","agentId":"agent-2","sentAt":"2026-11-11T00:00:00+08:00","event":"transfer"}""").Message!;
        Assert.Equal(ChatEventKind.Transfer, t.Event);
        Assert.Equal("agent-2", t.AgentId);
    }

    [Theory]
    [InlineData("", "empty value")]
    [InlineData("not json", "invalid JSON")]
    [InlineData("[1,2]", "expected a JSON object")]
    [InlineData("""{"messageId":"m"}""", "missing required field 'conversationId'")]
    [InlineData("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"robot","senderId":"b","text":"x","sentAt":"2026-11-11T00:00:00+08:00"}""", "unknown sender 'robot'")]
    [InlineData("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"buyer","senderId":"b","text":"x","sentAt":"2026-11-11T00:00:00+08:00","event":"typing"}""", "unknown event 'typing'")]
    [InlineData("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"buyer","senderId":"b","text":"x","sentAt":"2026-11-11T00:00:00"}""", "field 'sentAt' is not an ISO-8601 time with offset")]
    [InlineData("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"buyer","senderId":"b","text":"x","sentAt":"yesterday"}""", "field 'sentAt' is not an ISO-8601 time with offset")]
    [InlineData("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"buyer","senderId":"b","sentAt":"2026-11-11T00:00:00+08:00"}""", "missing required field 'text'")]
    [InlineData("""{"messageId":7,"conversationId":"c","shopId":"s","sender":"buyer","senderId":"b","text":"x","sentAt":"2026-11-11T00:00:00+08:00"}""", "field 'messageId' must be a string")]
    [InlineData("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"system","senderId":"x","sentAt":"2026-11-11T00:00:00+08:00","event":"transfer"}""", "a transfer event needs 'agentId'")]
    [InlineData("""{"messageId":"m","conversationId":"c","shopId":"s","sender":"buyer","senderId":"b","text":"x","sentAt":"2026-11-11T00:00:00+08:00"} {}""", "invalid JSON")]
    public void BadRecords_AreRefusedWithAReason(string json, string reason)
    {
        var result = Parse(json);
        Assert.False(result.IsValid);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void WrittenMessages_RoundTrip()
    {
        var m = Parse(Valid).Message!;
        var again = ChatMessageParser.Parse(ChatMessageJson.ToUtf8(m)).Message!;
        Assert.Equivalent(m, again);
    }
}
