using Im.Orleans.Hosting;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Users;

/// <summary>
/// In a cluster, tells the user grains on this silo when a gateway holding their connections is declared dead, so
/// those connections leave presence within the membership's death timeout rather than the connection expiry.
/// Without a cluster (the embedded node) there is nothing to watch.
/// </summary>
internal sealed class GatewayLossWatcher(
    GatewayConnectionIndex index, IGrainFactory grains, ILogger<GatewayLossWatcher> logger, IClusterMembershipService? membership = null) : IStartupTask
{
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);

    public Task Execute(CancellationToken cancellationToken)
    {
        if (membership is not null) membership.SnapshotChanged += OnSnapshot;
        return Task.CompletedTask;
    }

    private void OnSnapshot(ClusterMembershipSnapshot snapshot)
    {
        foreach (var member in snapshot.Members.Values)
        {
            if (member is not { Role: NodeRole.Gateway, Status: SiloStatus.Dead } || !_handled.Add(member.NodeId)) continue;
            var users = index.UsersOn(member.NodeId);
            if (users.Count == 0) continue;
            logger.LogInformation("Gateway {Gateway} is dead: dropping its connections from {Count} users", member.NodeId, users.Count);
            foreach (var user in users) _ = DropAsync(user, member.NodeId);
        }
    }

    private async Task DropAsync(string userId, string gatewayNodeId)
    {
        try
        {
            await grains.GetGrain<IUserGrain>(userId).GatewayLost(gatewayNodeId);
        }
        catch (Exception e)
        {
            // The connections still expire on their own; this only made it faster.
            logger.LogWarning(e, "Dropping the connections of {UserId} on dead gateway {Gateway} failed", userId, gatewayNodeId);
        }
    }
}
