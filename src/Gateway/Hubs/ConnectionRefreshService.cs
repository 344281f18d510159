using Im.Orleans.Grains;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Tells every user grain, every ~30 s, which of its connections live on this gateway; a user grain expires the
/// connections nobody refreshes, so the connections of a crashed gateway disappear on their own.
/// </summary>
public sealed class ConnectionRefreshService(
    ConnectionRegistry connections, GatewayObserverReference observer, IGrainFactory grains,
    IOptions<ChatHubOptions> options, TimeProvider time, ILogger<ConnectionRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ConnectionRefreshSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await RefreshAllAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One refresh round; users are refreshed in parallel with a bound so a large gateway does not flood the silo.</summary>
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
}
