namespace Alerting.Core.Messages;

/// <summary>
/// A durable write step that receives the parsed chat messages of one consumed batch (in consumption order;
/// dead-lettered records left out). The consume loop awaits it with the batch's other writes, before the
/// batch's offsets are stored, so what it writes is never behind a committed offset; after a crash the same
/// messages can come again, so an implementation must be idempotent per message.
/// </summary>
public interface IMessageBatchWriter
{
    /// <summary>Writes what the implementation keeps of <paramref name="messages"/>; returns once it is durable.</summary>
    Task WriteAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken);
}
