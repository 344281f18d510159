using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Networking;

/// <summary>Outbound side of <see cref="ConnectionManager"/>: dialling a node, one attempt at a time per node.</summary>
internal sealed partial class ConnectionManager
{
    /// <summary>
    /// An open connection to the node, or a new one dialled to <paramref name="endpoint"/>. Concurrent callers share
    /// one dial; cancelling <paramref name="ct"/> stops this caller's wait, not the shared dial. Throws
    /// <see cref="ConnectionFailedException"/> when the dial fails; whether and when to retry is the caller's choice
    /// (see <see cref="NextBackoff"/> and <see cref="IsInBackoff"/>).
    /// </summary>
    public Task<FrameConnection> GetOrConnectAsync(string nodeId, EndPoint endpoint, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentNullException.ThrowIfNull(endpoint);
        var handler = RequireHandler();
        if (TryGetConnection(nodeId, out var open)) return Task.FromResult(open);
        Task<FrameConnection> dial;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_dials.TryGetValue(nodeId, out var attempt))
            {
                attempt = new DialAttempt(_disposing.Token);
                _dials[nodeId] = attempt;
                // Task.Run: the dial must not run under the caller's SynchronizationContext, nor complete inside this lock.
                _ = Task.Run(() => DialAsync(nodeId, endpoint, handler, attempt));
            }
            dial = attempt.Result.Task;
        }
        return ct.CanBeCanceled ? dial.WaitAsync(ct) : dial;
    }

    private async Task DialAsync(string nodeId, EndPoint endpoint, Action<FrameConnection, ReadOnlyMemory<byte>> handler, DialAttempt attempt)
    {
        FrameConnection? connection = null;
        ConnectionFailedException? failure = null;
        try
        {
            // Connected in the meantime (e.g. the node dialled us): use that instead of opening a second connection.
            connection = TryGetConnection(nodeId, out var open) ? open : await ConnectAsync(nodeId, endpoint, handler, attempt.Abandoned).ConfigureAwait(false);
        }
        catch (ConnectionFailedException e)
        {
            failure = e;
        }
        catch (Exception e)
        {
            // Every waiter must be released, whatever went wrong.
            failure = new ConnectionFailedException($"Could not connect to node {nodeId} at {endpoint}: {e.Message}", e);
        }
        // Forget the attempt and record the outcome before waiters resume, so a retry starts a fresh dial and sees the new back-off.
        lock (_lock)
        {
            if (_dials.TryGetValue(nodeId, out var current) && current == attempt) _dials.Remove(nodeId);
        }
        var abandoned = attempt.Abandoned.IsCancellationRequested;
        attempt.Dispose();
        if (connection is not null)
        {
            _backoff.Reset(nodeId);
            attempt.Result.TrySetResult(connection);
            return;
        }
        // An abandoned dial says nothing about the endpoint, and a disconnected node's state would only linger.
        if (!abandoned) _backoff.Failed(nodeId);
        _logger.LogWarning("{Reason}", failure!.Message);
        attempt.Result.TrySetException(failure);
    }

    private async Task<FrameConnection> ConnectAsync(string nodeId, EndPoint endpoint, Action<FrameConnection, ReadOnlyMemory<byte>> handler, CancellationToken abandoned)
    {
        // A DnsEndPoint has no address family yet; a dual-mode socket reaches both IPv4 and IPv6 results.
        var socket = endpoint.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            ? new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        var where = $"node {nodeId} at {endpoint}";
        try
        {
            SocketTuning.Apply(socket, _options);
            using (var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, abandoned))
            {
                try
                {
                    await socket.ConnectAsync(endpoint, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"TCP connect did not complete within {_options.ConnectTimeout} (ConnectTimeout).");
                }
            }
            var hello = await ExchangeHellosAsync(socket, abandoned).ConfigureAwait(false);
            if (hello.ClusterId != _clusterId)
                throw new ConnectionFailedException($"Could not connect to {where}: it belongs to cluster {hello.ClusterId}, this node to {_clusterId}.");
            if (hello.Node.NodeId != nodeId)
                throw new ConnectionFailedException($"Could not connect to {where}: the node there is {hello.Node.NodeId} (the address was reused, e.g. by a restarted node).");
            var connection = new FrameConnection(socket, hello.Node, isOutbound: true, _options, handler, _logger);
            if (TryRegister(connection, abandoned)) return connection;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ConnectionFailedException($"Dial to {where} was abandoned: the node was disconnected or the connection manager disposed.");
        }
        catch (ConnectionFailedException)
        {
            socket.Dispose();
            throw;
        }
        catch (OperationCanceledException e)
        {
            socket.Dispose();
            throw new ConnectionFailedException($"Dial to {where} was abandoned: the node was disconnected or the connection manager disposed.", e);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ConnectionFailedException($"Could not connect to {where}: {e.SocketErrorCode} ({e.Message}).", e);
        }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidDataException or ObjectDisposedException)
        {
            socket.Dispose();
            throw new ConnectionFailedException($"Could not connect to {where}: {e.Message}", e);
        }
    }
}
