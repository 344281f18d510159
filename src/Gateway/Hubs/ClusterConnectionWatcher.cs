using Orleans;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// In cluster mode, notices when the set of silos this gateway reaches changes: user grains of a lost silo come
/// back elsewhere without connections, so the gateway refreshes them now instead of at the next round.
/// </summary>
public sealed class ClusterConnectionWatcher(ConnectionRefreshService refresh, SiloLossSignal siloLoss, ILogger<ClusterConnectionWatcher> logger) : IClusterConnectionStatusObserver
{
    public void NotifyClusterConnectionLost()
    {
        logger.LogWarning("The connection to the cluster was lost");
        siloLoss.Raise();
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        logger.LogInformation("Silos reachable changed from {Previous} to {Current}; refreshing connections now", previousNumberOfGateways, currentNumberOfGateways);
        if (currentNumberOfGateways < previousNumberOfGateways) siloLoss.Raise();
        refresh.RequestRefresh();
    }
}
