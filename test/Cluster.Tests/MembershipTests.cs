using Im.Orleans.Networking;
using Im.Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;
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
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 2, configure: o => o.NumVotesForDeathDeclaration = 0);
        var crashed = cluster.Silos[0];

        await crashed.KillAsync();
        await cluster.WaitForActiveSilosAsync(1);

        Assert.Equal(SiloStatus.Dead, cluster.Client.Membership.CurrentSnapshot.GetStatus(crashed.NodeId));
    }

    [Fact]
    public async Task A_crashed_silo_is_voted_dead_by_the_nodes_it_refuses_long_before_the_timeout()
    {
        // With a five-minute timeout only votes can declare it dead within the wait below.
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 3, configure: o => o.DeathTimeout = TimeSpan.FromMinutes(5));
        var crashed = cluster.Silos[2];

        await crashed.KillAsync();
        await cluster.WaitForStatusAsync(crashed.NodeId, SiloStatus.Dead, timeout: TimeSpan.FromSeconds(60));
        await cluster.WaitForActiveSilosAsync(2);
        Assert.All(cluster.Silos.Take(2).Append(cluster.Client), node => Assert.Equal(SiloStatus.Active, node.Membership.CurrentSnapshot.GetStatus(node.NodeId)));
    }

    [Fact]
    public async Task A_crashed_gateway_is_voted_dead_by_the_silos_it_no_longer_dials()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 2, configure: o => o.DeathTimeout = TimeSpan.FromMinutes(5));
        var gateway = await cluster.StartClientAsync();

        await gateway.KillAsync();
        await cluster.WaitForStatusAsync(gateway.NodeId, SiloStatus.Dead, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(SiloStatus.Active, cluster.Silos[0].Membership.CurrentSnapshot.GetStatus(cluster.Client.NodeId));
    }

    [Fact]
    public async Task A_live_silo_whose_connection_drops_is_dialled_again_and_not_voted_dead()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 2, configure: o => o.DeathTimeout = TimeSpan.FromMinutes(5));
        var silo = cluster.Silos[0];
        var connections = cluster.Client.Services.GetRequiredService<ConnectionManager>();

        // A dropped connection, as after a network blip: the probe dials again at once, with no call waiting on it.
        connections.Disconnect(silo.NodeId);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!connections.TryGetConnection(silo.NodeId, out _)) await Task.Delay(20, cancel.Token);

        await cluster.WaitForActiveSilosAsync(2);
        Assert.Equal(SiloStatus.Active, cluster.Client.Membership.CurrentSnapshot.GetStatus(silo.NodeId));
    }
}
