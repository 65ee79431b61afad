using System.Text;
using Alerting.Core.Messages;

namespace Alerting.Core.Replay;

/// <summary>
/// A run of consecutive input lines as UTF-8 bytes: the non-blank lines' positions in one buffer, with
/// their 1-based line numbers (blank lines are counted, not kept). A line above
/// <see cref="ChatMessageParser.MaxRecordBytes"/> keeps only its length (it is refused without being parsed).
/// </summary>
internal sealed class ReplayChunk(int capacity)
{
    public byte[] Buffer { get; set; } = new byte[1 << 20];
    public int Used { get; set; }
    public int Count { get; private set; }
    public long[] LineNumbers { get; } = new long[capacity];
    public int[] Starts { get; } = new int[capacity];
    /// <summary>Length in bytes; for an oversized line its full length, with no bytes kept.</summary>
    public int[] Lengths { get; } = new int[capacity];
    public bool[] Oversized { get; } = new bool[capacity];
    public bool IsFull => Count == LineNumbers.Length;

    public void Clear()
    {
        Used = 0;
        Count = 0;
    }

    public void Add(long lineNumber, int start, int length, bool oversized = false)
    {
        LineNumbers[Count] = lineNumber;
        Starts[Count] = start;
        Lengths[Count] = length;
        Oversized[Count] = oversized;
        Count++;
    }

    public ReadOnlySpan<byte> Line(int i) => Buffer.AsSpan(Starts[i], Oversized[i] ? 0 : Lengths[i]);

    /// <summary>Parses line <paramref name="i"/> with the live worker's parser (an oversized line gets its reason without parsing).</summary>
    public ParseResult Parse(int i)
        => Oversized[i]
            ? new ParseResult(null, $"record is {Lengths[i]} bytes, above the limit of {ChatMessageParser.MaxRecordBytes}")
            : ChatMessageParser.Parse(Line(i));

    /// <summary>
    /// Whether <paramref name="line"/> is empty or white space only (as <see cref="string.IsNullOrWhiteSpace"/> says of
    /// its text): the common cases on the bytes, anything starting with a non-ASCII character decoded first.
    /// </summary>
    public static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is (>= 0x09 and <= 0x0D) or (>= 0x1C and <= 0x20)) continue;
            return b >= 0x80 && string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(line));
        }
        return true;
    }
}
