using System.Text.Json;

namespace Alerting.Core.Messages;

/// <summary>Writes a <see cref="ChatMessage"/> in the CONTRACTS.md §1 shape (generators, tests, fixtures).</summary>
public static class ChatMessageJson
{
    public static byte[] ToUtf8(ChatMessage m)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = AlertJsonEncoder.Instance }))
        {
            w.WriteStartObject();
            w.WriteString("messageId", m.MessageId);
            w.WriteString("conversationId", m.ConversationId);
            w.WriteString("shopId", m.ShopId);
            w.WriteString("sender", ChatMessage.SenderName(m.Sender));
            w.WriteString("senderId", m.SenderId);
            if (m.AgentId is not null) w.WriteString("agentId", m.AgentId);
            if (m.Event == ChatEventKind.Message || m.Text.Length > 0) w.WriteString("text", m.Text);
            w.WriteString("sentAt", m.SentAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture));
            if (m.Event != ChatEventKind.Message) w.WriteString("event", ChatMessage.EventName(m.Event));
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static string ToJson(ChatMessage m) => System.Text.Encoding.UTF8.GetString(ToUtf8(m));
}
