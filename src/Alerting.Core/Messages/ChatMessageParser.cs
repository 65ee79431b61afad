using System.Globalization;
using System.Text.Json;

namespace Alerting.Core.Messages;

/// <summary>Outcome of parsing one Kafka value: a message, or the reason it is a bad message.</summary>
public readonly record struct ParseResult(ChatMessage? Message, string? Error)
{
    public bool IsValid => Message is not null;
}

/// <summary>
/// Parses the UTF-8 JSON of CONTRACTS.md §1 with <see cref="Utf8JsonReader"/> (no DOM).
/// Unknown fields are skipped. Any violation yields a human-readable reason naming the field,
/// which the Kafka adapter puts on the dead-letter record. Every field is hostile until parsed:
/// ids and text have size bounds (checked on the raw bytes, before any string is made), a known
/// field may appear once, ids must not be blank or hold control characters, and <c>sentAt</c> must
/// fall in [<see cref="EarliestSentAt"/>, <see cref="LatestSentAt"/>) so no date arithmetic can overflow.
/// Reasons are bounded and escaped (<see cref="RecordReason"/>).
/// </summary>
public static class ChatMessageParser
{
    /// <summary>Largest id (messageId, conversationId, shopId, senderId, agentId), in UTF-8 bytes as sent.</summary>
    public const int MaxIdBytes = 256;

    /// <summary>Largest <c>text</c>, in UTF-8 bytes as sent (escapes included).</summary>
    public const int MaxTextBytes = 64 * 1024;

    /// <summary>Largest record (the whole Kafka value or replay line), in bytes: 1 MiB.</summary>
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>Earliest accepted <c>sentAt</c> (inclusive).</summary>
    public static readonly DateTimeOffset EarliestSentAt = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Latest accepted <c>sentAt</c> (exclusive).</summary>
    public static readonly DateTimeOffset LatestSentAt = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ParseResult Parse(ReadOnlySpan<byte> utf8)
    {
        ParseResult result;
        try
        {
            result = ParseCore(utf8);
        }
        catch (JsonException ex)
        {
            result = new ParseResult(null, $"invalid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            result = new ParseResult(null, $"invalid JSON: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            result = new ParseResult(null, $"invalid value: {ex.Message}");
        }
        return result.Error is null ? result : new ParseResult(null, RecordReason.Clean(result.Error));
    }

    private static ParseResult ParseCore(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return Fail("empty value: expected one JSON object");
        if (utf8.Length > MaxRecordBytes) return Fail($"record is {utf8.Length} bytes, above the limit of {MaxRecordBytes}");
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return Fail("expected a JSON object");

        string? messageId = null, conversationId = null, shopId = null, senderId = null, agentId = null, text = null;
        string? senderRaw = null, eventRaw = null, sentAtRaw = null;
        Span<char> timeChars = stackalloc char[64];
        SenderKind? sender = null;
        ChatEventKind? kind = null;
        DateTimeOffset? sentAt = null;
        var seen = 0;

        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.TokenType != JsonTokenType.PropertyName) return Fail("malformed object");
            var field = Field.Unknown;
            if (reader.ValueTextEquals("messageId"u8)) field = Field.MessageId;
            else if (reader.ValueTextEquals("conversationId"u8)) field = Field.ConversationId;
            else if (reader.ValueTextEquals("shopId"u8)) field = Field.ShopId;
            else if (reader.ValueTextEquals("sender"u8)) field = Field.Sender;
            else if (reader.ValueTextEquals("senderId"u8)) field = Field.SenderId;
            else if (reader.ValueTextEquals("agentId"u8)) field = Field.AgentId;
            else if (reader.ValueTextEquals("text"u8)) field = Field.Text;
            else if (reader.ValueTextEquals("sentAt"u8)) field = Field.SentAt;
            else if (reader.ValueTextEquals("event"u8)) field = Field.Event;

            if (!reader.Read()) return Fail("truncated JSON");
            if (field == Field.Unknown)
            {
                reader.Skip();
                continue;
            }
            var bit = 1 << (int)field;
            if ((seen & bit) != 0) return Fail($"field '{FieldName(field)}' appears more than once");
            seen |= bit;
            if (reader.TokenType == JsonTokenType.Null)
            {
                if (field is Field.AgentId or Field.Text or Field.Event) continue;
                return Fail($"field '{FieldName(field)}' must not be null");
            }
            if (reader.TokenType != JsonTokenType.String)
                return Fail($"field '{FieldName(field)}' must be a string, found {reader.TokenType}");
            var limit = field switch { Field.Text => MaxTextBytes, Field.SentAt or Field.Sender or Field.Event => 64, _ => MaxIdBytes };
            if (reader.ValueSpan.Length > limit)
                return Fail($"field '{FieldName(field)}' is {reader.ValueSpan.Length} bytes, above the limit of {limit}");
            // The enum-like fields and the time are read in place, without a string per record.
            if (field == Field.Sender && (sender = SenderOf(ref reader)) is not null) { senderRaw = "ok"; continue; }
            if (field == Field.Event && (kind = EventOf(ref reader)) is not null) { eventRaw = null; continue; }
            if (field == Field.SentAt && !reader.ValueIsEscaped && reader.ValueSpan.Length is > 0 and <= 64)
            {
                var n = System.Text.Encoding.UTF8.GetChars(reader.ValueSpan, timeChars);
                if (TryParseSentAt(timeChars[..n], out var t)) { sentAt = t; sentAtRaw = "ok"; continue; }
            }
            var value = reader.GetString()!;
            switch (field)
            {
                case Field.MessageId: messageId = value; break;
                case Field.ConversationId: conversationId = value; break;
                case Field.ShopId: shopId = value; break;
                case Field.Sender: senderRaw = value; break;
                case Field.SenderId: senderId = value; break;
                case Field.AgentId: agentId = value.Length == 0 ? null : value; break;
                case Field.Text: text = value; break;
                case Field.SentAt: sentAtRaw = value; if (TryParseSentAt(value, out var escaped)) sentAt = escaped; break;
                case Field.Event: eventRaw = value; break;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject) return Fail("truncated JSON");
        // Anything after the object other than whitespace is an error.
        if (reader.Read()) return Fail("trailing data after the JSON object");

        if (string.IsNullOrEmpty(messageId)) return Missing("messageId");
        if (string.IsNullOrEmpty(conversationId)) return Missing("conversationId");
        if (string.IsNullOrEmpty(shopId)) return Missing("shopId");
        if (string.IsNullOrEmpty(senderRaw)) return Missing("sender");
        if (string.IsNullOrEmpty(senderId)) return Missing("senderId");
        if (string.IsNullOrEmpty(sentAtRaw)) return Missing("sentAt");

        if ((Blank(messageId, "messageId") ?? Blank(conversationId, "conversationId") ?? Blank(shopId, "shopId")
             ?? Blank(senderId, "senderId") ?? Blank(agentId, "agentId")) is { } blank)
            return Fail(blank);
        if (sender is null) return Fail($"unknown sender '{RecordReason.Quote(senderRaw)}': expected buyer, agent, bot or system");
        if (eventRaw is not null) return Fail($"unknown event '{RecordReason.Quote(eventRaw)}': expected message, transfer or close");
        var eventKind = kind ?? ChatEventKind.Message;
        if (sentAt is null)
            return Fail($"field 'sentAt' is not an ISO-8601 time with offset: '{RecordReason.Quote(sentAtRaw)}'");
        if (sentAt.Value < EarliestSentAt || sentAt.Value >= LatestSentAt)
            return Fail($"sentAt out of range: {sentAt.Value.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture)} is outside [2000-01-01, 2100-01-01)");

        if (eventKind == ChatEventKind.Message && text is null) return Missing("text");
        if (eventKind == ChatEventKind.Transfer && agentId is null)
            return Fail("a transfer event needs 'agentId' (the new owner)");

        return new ParseResult(new ChatMessage
        {
            MessageId = messageId,
            ConversationId = conversationId,
            ShopId = shopId,
            Sender = sender.Value,
            SenderId = senderId,
            AgentId = agentId,
            Text = text ?? "",
            SentAt = sentAt.Value,
            Event = eventKind,
        }, null);
    }

