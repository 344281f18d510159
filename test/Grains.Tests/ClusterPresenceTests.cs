using Im.Orleans.Grains.Options;
using Im.Orleans.TestKit.Cluster;
using Im.Orleans.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Grains.Tests;

/// <summary>In a cluster, the connections of a gateway that dies leave presence as soon as membership declares it dead.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterPresenceTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_dead_gateways_connections_leave_presence_within_the_death_timeout()
    {
        await using var cluster = await ChatTestCluster.StartAsync(postgres, "presence");
        var doomedGateway = await cluster.StartClientAsync();
        var observer = doomedGateway.CaptureObserver<IClientObserver>();
        var users = Enumerable.Range(0, 6).Select(i => $"user{i}").ToList();
        foreach (var user in users) await doomedGateway.GrainFactory.GetGrain<IUserGrain>(user).Connect(new ClientConnection($"{user}-c1", observer.Reference, "web"));
        foreach (var user in users) Assert.Equal(PresenceStatus.Online, (await cluster.GrainFactory.GetGrain<IUserGrain>(user).GetPresence()).Status);

        var killedAt = DateTimeOffset.UtcNow;
        await doomedGateway.KillAsync();
        foreach (var user in users)
        {
            var grain = cluster.GrainFactory.GetGrain<IUserGrain>(user);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while ((await grain.GetPresence()).Status != PresenceStatus.Offline) await Task.Delay(50, timeout.Token);
        }

        // The connection expiry (90 s by default) never came into it: membership declared the gateway dead.
        var took = DateTimeOffset.UtcNow - killedAt;
        output.WriteLine($"all {users.Count} users offline {took.TotalMilliseconds:F0} ms after the gateway died (death timeout {cluster.Options.DeathTimeout.TotalSeconds} s)");
        Assert.True(took < new UserOptions().ConnectionExpiry, $"took {took}");
    }
}
