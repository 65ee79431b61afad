using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Alerting.Core.Messages;
using Alerting.Core.Rules.PersonalDataExposure;

namespace Alerting.Redis.Transcripts;

/// <summary>
/// The JSON of one transcript entry:
/// <c>{"messageId","role","agentId"?,"sentAt","text","truncated"?}</c>. Never a buyer id: a buyer's
/// <c>senderId</c> is not written, and <c>agentId</c> appears only on agent messages; numbers of 11 digits or more in
/// the text (phones, resident ids, bank cards) are masked (<see cref="LongNumberMasking"/>). Thread-safe (static).
/// </summary>
public static class TranscriptEntry
{
    /// <summary>The format of <c>sentAt</c>: ISO-8601 with milliseconds and the message's own offset, fixed width (the Lua script parses it).</summary>
    public const string SentAtFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";

    /// <summary>Whether a chat record goes into a transcript: a message (not a transfer or close event).</summary>
    public static bool IsKept(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Event == ChatEventKind.Message;
    }

    /// <summary>
    /// Non-ASCII text is written as UTF-8, not as <c>\uXXXX</c> escapes (a Chinese character is 3 bytes instead of 6);
    /// quotes, backslashes and control characters are still escaped. The entry is data read by JSON parsers, never
    /// markup (the console puts it in the page as text).
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>The entry's UTF-8 JSON for <paramref name="message"/>, its text cut to <paramref name="maxTextChars"/> characters.</summary>
    public static byte[] ToUtf8(ChatMessage message, int maxTextChars)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Numbers of 11 digits or more (phones, ids, cards) are masked first, so no cut can leave one whole.
        var (text, truncated) = Cap(LongNumberMasking.Mask(message.Text), maxTextChars);
        // One buffer and writer per thread, reset per entry: only the returned array is allocated.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString("messageId", message.MessageId);
        w.WriteString("role", ChatMessage.SenderName(message.Sender));
        if (message.Sender == SenderKind.Agent && AgentOf(message) is { } agent) w.WriteString("agentId", agent);
        Span<char> sentAt = stackalloc char[SentAtFormat.Length + 8];
        message.SentAt.TryFormat(sentAt, out var written, SentAtFormat, CultureInfo.InvariantCulture);
        w.WriteString("sentAt", sentAt[..written]);
        w.WriteString("text", text);
        if (truncated) w.WriteBoolean("truncated", true);
        w.WriteEndObject();
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> UTF-16 characters, never inside a surrogate pair
    /// (an emoji is kept whole or dropped whole); whether anything was cut.
    /// </summary>
    public static (string Text, bool Truncated) Cap(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max) return (text, false);
        var cut = max;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return (text[..cut], true);
    }

    /// <summary>The agent who wrote an agent message: its sender id, or else the owning agent.</summary>
    private static string? AgentOf(ChatMessage m)
        => !string.IsNullOrEmpty(m.SenderId) ? m.SenderId : string.IsNullOrEmpty(m.AgentId) ? null : m.AgentId;
}
