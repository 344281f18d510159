using System.Buffers.Binary;
using System.Text;

namespace Im.Orleans.Messaging;

/// <summary>Reads what <see cref="FrameWriter"/> wrote; a truncated or inconsistent frame throws <see cref="FormatException"/>.</summary>
internal ref struct FrameReader(ReadOnlySpan<byte> frame)
{
    private ReadOnlySpan<byte> _rest = frame;

    public byte ReadByte() => Take(1)[0];

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public string? ReadString()
    {
        var length = ReadInt32();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public string ReadRequiredString() => ReadString() ?? throw new FormatException("A required string of the frame is missing.");

    public ReadOnlySpan<byte> ReadBlob()
    {
        var length = ReadInt32();
        if (length < 0) throw new FormatException("A blob of the frame has a negative length.");
        return Take(length);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)_rest.Length) throw new FormatException($"The frame ends early: {count} bytes wanted, {_rest.Length} left.");
        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }
}
