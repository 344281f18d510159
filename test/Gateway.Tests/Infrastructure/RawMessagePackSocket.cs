using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using MessagePack;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>Writes MessagePack values in place (the writer is a ref struct: a copy would lose what it buffered).</summary>
public delegate void WriteMessagePack(ref MessagePackWriter writer);

/// <summary>
/// A MessagePack hub connection at the byte level (the counterpart of <see cref="RawHubSocket"/>): the JSON handshake
/// asking for "messagepack", then binary frames (a varint length and a MessagePack array) of any content.
/// </summary>
public sealed class RawMessagePackSocket : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly List<byte> _pending = new();

    private RawMessagePackSocket(ClientWebSocket socket) => _socket = socket;

    /// <summary>The error of the close message (type 7) the server sent, once one arrived.</summary>
    public string? CloseError { get; private set; }

    public static async Task<RawMessagePackSocket> ConnectAsync(Uri baseAddress, string token)
    {
        var url = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/hubs/chat", Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
        var socket = new ClientWebSocket();
        using (var timeout = new CancellationTokenSource(Deadline)) await socket.ConnectAsync(url, timeout.Token);
        var hub = new RawMessagePackSocket(socket);
        await hub.SendAsync([.. """{"protocol":"messagepack","version":1}"""u8, 0x1e], WebSocketMessageType.Text);
        var handshake = await hub.ReceiveUntilAsync(pending => pending.IndexOf(0x1e) is var end and >= 0 ? end + 1 : 0);
        if (Encoding.UTF8.GetString(handshake) != "{}\u001e") throw new InvalidOperationException("handshake refused: " + Encoding.UTF8.GetString(handshake));
        return hub;
    }

    /// <summary>Sends a frame: the length prefix and the payload as it is.</summary>
    public Task SendFrameAsync(byte[] payload)
    {
        var frame = new List<byte>();
        for (var length = (uint)payload.Length; ; length >>= 7)
        {
            frame.Add((byte)(length >= 0x80 ? (length & 0x7f) | 0x80 : length));
            if (length < 0x80) break;
        }
        frame.AddRange(payload);
        return SendAsync([.. frame], WebSocketMessageType.Binary);
    }

    /// <summary>Bytes as they are, e.g. a length prefix that promises more than the server accepts.</summary>
    public Task SendRawAsync(byte[] bytes) => SendAsync(bytes, WebSocketMessageType.Binary);

    /// <summary>A payload written with a MessagePack writer.</summary>
    public static byte[] Payload(WriteMessagePack write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Sends [1, {}, id, target, [arguments]] and returns the completion's error, or "ok" for a result.</summary>
    public async Task<string> InvokeAsync(string invocationId, string target, WriteMessagePack writeArguments, int argumentCount)
    {
        await SendFrameAsync(Payload((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(1);
            w.WriteMapHeader(0);
            w.Write(invocationId);
            w.Write(target);
            w.WriteArrayHeader(argumentCount);
            writeArguments(ref w);
        }));
        while (true)
        {
            var frame = await NextFrameAsync() ?? throw new InvalidOperationException($"closed before {invocationId} was answered: {CloseError}");
            var reader = new MessagePackReader(frame);
            reader.ReadArrayHeader();
            if (reader.ReadInt32() != 3) continue;
            reader.Skip();
            if (reader.ReadString() != invocationId) continue;
            return reader.ReadInt32() == 1 ? reader.ReadString()! : "ok";
        }
    }

    /// <summary>Reads until the server closes; returns the close message's error.</summary>
    public async Task<string?> WaitForCloseAsync()
    {
        while (await NextFrameAsync() is not null)
        {
        }
        return CloseError;
    }

    /// <summary>The next payload other than a ping, or null once closed (a close message sets <see cref="CloseError"/>).</summary>
    private async Task<byte[]?> NextFrameAsync()
    {
        while (true)
        {
            byte[] frame;
            try
            {
                frame = await ReceiveUntilAsync(FrameLength);
            }
            catch (WebSocketException)
            {
                return null;
            }
            if (frame.Length == 0) return null;
            var payload = frame.AsSpan(frame.Length - PayloadLength(frame)).ToArray();
            var reader = new MessagePackReader(payload);
            reader.ReadArrayHeader();
            var type = reader.ReadInt32();
            if (type == 6) continue;
            if (type != 7) return payload;
            CloseError = reader.TryReadNil() ? null : reader.ReadString();
            return null;
        }
    }

    private static int PayloadLength(byte[] frame)
    {
        int length = 0, shift = 0, i = 0;
        byte b;
        do
        {
            b = frame[i++];
            length |= (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return length;
    }

    /// <summary>How many pending bytes make a whole frame, or 0 while incomplete.</summary>
    private static int FrameLength(List<byte> pending)
    {
        int length = 0, shift = 0;
        for (var i = 0; i < pending.Count && i < 5; i++)
        {
            length |= (pending[i] & 0x7f) << shift;
            shift += 7;
            if ((pending[i] & 0x80) == 0) return pending.Count >= i + 1 + length ? i + 1 + length : 0;
        }
        return 0;
    }

    /// <summary>Receives until <paramref name="complete"/> says how many pending bytes to take; empty when the socket closed.</summary>
    private async Task<byte[]> ReceiveUntilAsync(Func<List<byte>, int> complete)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var take = complete(_pending);
            if (take > 0)
            {
                var frame = _pending.GetRange(0, take).ToArray();
                _pending.RemoveRange(0, take);
                return frame;
            }
            var result = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) return [];
            _pending.AddRange(buffer.AsSpan(0, result.Count).ToArray());
        }
    }

    private async Task SendAsync(byte[] bytes, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        await _socket.SendAsync(bytes, type, endOfMessage: true, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The server may already be gone; the socket is disposed either way.
        }
        _socket.Dispose();
    }
}
