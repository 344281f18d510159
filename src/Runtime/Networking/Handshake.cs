using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Im.Orleans.Networking;

/// <summary>
/// Exchanges <see cref="Hello"/> frames on a fresh socket. Both sides write first and then read, so neither waits
/// on the other and the exchange takes one round trip. The hello uses the ordinary frame layout (length + payload)
/// with a magic and version up front, so a stray client on the port is refused instead of misread.
/// </summary>
internal static class Handshake
{
    // Hellos are tiny; a bigger announced length means the peer does not speak this protocol.
    private const int MaxHelloBytes = 4096;
    private const byte Version = 1;
    private static ReadOnlySpan<byte> Magic => "IMON"u8;

    /// <summary>Writes this side's encoded hello frame (see <see cref="Encode"/>) and reads the peer's.</summary>
    public static async Task<Hello> ExchangeAsync(Socket socket, ReadOnlyMemory<byte> localHelloFrame, CancellationToken ct)
    {
        await SocketIo.SendAllAsync(socket, localHelloFrame, ct).ConfigureAwait(false);
        var header = new byte[4];
        await SocketIo.ReceiveExactAsync(socket, header, ct).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < Magic.Length + 1 || length > MaxHelloBytes)
            throw new InvalidDataException($"The peer's first frame announced {length} bytes, which is not a hello.");
        var payload = new byte[length];
        await SocketIo.ReceiveExactAsync(socket, payload, ct).ConfigureAwait(false);
        return Decode(payload);
    }

    /// <summary>The complete hello frame including its length prefix.</summary>
    public static byte[] Encode(Hello hello)
    {
        var strings = new[] { hello.ClusterId, hello.Node.NodeId, hello.Node.Role };
        var payloadLength = Magic.Length + 1 + strings.Sum(s => 2 + Encoding.UTF8.GetByteCount(s));
        if (payloadLength > MaxHelloBytes) throw new ArgumentException("Cluster id, node id and role are too long for a hello.", nameof(hello));
        var frame = new byte[4 + payloadLength];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payloadLength);
        var span = frame.AsSpan(4);
        Magic.CopyTo(span);
        span[Magic.Length] = Version;
        span = span[(Magic.Length + 1)..];
        foreach (var s in strings)
        {
            var written = Encoding.UTF8.GetBytes(s, span[2..]);
            BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)written);
            span = span[(2 + written)..];
        }
        return frame;
    }

    public static Hello Decode(ReadOnlySpan<byte> payload)
    {
        if (!payload.StartsWith(Magic)) throw new InvalidDataException("The peer's first frame is not an Im.Orleans hello.");
        if (payload[Magic.Length] != Version)
            throw new InvalidDataException($"The peer speaks hello version {payload[Magic.Length]}, this node speaks {Version}.");
        payload = payload[(Magic.Length + 1)..];
        var clusterId = ReadString(ref payload);
        var nodeId = ReadString(ref payload);
        var role = ReadString(ref payload);
        if (nodeId.Length == 0) throw new InvalidDataException("The peer's hello has an empty node id.");
        return new Hello(clusterId, new NodeIdentity(nodeId, role));
    }

    private static string ReadString(ref ReadOnlySpan<byte> span)
    {
        if (span.Length < 2) throw new InvalidDataException("The peer's hello is truncated.");
        var length = BinaryPrimitives.ReadUInt16LittleEndian(span);
        if (span.Length < 2 + length) throw new InvalidDataException("The peer's hello is truncated.");
        var value = Encoding.UTF8.GetString(span.Slice(2, length));
        span = span[(2 + length)..];
        return value;
    }
}
