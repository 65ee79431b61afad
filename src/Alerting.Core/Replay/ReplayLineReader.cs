using System.Text;
using Alerting.Core.Messages;

namespace Alerting.Core.Replay;

/// <summary>
/// Splits replay input into <see cref="ReplayChunk"/>s. From a stream: the UTF-8 bytes as they are (a leading
/// byte-order mark dropped), lines ended by LF, CR LF or CR like <see cref="TextReader.ReadLine"/>, no string made
/// per line; the parser then sees the same bytes a Kafka value would carry. From a <see cref="TextReader"/>: each
/// line encoded to UTF-8 (tests, callers holding text).
/// </summary>
internal abstract class ReplayLineReader
{
    /// <summary>Fills <paramref name="chunk"/> (cleared first) with the next lines; false when the input had none left.</summary>
    public abstract bool Fill(ReplayChunk chunk);

    /// <summary>Lines read so far, blank ones included (the last line number).</summary>
    public long Lines => LineNumber;

    protected long LineNumber { get; set; }

    public static ReplayLineReader For(Stream input) => new StreamLines(input);

    public static ReplayLineReader For(TextReader input) => new TextLines(input);

    private sealed class TextLines(TextReader input) : ReplayLineReader
    {
        /// <summary>A line read that did not fit in the last chunk's buffer.</summary>
        private string? _held;

        public override bool Fill(ReplayChunk chunk)
        {
            chunk.Clear();
            while (!chunk.IsFull)
            {
                var line = _held;
                _held = null;
                if (line is null)
                {
                    if ((line = input.ReadLine()) is null) break;
                    LineNumber++;
                    if (line.Length == 0 || string.IsNullOrWhiteSpace(line)) continue;
                }
                var max = Encoding.UTF8.GetMaxByteCount(line.Length);
                if (chunk.Buffer.Length - chunk.Used < max)
                {
                    if (chunk.Count > 0) { _held = line; break; }
                    chunk.Buffer = new byte[Math.Max(chunk.Buffer.Length, max)];
                }
                var count = Encoding.UTF8.GetBytes(line, chunk.Buffer.AsSpan(chunk.Used));
                chunk.Add(LineNumber, chunk.Used, count);
                chunk.Used += count;
            }
            return chunk.Count > 0;
        }
    }

    private sealed class StreamLines(Stream input) : ReplayLineReader
    {
        /// <summary>Bytes read and not yet assigned to a chunk: the start of a line the last chunk did not end.</summary>
        private byte[] _carry = new byte[1 << 20];
        private int _carryStart, _carryEnd;
        private bool _eof, _started, _skipLf;
        /// <summary>Length so far of a line above the record limit whose bytes are being skipped; -1 when none.</summary>
        private long _oversized = -1;

        public override bool Fill(ReplayChunk chunk)
        {
            chunk.Clear();
            while (!chunk.IsFull)
            {
                if (_carryStart == _carryEnd && _eof) break;
                var span = _carry.AsSpan(_carryStart, _carryEnd - _carryStart);
                if (_skipLf && span.Length > 0)
                {
                    _skipLf = false;
                    if (span[0] == (byte)'\n') { _carryStart++; continue; }
                }
                var end = span.IndexOfAny((byte)'\n', (byte)'\r');
                if (end < 0 && !_eof)
                {
                    ReadMore();
                    continue;
                }
                int consumed;
                var crAtEnd = false;
                if (end < 0) consumed = end = span.Length; // the last line, without a terminator
                else if (span[end] == (byte)'\r' && end + 1 < span.Length && span[end + 1] == (byte)'\n') consumed = end + 2;
                else
                {
                    consumed = end + 1;
                    // A CR that ends the bytes read so far: an LF right after it belongs to the same terminator.
                    crAtEnd = span[end] == (byte)'\r' && end + 1 == span.Length;
                }
                if (!Take(chunk, span[..end], consumed)) break;
                if (crAtEnd) _skipLf = true;
            }
            return chunk.Count > 0;
        }

        /// <summary>Adds one line to the chunk and consumes <paramref name="consumed"/> bytes; false when the chunk's buffer is full (nothing consumed).</summary>
        private bool Take(ReplayChunk chunk, ReadOnlySpan<byte> line, int consumed)
        {
            if (_oversized >= 0)
            {
                var total = _oversized + line.Length;
                _oversized = -1;
                LineNumber++;
                chunk.Add(LineNumber, chunk.Used, (int)Math.Min(total, int.MaxValue), oversized: true);
                _carryStart += consumed;
                return true;
            }
            if (chunk.Buffer.Length - chunk.Used < line.Length)
            {
                if (chunk.Count > 0) return false;
                chunk.Buffer = new byte[Math.Max(chunk.Buffer.Length * 2, line.Length)];
            }
            LineNumber++;
            _carryStart += consumed;
            if (ReplayChunk.IsBlank(line)) return true;
            line.CopyTo(chunk.Buffer.AsSpan(chunk.Used));
            chunk.Add(LineNumber, chunk.Used, line.Length);
            chunk.Used += line.Length;
            return true;
        }

        /// <summary>Reads more input behind the carried bytes; false when the stream ended (then the carried bytes are the last line).</summary>
        private bool ReadMore()
        {
            var pending = _carryEnd - _carryStart;
            if (pending > ChatMessageParser.MaxRecordBytes && _oversized < 0)
            {
                // A line above the record limit: only its length is kept from here on.
                _oversized = pending;
                _carryStart = _carryEnd = 0;
                pending = 0;
            }
            else if (_oversized >= 0)
            {
                _oversized += pending;
                _carryStart = _carryEnd = 0;
                pending = 0;
            }
            if (_carryStart > 0)
            {
                _carry.AsSpan(_carryStart, pending).CopyTo(_carry);
                _carryStart = 0;
                _carryEnd = pending;
            }
            if (_carryEnd == _carry.Length) Array.Resize(ref _carry, _carry.Length * 2);
            var read = input.Read(_carry, _carryEnd, _carry.Length - _carryEnd);
            if (read == 0) { _eof = true; return false; }
            if (!_started)
            {
                _started = true;
                _carryEnd += read;
                // A UTF-8 byte-order mark is not part of the first line (StreamReader drops it too).
                while (_carryEnd < 3 && !_eof && (read = input.Read(_carry, _carryEnd, _carry.Length - _carryEnd)) > 0) _carryEnd += read;
                if (_carryEnd >= 3 && _carry[0] == 0xEF && _carry[1] == 0xBB && _carry[2] == 0xBF) _carryStart = 3;
                return true;
            }
            _carryEnd += read;
            return true;
        }
    }
}
