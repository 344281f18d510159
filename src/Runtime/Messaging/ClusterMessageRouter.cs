using System.Net;
using Im.Orleans.Catalog;
using Im.Orleans.Configuration;
using Im.Orleans.Membership;
using Im.Orleans.Networking;
using Im.Orleans.Observers;
using Im.Orleans.Placement;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Messaging;

/// <summary>
/// Routing in a cluster: a grain's message goes to its owner by rendezvous hashing over the active silos of this
/// node's view, an observer's to the node that holds it. A message that finds no way yet (no silo, an owner that
/// cannot be reached) is parked and routed again when the view or a connection changes, within its deadline.
/// </summary>
internal sealed class ClusterMessageRouter : IMessageRouter, IDisposable
{
    private readonly GrainCatalog _catalog;
    private readonly ConnectionManager _connections;
    private readonly MessageCodec _codec;
    private readonly ResponseTracker _tracker;
    private readonly string _localId;
    private readonly bool _hostsGrains;
    private readonly int _maxForwardCount;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterMessageRouter> _logger;
    private readonly ParkedMessages _parked;
    private volatile ClusterMembershipSnapshot _snapshot = ClusterMembershipSnapshot.Empty;
    private volatile PlacementTable _placement = PlacementTable.Empty;

    public ClusterMessageRouter(
        GrainCatalog catalog, ConnectionManager connections, MessageCodec codec, ResponseTracker tracker, LocalNodeInfo local,
        IOptions<MessagingOptions> messaging, TimeProvider time, ILogger<ClusterMessageRouter> logger)
    {
        _catalog = catalog;
        _connections = connections;
        _codec = codec;
        _tracker = tracker;
        _localId = local.NodeId;
        _hostsGrains = local.Role == NodeRole.Silo;
        _maxForwardCount = messaging.Value.MaxForwardCount;
        _time = time;
        _logger = logger;
        _parked = new ParkedMessages(time, Route, TimeSpan.FromMilliseconds(250), messaging.Value.ResponseTimeout);
    }

    /// <summary>The placement in force: the owner of each grain under the current view.</summary>
    public PlacementTable Placement => _placement;

    public int ParkedCount => _parked.Count;

    public void OnSnapshot(ClusterMembershipSnapshot snapshot)
    {
        _snapshot = snapshot;
        _placement = new PlacementTable(snapshot.ActiveSilos);
        _parked.RetryAll();
    }

    public void OnConnectionEstablished(FrameConnection connection) => _parked.RetryAll();

    /// <summary>
    /// Calls that went out on the lost connection may or may not have run there. A read-only one may safely run twice,
    /// so it is sent again once the view offers a way to its grain (within its deadline); any other fails with
    /// <see cref="SiloUnavailableException"/>, and its caller decides whether repeating it is safe.
    /// </summary>
    public void OnConnectionLost(FrameConnection connection)
    {
        var node = connection.Remote.NodeId;
        int failed = 0, resent = 0;
        foreach (var message in _tracker.SentVia(connection))
        {
            if (message.IsFinished) continue;
            if (message.IsReadOnly)
            {
                message.SentVia = null;
                _parked.Park(message, $"the connection to {node} was lost; read-only, so it is sent again");
                resent++;
            }
            else
            {
                message.Fail(new SiloUnavailableException($"The connection to {node} was lost before {message} was answered."));
                failed++;
            }
        }
        if (failed + resent > 0) _logger.LogWarning("Connection to {Node} lost with {Count} calls unanswered: {Failed} failed, {Resent} read-only ones to be sent again", connection.Remote, failed + resent, failed, resent);
    }

    public void Route(Message message)
    {
        var target = message.Target;
        var node = target.Type == ObserverGrainId.GrainType ? ObserverGrainId.OwnerOf(target) : _placement.OwnerOf(target);
        if (node is null) _parked.Park(message, "no silo is active");
        else if (node == _localId) _catalog.Deliver(message);
        else SendTo(node, message);
    }

    public bool IsReachable(GrainId target)
    {
        if (target.Type != ObserverGrainId.GrainType) return true;
        var node = ObserverGrainId.OwnerOf(target);
        return node == _localId ? _catalog.TryGetActivation(target, out _) : !_snapshot.IsDead(node);
    }

    /// <summary>Handles one frame from another node, on that connection's receive loop.</summary>
    public void OnFrame(FrameConnection connection, ReadOnlyMemory<byte> payload)
    {
        var reader = new FrameReader(payload.Span);
        var kind = (FrameKind)reader.ReadByte();
        switch (kind)
        {
            case FrameKind.Request or FrameKind.OneWay:
                OnRequest(connection, payload, kind);
                break;
            case FrameKind.Response or FrameKind.Error:
                OnResponse(ref reader, kind);
                break;
            default:
                throw new FormatException($"Unknown frame kind {kind} from {connection.Remote}.");
        }
    }

