using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Networking;

/// <summary>
/// Owns this node's connections to other nodes, inbound and outbound: runs the handshake, keeps them by node id,
/// dials on demand (one dial per node at a time) and raises an event when one is established or lost.
/// </summary>
internal sealed partial class ConnectionManager : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<FrameConnection>> _byNode = [];
    private readonly Dictionary<string, DialAttempt> _dials = [];
    private readonly List<ConnectionListener> _listeners = [];
    private readonly NodeIdentity _local;
    private readonly string _clusterId;
    private readonly byte[] _helloFrame;
    private readonly NetworkingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConnectionManager> _logger;
    private readonly ReconnectBackoff _backoff;
    private readonly CancellationTokenSource _disposing = new();
    private Action<FrameConnection, ReadOnlyMemory<byte>>? _handler;
    private bool _disposed;

    public ConnectionManager(NodeIdentity local, string clusterId, IOptions<NetworkingOptions> options, TimeProvider time, ILogger<ConnectionManager> logger)
    {
        _local = local;
        _clusterId = clusterId;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _helloFrame = Handshake.Encode(new Hello(clusterId, local));
        _backoff = new ReconnectBackoff(time, _options.ReconnectBackoffMin, _options.ReconnectBackoffMax);
    }

    /// <summary>Raised once per connection after its handshake, before its first frame is handled.</summary>
    public event Action<FrameConnection>? ConnectionEstablished;

    /// <summary>Raised once per established connection after it closed (for any reason) and was forgotten.</summary>
    public event Action<FrameConnection>? ConnectionLost;

    public NodeIdentity Local => _local;

    public IReadOnlyCollection<FrameConnection> Connections
    {
        get
        {
            lock (_lock) return _byNode.Values.SelectMany(c => c).ToArray();
        }
    }

    /// <summary>
    /// The handler every connection calls once per received frame, in order, on that connection's receive loop
    /// (connections run in parallel). A handler that throws closes its connection.
    /// </summary>
    public void SetFrameHandler(Action<FrameConnection, ReadOnlyMemory<byte>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            if (_handler is not null) throw new InvalidOperationException("The frame handler is already set.");
            _handler = handler;
        }
    }

    public ConnectionListener Listen(IPEndPoint endpoint)
    {
        RequireHandler();
        var listener = new ConnectionListener(endpoint, AcceptAsync, _time, _logger);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _listeners.Add(listener);
        }
        try
        {
            listener.Start();
        }
        catch
        {
            lock (_lock) _listeners.Remove(listener);
            throw;
        }
        return listener;
    }

    /// <summary>Any open connection to the node, inbound or outbound; either direction carries any frame.</summary>
    public bool TryGetConnection(string nodeId, out FrameConnection connection)
    {
        lock (_lock)
        {
            if (_byNode.TryGetValue(nodeId, out var list))
            {
                foreach (var candidate in list)
                {
                    if (candidate.IsClosed) continue;
                    connection = candidate;
                    return true;
                }
            }
        }
        connection = null!;
        return false;
    }

    /// <summary>The wait before the next dial to the node: zero after a success, then ReconnectBackoffMin doubling per consecutive failure up to ReconnectBackoffMax.</summary>
    public TimeSpan NextBackoff(string nodeId) => _backoff.Next(nodeId);

    /// <summary>True while the node's last failed dial is more recent than the back-off it earned.</summary>
    public bool IsInBackoff(string nodeId) => _backoff.IsInBackoff(nodeId);

    /// <summary>Closes every connection to the node and abandons a dial in flight (membership declared it dead).</summary>
    public void Disconnect(string nodeId)
    {
        FrameConnection[] connections;
        DialAttempt? dial;
        lock (_lock)
        {
            connections = _byNode.TryGetValue(nodeId, out var list) ? [.. list] : [];
            _dials.TryGetValue(nodeId, out dial);
        }
        dial?.Abandon();
        _backoff.Reset(nodeId);
        if (connections.Length > 0) _logger.LogInformation("Disconnecting {Count} connection(s) to node {NodeId}", connections.Length, nodeId);
        foreach (var connection in connections) connection.Close(null);
    }

    public async ValueTask DisposeAsync()
    {
        ConnectionListener[] listeners;
        DialAttempt[] dials;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            listeners = [.. _listeners];
            dials = [.. _dials.Values];
            _listeners.Clear();
        }
        // Cancels dials and inbound handshakes in flight; registration refuses anything that finishes later.
        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (var listener in listeners) await listener.DisposeAsync().ConfigureAwait(false);
        var connections = Connections;
        foreach (var connection in connections) connection.Close(null);
        await Task.WhenAll(connections.Select(c => c.Closed)).ConfigureAwait(false);
        await Task.WhenAll(dials.Select(d => (Task)d.Result.Task)).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    private Action<FrameConnection, ReadOnlyMemory<byte>> RequireHandler()
    {
        lock (_lock) return _handler ?? throw new InvalidOperationException("Call SetFrameHandler before listening or dialling.");
    }

    /// <summary>Handshake for an accepted socket; refused peers are closed and logged, never surfaced.</summary>
    private async Task AcceptAsync(Socket socket)
    {
        var remoteEndPoint = socket.RemoteEndPoint;
        try
        {
            SocketTuning.Apply(socket, _options);
            var hello = await ExchangeHellosAsync(socket, _disposing.Token).ConfigureAwait(false);
            if (hello.ClusterId != _clusterId)
            {
                _logger.LogWarning("Refused node {Remote} at {EndPoint}: it belongs to cluster {RemoteCluster}, this node to {Cluster}", hello.Node, remoteEndPoint, hello.ClusterId, _clusterId);
                socket.Dispose();
                return;
            }
            var connection = new FrameConnection(socket, hello.Node, isOutbound: false, _options, RequireHandler(), _logger);
            if (!TryRegister(connection, CancellationToken.None)) await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogInformation("Refused inbound connection from {EndPoint}: handshake failed: {Reason}", remoteEndPoint, e.Message);
            socket.Dispose();
        }
    }

    /// <summary>Sends this node's hello and reads the peer's, bounded by HandshakeTimeout.</summary>
    private async Task<Hello> ExchangeHellosAsync(Socket socket, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
        try
        {
            return await Handshake.ExchangeAsync(socket, _helloFrame, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"The hello did not arrive within {_options.HandshakeTimeout} (HandshakeTimeout).");
        }
    }

    /// <summary>
    /// Makes the connection visible, raises ConnectionEstablished, then starts its loops so no frame is handled
    /// before the application heard of it. False (caller disposes it) when the manager is disposed or the dial abandoned.
    /// </summary>
    private bool TryRegister(FrameConnection connection, CancellationToken abandoned)
    {
        lock (_lock)
        {
            if (_disposed || abandoned.IsCancellationRequested) return false;
            if (!_byNode.TryGetValue(connection.Remote.NodeId, out var list)) _byNode[connection.Remote.NodeId] = list = [];
            list.Add(connection);
        }
        _logger.LogInformation("Established {Connection}", connection);
        try
        {
            ConnectionEstablished?.Invoke(connection);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A ConnectionEstablished handler threw for {Connection}", connection);
        }
        _ = ForgetWhenClosedAsync(connection);
        connection.Start();
        return true;
    }

    private async Task ForgetWhenClosedAsync(FrameConnection connection)
    {
        await connection.Closed.ConfigureAwait(false);
        lock (_lock)
        {
            if (_byNode.TryGetValue(connection.Remote.NodeId, out var list) && list.Remove(connection) && list.Count == 0)
                _byNode.Remove(connection.Remote.NodeId);
        }
        _logger.LogInformation("Lost {Connection}: {Reason}", connection, connection.CloseReason?.Message ?? "closed locally");
        try
        {
            ConnectionLost?.Invoke(connection);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A ConnectionLost handler threw for {Connection}", connection);
        }
    }
}
