using Im.Orleans.Runtime;
using Xunit;

namespace Im.Orleans.Cluster.Tests;

/// <summary>Silos and clients see the same members; joins, graceful leaves and crashes show in every view.</summary>
public sealed class MembershipTests
{
    [Fact]
    public async Task Every_node_sees_every_silo_and_the_client_is_no_silo()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 3);

        foreach (var node in cluster.Silos.Append(cluster.Client))
        {
            var snapshot = node.Membership.CurrentSnapshot;
            Assert.Equal(cluster.Silos.Select(s => s.NodeId).Order(StringComparer.Ordinal), snapshot.ActiveSilos.Select(s => s.NodeId));
            Assert.Equal(NodeRole.Gateway, snapshot.Members[cluster.Client.NodeId].Role);
        }
    }

    [Fact]
    public async Task A_silo_that_stops_gracefully_is_dead_in_every_view()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 3);
        var leaving = cluster.Silos[1];

        var stopping = leaving.StopAsync();
        // While it drains the others already stop placing grains there; once it left, every view says Dead.
        await cluster.WaitForStatusAsync(leaving.NodeId, SiloStatus.ShuttingDown);
        Assert.All(cluster.Silos.Where(s => s != leaving).Append(cluster.Client), node =>
            Assert.DoesNotContain(node.Membership.CurrentSnapshot.ActiveSilos, s => s.NodeId == leaving.NodeId));
        await stopping;
        await cluster.WaitForStatusAsync(leaving.NodeId, SiloStatus.Dead);
        await cluster.WaitForActiveSilosAsync(2);
    }

    [Fact]
    public async Task A_crashed_silo_is_declared_dead_after_the_timeout()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 2);
        var crashed = cluster.Silos[0];

        await crashed.KillAsync();
        await cluster.WaitForActiveSilosAsync(1);

        Assert.Equal(SiloStatus.Dead, cluster.Client.Membership.CurrentSnapshot.GetStatus(crashed.NodeId));
    }
}