    private void OnRequest(FrameConnection connection, ReadOnlyMemory<byte> payload, FrameKind kind)
    {
        var reader = new FrameReader(payload.Span[1..]);
        var correlationId = reader.ReadInt64();
        Message message;
        try
        {
            message = _codec.DecodeRequest(ref reader, kind, correlationId, frame => connection.TrySend(frame));
        }
        catch (Exception e)
        {
            // A request this node cannot read is answered with why, never dropped in silence.
            _logger.LogWarning(e, "Unreadable request from {Node}", connection.Remote);
            if (kind == FrameKind.Request) connection.TrySend(_codec.EncodeError(correlationId, e));
            return;
        }
        RouteIncoming(message);
    }

    private void OnResponse(ref FrameReader reader, FrameKind kind)
    {
        var correlationId = reader.ReadInt64();
        // Unknown ids belong to calls that already timed out or failed; their late answers have no one to go to.
        if (!_tracker.TryGet(correlationId, out var message)) return;
        try
        {
            if (kind == FrameKind.Response) message.CompleteWithResult(_codec.DecodeResult(ref reader, message.Request));
            else message.Fail(_codec.DecodeError(ref reader));
        }
        catch (Exception e)
        {
            message.Fail(e);
        }
    }

    /// <summary>
    /// A request sent here by another node. The owner in this view serves it; otherwise it is forwarded once, to the
    /// owner this view names. A message already forwarded is served here even if the views disagree: the ETags on
    /// state and the unique keys of the message log make a stale activation fail rather than overwrite.
    /// </summary>
    private void RouteIncoming(Message message)
    {
        var target = message.Target;
        if (target.Type == ObserverGrainId.GrainType || !_hostsGrains)
        {
            Route(message);
            return;
        }

        var owner = _placement.OwnerOf(target);
        var servesHere = owner == _localId || (message.ForwardCount > 0 && _placement.Contains(_localId));
        if (servesHere)
        {
            _catalog.Deliver(message);
            return;
        }
        if (++message.ForwardCount > _maxForwardCount)
        {
            message.Fail(new SiloUnavailableException($"{message} was forwarded {message.ForwardCount - 1} times without finding its owner."));
            return;
        }
        Route(message);
    }

    private void SendTo(string node, Message message)
    {
        if (message.IsFinished) return;
        if (_connections.TryGetConnection(node, out var connection))
        {
            Transmit(connection, message);
            return;
        }

        var entry = _snapshot.Members.GetValueOrDefault(node);
        if (entry is { Status: SiloStatus.Dead })
        {
            message.Fail(message.Target.Type == ObserverGrainId.GrainType
                ? new ClientNotAvailableException($"Observer {message.Target} is gone: its node {node} is dead.")
                : new SiloUnavailableException($"{message} was routed to {node}, which is dead."));
        }
        else if (entry is null || entry.Role != NodeRole.Silo || entry.Port == 0)
        {
            // Gateways dial silos, never the other way round: wait for this one's connection (or its death).
            _parked.Park(message, $"node {node} has not connected");
        }
        else if (_connections.IsInBackoff(node))
        {
            _parked.Park(message, $"node {node} did not answer the last connection attempt");
        }
        else
        {
            _ = ConnectAndSendAsync(node, new DnsEndPoint(entry.Host, entry.Port), message);
        }
    }

    private async Task ConnectAndSendAsync(string node, EndPoint endpoint, Message message)
    {
        try
        {
            var connection = await _connections.GetOrConnectAsync(node, endpoint, CancellationToken.None).ConfigureAwait(false);
            Transmit(connection, message);
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Could not connect to {Node} at {Endpoint}", node, endpoint);
            _parked.Park(message, $"node {node} at {endpoint} could not be reached ({e.Message})");
        }
    }

    private void Transmit(FrameConnection connection, Message message)
    {
        if (message.IsExpired(_time.GetTimestamp()))
        {
            message.Fail(new TimeoutException($"{message} expired before it could be sent to {connection.Remote.NodeId}."));
            return;
        }
        if (message.Completion is not null)
        {
            _tracker.TrackRemote(message);
            message.SentVia = connection;
        }

        byte[] frame;
        try
        {
            frame = _codec.EncodeRequest(message, message.CorrelationId);
        }
        catch (Exception e)
        {
            message.Fail(e);
            return;
        }
        if (connection.TrySend(frame)) return;

        message.SentVia = null;
        if (connection.IsClosed) _parked.Park(message, $"the connection to {connection.Remote.NodeId} closed");
        else message.Fail(new SiloUnavailableException($"{connection.Remote.NodeId} is not keeping up: its send queue is full."));
    }

    public void Dispose() => _parked.Dispose();
}
