using Im.Orleans.Grains;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Tells every user grain, every ~30 s, which of its connections live on this gateway; a user grain expires the
/// connections nobody refreshes, so the connections of a crashed gateway disappear on their own. In a cluster it
/// also refreshes at once when the set of active silos changes, and once more when views have settled: user grains
/// that moved (their silo died, or a new one took them) start without connections and would otherwise miss pushes
/// until the next round.
/// </summary>
public sealed class ConnectionRefreshService(
    ConnectionRegistry connections, GatewayObserverReference observer, IGrainFactory grains,
    IOptions<ChatHubOptions> options, TimeProvider time, ILogger<ConnectionRefreshService> logger,
    IClusterMembershipService? membership = null) : BackgroundService
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string[] _activeSilos = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (membership is not null) membership.SnapshotChanged += OnSnapshot;
        var period = TimeSpan.FromSeconds(options.Value.ConnectionRefreshSeconds);
        var afterChange = TimeSpan.FromSeconds(options.Value.ConnectionRefreshAfterChangeSeconds);
        var settling = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // The period passed, the silos changed, or views have had time to settle after a change: one round each.
                var wake = Volatile.Read(ref _wake).Task;
                using (var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    await Task.WhenAny(Task.Delay(settling ? afterChange : period, time, delay.Token), wake);
                    delay.Cancel();
                }
                stoppingToken.ThrowIfCancellationRequested();
                settling = wake.IsCompleted;
                if (settling) Volatile.Write(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                await RefreshAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (membership is not null) membership.SnapshotChanged -= OnSnapshot;
        }
    }

    /// <summary>One refresh round; users are refreshed in parallel with a bound so a large gateway does not flood the silos.</summary>
    public Task RefreshAllAsync(CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(connections.Snapshot(), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (entry, _) =>
        {
            try
            {
                await grains.GetGrain<IUserGrain>(entry.UserId).RefreshConnections(observer.Reference, entry.ConnectionIds);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Refreshing the connections of {UserId} failed", entry.UserId);
            }
        });

    private void OnSnapshot(ClusterMembershipSnapshot snapshot)
    {
        // Every change counts, the first one this service sees included (the gateway may have joined before it
        // subscribed); a round with no connections costs nothing.
        var active = snapshot.ActiveSilos.Select(s => s.NodeId).ToArray();
        if (active.SequenceEqual(_activeSilos)) return;
        _activeSilos = active;
        logger.LogInformation("Active silos changed to {Silos}; refreshing connections now", string.Join(", ", active));
        Volatile.Read(ref _wake).TrySetResult();
    }
}
