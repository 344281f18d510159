using Im.Orleans.Cluster.Tests.Grains;
using Im.Orleans.Runtime;
using Xunit;

namespace Im.Orleans.Cluster.Tests;

/// <summary>Each grain has one owner silo, whoever calls it, and grains spread over the silos.</summary>
public sealed class PlacementTests
{
    [Fact]
    public async Task Every_caller_reaches_the_same_single_activation()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 3);
        var keys = Enumerable.Range(0, 60).Select(i => $"grain-{i}").ToList();

        foreach (var key in keys)
        {
            var fromClient = await cluster.GrainFactory.GetGrain<IPlacedGrain>(key).WhereAmI();
            foreach (var silo in cluster.Silos)
                Assert.Equal(fromClient, await silo.GrainFactory.GetGrain<IPlacedGrain>(key).WhereAmI());
        }

        foreach (var key in keys)
        {
            var id = new GrainId("Im.Orleans.Cluster.Tests.Grains.IPlacedGrain", key);
            Assert.Single(cluster.Silos, s => s.ActiveGrains.Contains(id));
        }
        Assert.All(cluster.Silos, s => Assert.NotEmpty(s.ActiveGrains));
        Assert.Empty(cluster.Client.ActiveGrains);
    }

    [Fact]
    public async Task Grains_call_grains_on_other_silos()
    {
        await using var cluster = await ClusterTestSetup.StartAsync(silos: 2);
        var grains = Enumerable.Range(0, 20).Select(i => cluster.GrainFactory.GetGrain<IPlacedGrain>($"g{i}")).ToList();
        var homes = new List<string>();
        foreach (var grain in grains) homes.Add(await grain.WhereAmI());

        // Every pair (a → b): a reports where b lives, which must be b's own answer.
        for (var a = 0; a < grains.Count; a++)
        {
            var b = (a + 7) % grains.Count;
            Assert.Equal(homes[b], await grains[a].WhereIs($"g{b}"));
        }
        Assert.Equal(2, homes.Distinct().Count());
    }
}
