using System.Collections.Concurrent;
using System.Net;
using Im.Orleans.Catalog;
using Im.Orleans.Configuration;
using Im.Orleans.Membership;
using Im.Orleans.Messaging;
using Im.Orleans.Networking;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Hosting;

/// <summary>
/// This process as a member of the cluster: a silo listens and owns grains, a gateway only dials. It joins the
/// membership table, keeps connections to every active silo, moves away grains it no longer owns when the view
/// changes, and on stop drains (ShuttingDown, deactivate, leave) before its connections close.
/// </summary>
internal sealed class ClusterNode : IHostedService
{
    private readonly LocalNodeInfo _local;
    private readonly ClusterOptions _options;
    private readonly ClusterMembershipOptions _membershipOptions;
    private readonly ResponseTracker _tracker;
    private readonly TimeProvider _time;
    private readonly MembershipAgent _membership;
    private readonly ConnectionManager _connections;
    private readonly ClusterMessageRouter _router;
    private readonly ClusterHealthMonitor _health;
    private readonly GrainCatalog _catalog;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILogger<ClusterNode> _logger;
    private readonly ConcurrentDictionary<string, bool> _disconnected = new(StringComparer.Ordinal);

    public ClusterNode(
        LocalNodeInfo local, IOptions<ClusterOptions> options, IOptions<ClusterMembershipOptions> membershipOptions, MembershipAgent membership,
        ConnectionManager connections, ClusterMessageRouter router, ClusterHealthMonitor health, GrainCatalog catalog, ResponseTracker tracker, TimeProvider time,
        IServiceProvider services, ILogger<ClusterNode> logger)
    {
        _local = local;
        _options = options.Value;
        _membershipOptions = membershipOptions.Value;
        _tracker = tracker;
        _time = time;
        _membership = membership;
        _connections = connections;
        _router = router;
        _health = health;
        _catalog = catalog;
        _lifetime = services.GetService(typeof(IHostApplicationLifetime)) as IHostApplicationLifetime;
        _logger = logger;
    }

    private bool IsSilo => _local.Role == NodeRole.Silo;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _connections.SetFrameHandler(_router.OnFrame);
        _connections.ConnectionEstablished += _router.OnConnectionEstablished;
        _connections.ConnectionLost += _router.OnConnectionLost;
        _connections.ConnectionLost += _health.OnConnectionLost;
        _membership.SnapshotChanged += OnSnapshot;
        _membership.DeclaredDead += OnDeclaredDead;
        if (IsSilo) _connections.Listen(new IPEndPoint(IPAddress.Parse(_options.ListenHost), _local.Port));
        await _membership.JoinAsync(cancellationToken);
        OnSnapshot(_membership.CurrentSnapshot);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (IsSilo)
        {
            // Others stop placing grains here once they read ShuttingDown (within a refresh period); whatever still
            // arrives meanwhile is forwarded to the new owners. Connections stay open until those answers came back.
            await _membership.ShutDownAsync(cancellationToken);
            await Task.Delay(_membershipOptions.RefreshPeriod * 2, _time, cancellationToken);
            await _catalog.DeactivateAllAsync(cancellationToken);
            await WaitForForwardedCallsAsync(cancellationToken);
        }
        // No votes from a node that is leaving: it closes its connections on purpose.
        await _health.DisposeAsync();
        await _membership.LeaveAsync(cancellationToken);
        _membership.SnapshotChanged -= OnSnapshot;
        await _connections.DisposeAsync();
        _router.Dispose();
    }

    private async Task WaitForForwardedCallsAsync(CancellationToken cancellationToken)
    {
        var giveUp = _time.GetTimestamp() + (long)(_membershipOptions.DeathTimeout.TotalSeconds * _time.TimestampFrequency);
        while (_tracker.CountSentRemotely() > 0 && _time.GetTimestamp() < giveUp)
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
    }

    private void OnSnapshot(ClusterMembershipSnapshot snapshot)
    {
        _router.OnSnapshot(snapshot);
        foreach (var member in snapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Dead && member.NodeId != _local.NodeId && _disconnected.TryAdd(member.NodeId, true))
            {
                _logger.LogWarning("Node {Node} ({Role} at {Host}:{Port}) is dead", member.NodeId, member.Role, member.Host, member.Port);
                _connections.Disconnect(member.NodeId);
            }
        }
        foreach (var silo in snapshot.ActiveSilos)
        {
            if (silo.NodeId == _local.NodeId || _connections.TryGetConnection(silo.NodeId, out _) || _connections.IsInBackoff(silo.NodeId)) continue;
            _ = ConnectAsync(silo);
        }
        if (IsSilo) MoveAwayGrainsNotOwned();
    }

    private async Task ConnectAsync(MembershipEntry silo)
    {
        try
        {
            await _connections.GetOrConnectAsync(silo.NodeId, new DnsEndPoint(silo.Host, silo.Port), CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Could not connect to silo {Node} at {Host}:{Port}", silo.NodeId, silo.Host, silo.Port);
        }
    }

    /// <summary>Deactivates what another silo now owns; queued calls follow the grain there. State is already stored.</summary>
    private void MoveAwayGrainsNotOwned()
    {
        var placement = _router.Placement;
        var moved = 0;
        foreach (var activation in _catalog.Activations)
        {
            if (activation.ClassInfo.IsLocalObject) continue;
            var owner = placement.OwnerOf(activation.GrainId);
            if (owner is null || owner == _local.NodeId) continue;
            activation.StartDeactivation(new DeactivationReason(DeactivationReasonCode.Migrating, $"Silo {owner} owns the grain now."));
            moved++;
        }
        if (moved > 0) _logger.LogInformation("{Count} grains moved to their new owners after a membership change", moved);
    }

    private void OnDeclaredDead()
    {
        // The others already serve our grains; carrying on would only produce stale writes that fail.
        _logger.LogCritical("Node {Node} was declared dead by the cluster; stopping", _local.NodeId);
        _lifetime?.StopApplication();
    }
}
