using System.Net.Sockets;

namespace Im.Orleans.Networking;

/// <summary>Whole-buffer send and exact-length receive on a stream socket, which may move fewer bytes per call.</summary>
internal static class SocketIo
{
    public static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    public static async ValueTask ReceiveExactAsync(Socket socket, Memory<byte> buffer, CancellationToken ct = default)
    {
        while (!buffer.IsEmpty)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            if (received == 0) throw new IOException("The peer closed the connection before the handshake completed.");
            buffer = buffer[received..];
        }
    }
}
