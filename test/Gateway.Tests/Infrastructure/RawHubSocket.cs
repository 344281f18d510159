using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>
/// A hub connection at the byte level, for what the official client never sends: a plain WebSocket to /hubs/chat
/// (no negotiate, the token in ?access_token=), the JSON handshake, then any frame, even malformed ones. Every
/// receive has a deadline, so a server that stops answering fails the test with a message instead of hanging it.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly List<byte> _pending = new();

    private RawHubSocket(ClientWebSocket socket) => _socket = socket;

    /// <summary>The error of the close frame (type 7) the server sent, once one arrived; null if it carried none.</summary>
    public string? CloseError { get; private set; }

    /// <summary>Whether the server sent a close frame or closed the socket.</summary>
    public bool Closed { get; private set; }

    /// <summary>Opens the socket and completes the JSON handshake.</summary>
    public static async Task<RawHubSocket> ConnectAsync(Uri baseAddress, string token)
    {
        var url = new UriBuilder(baseAddress)
        {
            Scheme = baseAddress.Scheme == "https" ? "wss" : "ws",
            Path = "/hubs/chat",
            Query = "access_token=" + Uri.EscapeDataString(token),
        }.Uri;
        var socket = new ClientWebSocket();
        using (var timeout = new CancellationTokenSource(DefaultDeadline)) await socket.ConnectAsync(url, timeout.Token);
        var hub = new RawHubSocket(socket);
        await hub.SendFrameAsync("""{"protocol":"json","version":1}""");
        var handshake = await hub.ReceiveFrameAsync();
        if (handshake != "{}") throw new InvalidOperationException($"handshake answered {handshake}");
        return hub;
    }

    /// <summary>Sends one frame: the JSON text and the record separator.</summary>
    public Task SendFrameAsync(string json) => SendBytesAsync([.. Encoding.UTF8.GetBytes(json), RecordSeparator]);

    /// <summary>Sends bytes as they are (e.g. invalid UTF-8, or a frame with its separator) as one WebSocket message.</summary>
    public async Task SendBytesAsync(byte[] bytes, bool binary = false)
    {
        using var timeout = new CancellationTokenSource(DefaultDeadline);
        await _socket.SendAsync(bytes, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>Sends an invocation and waits for its completion; returns the completion frame (result or error).</summary>
    public async Task<JsonElement> InvokeAsync(string invocationId, string target, string argumentsJson = "[]")
    {
        await SendFrameAsync($$"""{"type":1,"invocationId":"{{invocationId}}","target":"{{target}}","arguments":{{argumentsJson}}}""");
        return await CompletionAsync(invocationId);
    }

    /// <summary>Waits for the completion (type 3) of an invocation id, skipping pings and events.</summary>
    public async Task<JsonElement> CompletionAsync(string invocationId, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (true)
        {
            var frame = await NextMessageAsync(until)
                ?? throw new InvalidOperationException($"the connection closed before invocation {invocationId} was answered (close error: {CloseError ?? "none"})");
            if (frame.GetProperty("type").GetInt32() == 3 && frame.GetProperty("invocationId").GetString() == invocationId) return frame;
        }
    }

    /// <summary>Reads until the server closes (a close frame or the socket); returns the close error, throws at the deadline.</summary>
    public async Task<string?> WaitForCloseAsync(TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (await NextMessageAsync(until) is not null)
        {
        }
        return CloseError;
    }

    /// <summary>The next hub message other than a ping, or null once the server closed; throws at the deadline.</summary>
    private async Task<JsonElement?> NextMessageAsync(DateTime until)
    {
        while (!Closed)
        {
            var text = await ReceiveFrameAsync(until - DateTime.UtcNow);
            if (text is null) return null;
            var frame = JsonDocument.Parse(text).RootElement;
            var type = frame.GetProperty("type").GetInt32();
            if (type == 6) continue;
            if (type == 7)
            {
                Closed = true;
                CloseError = frame.TryGetProperty("error", out var error) ? error.GetString() : null;
                return null;
            }
            return frame;
        }
        return null;
    }

    /// <summary>The next frame's text without its separator, or null when the socket closed.</summary>
    private async Task<string?> ReceiveFrameAsync(TimeSpan? wait = null)
    {
        var left = wait ?? DefaultDeadline;
        if (left <= TimeSpan.Zero) throw new TimeoutException("no answer from the server before the deadline");
        using var timeout = new CancellationTokenSource(left);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var end = _pending.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                var frame = Encoding.UTF8.GetString(_pending.GetRange(0, end).ToArray());
                _pending.RemoveRange(0, end + 1);
                return frame;
            }
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no answer from the server within {left.TotalSeconds:F0} s");
            }
            catch (WebSocketException)
            {
                Closed = true;
                return null;
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                Closed = true;
                return null;
            }
            _pending.AddRange(buffer.AsSpan(0, result.Count).ToArray());
        }
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
