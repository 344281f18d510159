using Im.Orleans.Grains;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Tells every user grain, every ~30 s, which of its connections live on this gateway; a user grain expires the
/// connections nobody refreshes. A round also runs at once on request — when the silos this gateway reaches changed
/// (user grains that moved start without connections and would miss pushes until the next round) or when the
/// registry had wrongly declared this gateway dead — and once more a little later, when views have settled.
/// </summary>
public sealed class ConnectionRefreshService(
    ConnectionRegistry connections, GatewayObserverReference observer, IGrainFactory grains,
    IOptions<ChatHubOptions> options, TimeProvider time, ILogger<ConnectionRefreshService> logger) : BackgroundService
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs a refresh round now and another once views have settled.</summary>
    public void RequestRefresh() => Volatile.Read(ref _wake).TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.ConnectionRefreshSeconds);
        var afterChange = TimeSpan.FromSeconds(options.Value.ConnectionRefreshAfterChangeSeconds);
        var settling = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wake = Volatile.Read(ref _wake).Task;
                using (var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    await Task.WhenAny(Task.Delay(settling ? afterChange : period, time, delay.Token), wake);
                    await delay.CancelAsync();
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
    }

    /// <summary>One refresh round; users are refreshed in parallel with a bound so a large gateway does not flood the silos.</summary>
    public Task RefreshAllAsync(CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(connections.Snapshot(), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (entry, _) =>
        {
            try
            {
                await grains.GetGrain<IUserGrain>(entry.UserId).RefreshConnections(observer.GatewayId, observer.Reference, entry.ConnectionIds);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Refreshing the connections of {UserId} failed", entry.UserId);
            }
        });
}
