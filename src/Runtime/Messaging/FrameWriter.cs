using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Im.Orleans.Messaging;

/// <summary>Writes the primitives of a message frame: little-endian integers and length-prefixed UTF-8 strings and blobs.</summary>
internal sealed class FrameWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>Null is written as length -1 so it survives the trip.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt32(length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    public void WriteBlob(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
