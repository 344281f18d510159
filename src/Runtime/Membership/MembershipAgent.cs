using Im.Orleans.Configuration;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Membership;

/// <summary>
/// This node's membership: joins the table, heartbeats, declares silent nodes dead, keeps the current view and
/// leaves. The lead's host calls <see cref="JoinAsync"/> at start, <see cref="ShutDownAsync"/> before draining and
/// <see cref="LeaveAsync"/> after; <see cref="DeclaredDead"/> means the node must stop.
/// </summary>
internal sealed partial class MembershipAgent : IClusterMembershipService, IAsyncDisposable
{
    private readonly IMembershipTable _table;
    private readonly LocalNodeInfo _local;
    private readonly ClusterMembershipOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MembershipAgent> _logger;
    private readonly SnapshotPublisher _publisher;
    private readonly object _lock = new();

    // Serializes read-and-publish, so a slow read can never publish an older view over a newer one. Not disposed:
    // it never allocates a wait handle, and a late RefreshAsync after DisposeAsync must not throw ObjectDisposedException.
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private ClusterMembershipSnapshot _current = ClusterMembershipSnapshot.Empty;

    // What this node says about itself. Its own row in a view shows at least this (unless the table says Dead),
    // so ShuttingDown is visible locally at once even while the table write is pending or failing.
    private SiloStatus _localStatus = SiloStatus.None;
    private CancellationTokenSource? _loopsCts;
    private Task _loops = Task.CompletedTask;
    private int _declaredDead;

