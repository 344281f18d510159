using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Networking;

/// <summary>Accepts TCP connections on one endpoint and hands each socket to its owner for the handshake.</summary>
internal sealed class ConnectionListener : IAsyncDisposable
{
    private const int Backlog = 512;
    private readonly IPEndPoint _endpoint;
    private readonly Func<Socket, Task> _accepted;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private IPEndPoint? _localEndPoint;
    private Task _acceptLoop = Task.CompletedTask;
    private int _disposed;

    public ConnectionListener(IPEndPoint endpoint, Func<Socket, Task> accepted, TimeProvider time, ILogger logger)
    {
        _endpoint = endpoint;
        _accepted = accepted;
        _time = time;
        _logger = logger;
    }

    /// <summary>The bound address; with port 0 requested, this carries the port the OS chose.</summary>
    public IPEndPoint LocalEndPoint => _localEndPoint ?? throw new InvalidOperationException("The listener has not been started.");

    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_socket is not null) throw new InvalidOperationException("The listener is already started.");
        var socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(_endpoint);
            socket.Listen(Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _localEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(socket));
        _logger.LogInformation("Listening for node connections on {EndPoint}", _localEndPoint);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (token.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }
            catch (SocketException e)
            {
                // E.g. out of file descriptors: pause so the loop does not spin while the condition lasts.
                _logger.LogWarning("Accepting on {EndPoint} failed: {Reason}", _localEndPoint, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            // Not awaited: one slow or silent client must not hold up the next accept; the owner bounds the handshake in time.
            _ = _accepted(socket);
        }
    }
}