    private static SenderKind? SenderOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("buyer"u8)) return SenderKind.Buyer;
        if (reader.ValueTextEquals("agent"u8)) return SenderKind.Agent;
        if (reader.ValueTextEquals("bot"u8)) return SenderKind.Bot;
        if (reader.ValueTextEquals("system"u8)) return SenderKind.System;
        return null;
    }

    private static ChatEventKind? EventOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("message"u8)) return ChatEventKind.Message;
        if (reader.ValueTextEquals("transfer"u8)) return ChatEventKind.Transfer;
        if (reader.ValueTextEquals("close"u8)) return ChatEventKind.Close;
        return null;
    }

    /// <summary>ISO-8601 with an explicit offset (or Z); a time without offset is ambiguous and refused.</summary>
    public static bool TryParseSentAt(string raw, out DateTimeOffset value) => TryParseSentAt(raw.AsSpan(), out value);

    /// <inheritdoc cref="TryParseSentAt(string, out DateTimeOffset)"/>
    public static bool TryParseSentAt(ReadOnlySpan<char> raw, out DateTimeOffset value)
    {
        value = default;
        if (raw.Length < 20) return false;
        var last = raw[^1];
        var hasOffset = last == 'Z' || last == 'z' || (raw.Length > 6 && (raw[^6] == '+' || raw[^6] == '-') && raw[^3] == ':');
        if (!hasOffset) return false;
        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>A reason when an id is only whitespace or holds control characters (null when it is fine or absent).</summary>
    private static string? Blank(string? id, string field)
    {
        if (id is null) return null;
        var allSpace = true;
        foreach (var c in id)
        {
            if (char.IsControl(c)) return $"field '{field}' holds a control character";
            if (!char.IsWhiteSpace(c)) allSpace = false;
        }
        return allSpace ? $"field '{field}' is blank (whitespace only)" : null;
    }

    private static ParseResult Fail(string reason) => new(null, reason);
    private static ParseResult Missing(string field) => new(null, $"missing required field '{field}'");

    private enum Field { Unknown, MessageId, ConversationId, ShopId, Sender, SenderId, AgentId, Text, SentAt, Event }

    private static string FieldName(Field f) => f switch
    {
        Field.MessageId => "messageId",
        Field.ConversationId => "conversationId",
        Field.ShopId => "shopId",
        Field.Sender => "sender",
        Field.SenderId => "senderId",
        Field.AgentId => "agentId",
        Field.Text => "text",
        Field.SentAt => "sentAt",
        Field.Event => "event",
        _ => "?",
    };
}