    public MembershipAgent(IMembershipTable table, LocalNodeInfo local, IOptions<ClusterMembershipOptions> options, TimeProvider time, ILogger<MembershipAgent> logger)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentException.ThrowIfNullOrEmpty(local.NodeId);
        _table = table;
        _local = local;
        _options = options.Value;
        _options.Validate();
        _time = time;
        _logger = logger;
        _publisher = new SnapshotPublisher(logger);
    }

    public ClusterMembershipSnapshot CurrentSnapshot
    {
        get { lock (_lock) return _current; }
    }

    public event Action<ClusterMembershipSnapshot>? SnapshotChanged
    {
        add => _publisher.SnapshotChanged += value;
        remove => _publisher.SnapshotChanged -= value;
    }

    /// <summary>
    /// Raised once, on a pool thread, when this node finds its own row Dead or gone: others declared it dead and
    /// treat its grains as lost, so it must stop (as an Orleans silo does). Handlers may call LeaveAsync or stop the host.
    /// </summary>
    public event Action? DeclaredDead;

    public LocalNodeInfo Local => _local;

    /// <summary>Registers this node as Joining, marks it Active, publishes the first view and starts the loops. Throws if the table is unreachable.</summary>
    public async Task JoinAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            if (_localStatus != SiloStatus.None) throw new InvalidOperationException($"Node {_local.NodeId} has already joined.");
            _localStatus = SiloStatus.Joining;
        }

        await _table.InitializeAsync(ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        await _table.InsertAsync(new MembershipEntry(_local.NodeId, _local.Role, _local.Host, _local.Port, SiloStatus.Joining, now, now, 1), ct).ConfigureAwait(false);
        if (!await _table.TryUpdateStatusAsync(_local.NodeId, SiloStatus.Active, expectedVersion: 1, ct).ConfigureAwait(false))
            throw new InvalidOperationException($"Node {_local.NodeId} was declared dead while joining; is DeathTimeout shorter than the start-up?");

        lock (_lock) _localStatus = SiloStatus.Active;
        await RefreshAsync(ct).ConfigureAwait(false);
        _logger.LogInformation("Node {NodeId} ({Role} at {Host}:{Port}) joined the cluster: {Snapshot}", _local.NodeId, _local.Role, _local.Host, _local.Port, CurrentSnapshot);
        StartLoops();
    }

    /// <summary>
    /// Marks this node ShuttingDown: in the local view at once, then in the table. Best effort: a table failure is
    /// logged, the refresh loop keeps trying, and the node is declared dead after it stops anyway.
    /// </summary>
    public async Task ShutDownAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            if (_localStatus is not (SiloStatus.Joining or SiloStatus.Active)) return;
            _localStatus = SiloStatus.ShuttingDown;
        }

        PublishOwnStatus(SiloStatus.ShuttingDown);
        await WriteOwnStatusBestEffortAsync(SiloStatus.ShuttingDown, ct).ConfigureAwait(false);
    }

    /// <summary>Stops the loops and marks this node Dead, in the table (best effort) and in the local view.</summary>
    public async Task LeaveAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            if (_localStatus is SiloStatus.None or SiloStatus.Dead) return;
            _localStatus = SiloStatus.Dead;
        }

        // Loops first: a heartbeat after the Dead write would report a death that was our own leaving.
        await StopLoopsAsync().ConfigureAwait(false);
        await WriteOwnStatusBestEffortAsync(SiloStatus.Dead, ct).ConfigureAwait(false);
        PublishOwnStatus(SiloStatus.Dead);
        _logger.LogInformation("Node {NodeId} left the cluster", _local.NodeId);
    }

    public Task RefreshAsync(CancellationToken ct = default) => RefreshCoreAsync(declareSilentDead: false, ct);

    /// <summary>
    /// Votes that this node could not reach <paramref name="nodeId"/>; when that completes the votes needed the node is
    /// declared dead and this view refreshed at once. True if this vote declared it dead. Votes are off when
    /// <see cref="ClusterMembershipOptions.NumVotesForDeathDeclaration"/> is 0.
    /// </summary>
    public async Task<bool> VoteDeadAsync(string nodeId, CancellationToken ct)
    {
        var rules = _options.VoteRules;
        if (rules.VotesNeeded == 0 || nodeId == _local.NodeId) return false;
        if (!await _table.VoteDeadAsync(nodeId, _local.NodeId, rules, ct).ConfigureAwait(false)) return false;
        _logger.LogWarning("Node {NodeId} declared node {Dead} dead: it was unreachable to enough nodes and silent for {Silence}", _local.NodeId, nodeId, rules.MinSilence);
        await RefreshAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops heartbeating and refreshing without leaving: to the others this node goes silent and is declared dead in time.</summary>
    public ValueTask DisposeAsync() => new(StopLoopsAsync());

    /// <summary>Writes a status to our own row, re-reading the version if a refresh raced us; false if the row is Dead or gone.</summary>
    private async Task<bool> TryWriteOwnStatusAsync(SiloStatus status, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var rows = await _table.ReadAllAsync(ct).ConfigureAwait(false);
            var own = rows.FirstOrDefault(r => r.NodeId == _local.NodeId);
            if (own is null) return false;
            if (own.Status == status) return true;
            if (own.Status == SiloStatus.Dead) return false;
            if (await _table.TryUpdateStatusAsync(_local.NodeId, status, own.Version, ct).ConfigureAwait(false)) return true;
        }

        return false;
    }

    private async Task WriteOwnStatusBestEffortAsync(SiloStatus status, CancellationToken ct)
    {
        try
        {
            if (!await TryWriteOwnStatusAsync(status, ct).ConfigureAwait(false))
                _logger.LogWarning("Node {NodeId} could not mark itself {Status}: its row is Dead or gone", _local.NodeId, status);
            else if (status != SiloStatus.Dead)
                await RefreshAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _logger.LogWarning(e, "Node {NodeId} could not mark itself {Status} in the membership table", _local.NodeId, status);
        }
    }

    /// <summary>Publishes the current view with our own row at the given status, without reading the table.</summary>
    private void PublishOwnStatus(SiloStatus status)
    {
        lock (_lock)
        {
            if (!_current.Members.TryGetValue(_local.NodeId, out var own) || own.Status == SiloStatus.Dead || own.Status == status) return;
            var members = _current.Members.Values.Select(m => m.NodeId == _local.NodeId ? m with { Status = status } : m);
            _current = new ClusterMembershipSnapshot(_current.Version + 1, members);
            _publisher.Enqueue(_current);
        }

        _publisher.Drain();
    }

    private void OnDeclaredDead()
    {
        lock (_lock)
        {
            if (_localStatus == SiloStatus.Dead) return;
        }

        if (Interlocked.Exchange(ref _declaredDead, 1) != 0) return;
        _logger.LogError("Node {NodeId} was declared dead by the cluster; it must stop", _local.NodeId);

        // Off the loop thread: a handler that stops the host waits for these very loops to end.
        _ = Task.Run(() =>
        {
            try
            {
                DeclaredDead?.Invoke();
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A DeclaredDead handler failed");
            }
        });
    }
}
