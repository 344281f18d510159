using Im.Orleans.Runtime;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Membership;

/// <summary>The heartbeat and refresh loops of <see cref="MembershipAgent"/>, and how a table read becomes a view.</summary>
internal sealed partial class MembershipAgent
{
    // Deleting old dead rows is housekeeping; once a minute per node is plenty.
    private static readonly TimeSpan DeadRowCleanupPeriod = TimeSpan.FromMinutes(1);

    private void StartLoops()
    {
        var cts = new CancellationTokenSource();
        // The timers start here, not on the pool thread, so the first period counts from the join.
        var heartbeat = new PeriodicTimer(_options.IAmAlivePeriod, _time);
        var refresh = new PeriodicTimer(_options.RefreshPeriod, _time);
        var loops = Task.WhenAll(
            Task.Run(() => HeartbeatLoopAsync(heartbeat, cts.Token), CancellationToken.None),
            Task.Run(() => RefreshLoopAsync(refresh, cts.Token), CancellationToken.None));
        lock (_lock)
        {
            _loopsCts = cts;
            _loops = loops;
        }
    }

    private async Task StopLoopsAsync()
    {
        CancellationTokenSource? cts;
        Task loops;
        lock (_lock)
        {
            cts = _loopsCts;
            loops = _loops;
            _loopsCts = null;
        }

        if (cts is null) return;
        await cts.CancelAsync().ConfigureAwait(false);
        await loops.ConfigureAwait(false);
        cts.Dispose();
    }

    private async Task HeartbeatLoopAsync(PeriodicTimer timer, CancellationToken ct)
    {
        using var owned = timer;
        var failing = false;
        while (await WaitForTickAsync(timer, ct).ConfigureAwait(false))
        {
            try
            {
                if (!await _table.HeartbeatAsync(_local.NodeId, ct).ConfigureAwait(false))
                {
                    // Our row is Dead or gone: the others already treat our grains as lost, so heartbeats are pointless.
                    OnDeclaredDead();
                    return;
                }

                if (failing) _logger.LogInformation("Node {NodeId} heartbeats reach the membership table again", _local.NodeId);
                failing = false;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Keep trying: a short outage must not stop a healthy node. Log the first failure of a streak loudly.
                if (!failing) _logger.LogWarning(e, "Node {NodeId} could not write its heartbeat; retrying every {Period}", _local.NodeId, _options.IAmAlivePeriod);
                else _logger.LogDebug(e, "Node {NodeId} heartbeat failed again", _local.NodeId);
                failing = true;
            }
        }
    }

    private async Task RefreshLoopAsync(PeriodicTimer timer, CancellationToken ct)
    {
        using var owned = timer;
        var failing = false;
        var nextCleanup = _time.GetUtcNow() + DeadRowCleanupPeriod;
        while (await WaitForTickAsync(timer, ct).ConfigureAwait(false))
        {
            try
            {
                if (_time.GetUtcNow() >= nextCleanup)
                {
                    nextCleanup = _time.GetUtcNow() + DeadRowCleanupPeriod;
                    var deleted = await _table.DeleteDeadOlderThanAsync(_options.DeadRowRetention, ct).ConfigureAwait(false);
                    if (deleted > 0) _logger.LogDebug("Deleted {Count} dead membership rows older than {Retention}", deleted, _options.DeadRowRetention);
                }

                await RefreshCoreAsync(declareSilentDead: true, ct).ConfigureAwait(false);
                if (failing) _logger.LogInformation("Node {NodeId} reads the membership table again", _local.NodeId);
                failing = false;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The view stays as it was; placement keeps working on the last known members.
                if (!failing) _logger.LogWarning(e, "Node {NodeId} could not refresh its membership view; keeping the last one and retrying", _local.NodeId);
                else _logger.LogDebug(e, "Node {NodeId} membership refresh failed again", _local.NodeId);
                failing = true;
            }
        }
    }

    private static async Task<bool> WaitForTickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task RefreshCoreAsync(bool declareSilentDead, CancellationToken ct)
    {
        bool ownRowDead;
        await _refreshGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (declareSilentDead)
            {
                var declared = await _table.DeclareSilentDeadAsync(_options.SuspectAfter, _options.ConfirmAfter, ct).ConfigureAwait(false);
                if (declared > 0) _logger.LogWarning("Node {NodeId} declared {Count} silent node(s) dead (no heartbeat for {Timeout})", _local.NodeId, declared, _options.DeathTimeout);
            }

            var rows = await _table.ReadAllAsync(ct).ConfigureAwait(false);
            ownRowDead = Apply(rows);
            await RepairOwnStatusAsync(rows, ct).ConfigureAwait(false);
        }
        finally
        {
            _refreshGate.Release();
        }

        // Handlers run after the gate is released, so one may itself call RefreshAsync.
        _publisher.Drain();
        if (ownRowDead) OnDeclaredDead();
    }

    /// <summary>Queues the rows as the new view if any row appeared, vanished or changed status or version; true if our own row is Dead.</summary>
    private bool Apply(IReadOnlyList<MembershipEntry> rows)
    {
        lock (_lock)
        {
            var own = rows.FirstOrDefault(r => r.NodeId == _local.NodeId);
            var view = own is null || own.Status == SiloStatus.Dead || own.Status >= _localStatus
                ? rows
                : rows.Select(r => ReferenceEquals(r, own) ? r with { Status = _localStatus } : r).ToArray();
            if (!_current.HasSameMembers(view))
            {
                _current = new ClusterMembershipSnapshot(_current.Version + 1, view);
                _publisher.Enqueue(_current);
            }

            return own?.Status == SiloStatus.Dead;
        }
    }

    /// <summary>Retries a ShuttingDown write that failed earlier, so other nodes stop placing grains here.</summary>
    private async Task RepairOwnStatusAsync(IReadOnlyList<MembershipEntry> rows, CancellationToken ct)
    {
        SiloStatus wanted;
        lock (_lock) wanted = _localStatus;
        if (wanted != SiloStatus.ShuttingDown) return;
        var own = rows.FirstOrDefault(r => r.NodeId == _local.NodeId);
        if (own is null || own.Status is SiloStatus.Dead or SiloStatus.ShuttingDown) return;
        if (await _table.TryUpdateStatusAsync(_local.NodeId, wanted, own.Version, ct).ConfigureAwait(false))
            _logger.LogInformation("Node {NodeId} marked itself {Status} in the membership table", _local.NodeId, wanted);
    }
}
