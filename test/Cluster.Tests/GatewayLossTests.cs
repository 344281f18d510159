using System.Diagnostics;
using Im.Orleans.Grains;
using Im.Orleans.Grains.Options;
using Im.Orleans.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Im.Orleans.Cluster.Tests;

/// <summary>
/// A gateway is an Orleans client, which Orleans drops only a minute or more after its death; the gateway registry
/// gets its users offline within seconds instead, and never waits on the dead gateway.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GatewayLossTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_dead_gateways_users_leave_presence_within_seconds()
    {
        await using var chat = await ChatCluster.StartAsync(postgres, "gwloss");
        var grains = chat.Cluster.Client;
        var observer = new SilentObserver();
        var reference = grains.CreateObjectReference<IClientObserver>(observer);
        var registry = grains.GetGrain<IGatewayRegistryGrain>(IGatewayRegistryGrain.Key);
        using var heartbeats = new CancellationTokenSource();
        var beating = HeartbeatAsync(registry, "doomed-gw", heartbeats.Token);

        var users = Enumerable.Range(0, 8).Select(i => $"user{i}").ToList();
        foreach (var user in users) await grains.GetGrain<IUserGrain>(user).Connect(new ClientConnection($"{user}-c1", "doomed-gw", reference, "web"));
        foreach (var user in users) Assert.Equal(PresenceStatus.Online, (await grains.GetGrain<IUserGrain>(user).GetPresence()).Status);

        // The gateway process dies: no more heartbeats, no goodbye, its Orleans client gone without closing.
        await heartbeats.CancelAsync();
        await beating;
        var clock = Stopwatch.StartNew();
        await chat.Cluster.KillClientAsync();
        // Someone else asks: another gateway's client.
        await chat.Cluster.InitializeClientAsync();

        foreach (var user in users)
        {
            var grain = chat.Grains.GetGrain<IUserGrain>(user);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while ((await grain.GetPresence()).Status != PresenceStatus.Offline) await Task.Delay(50, timeout.Token);
        }
        output.WriteLine($"all {users.Count} users offline {clock.ElapsedMilliseconds} ms after the gateway died (death timeout {new GatewayLivenessOptions().DeathTimeout.TotalSeconds} s)");
        // The connection expiry never came into it: the registry declared the gateway dead.
        Assert.True(clock.Elapsed < new UserOptions().ConnectionExpiry / 2, $"took {clock.Elapsed}");
        Assert.Contains("doomed-gw", await chat.Grains.GetGrain<IGatewayRegistryGrain>(IGatewayRegistryGrain.Key).DeadGateways());
    }

    [Fact]
    public async Task A_gateway_declared_dead_while_only_paused_is_told_so_on_its_next_heartbeat()
    {
        await using var chat = await ChatCluster.StartAsync(postgres, "gwpause", silos: 1, gateways: o =>
        {
            o.DeathTimeout = TimeSpan.FromMilliseconds(600);
            o.CheckPeriod = TimeSpan.FromMilliseconds(100);
        });
        var registry = chat.Grains.GetGrain<IGatewayRegistryGrain>(IGatewayRegistryGrain.Key);
        var first = await registry.Heartbeat("slow-gw");
        Assert.False(first.WasDeclaredDead);
        // The reply tells a gateway, which sees silos only through its own connections, how the cluster stands.
        Assert.Equal(1, first.ActiveSilos);
        Assert.True(first.MembershipVersion > 0);
        Assert.Contains("slow-gw", await registry.LiveGateways());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!(await registry.DeadGateways()).Contains("slow-gw")) await Task.Delay(50, timeout.Token);
        Assert.DoesNotContain("slow-gw", await registry.LiveGateways());

        // It was alive after all: it learns it must refresh its connections, and it is live again.
        Assert.True((await registry.Heartbeat("slow-gw")).WasDeclaredDead);
        Assert.False((await registry.Heartbeat("slow-gw")).WasDeclaredDead);
        Assert.Contains("slow-gw", await registry.LiveGateways());
        Assert.DoesNotContain("slow-gw", await registry.DeadGateways());
    }

    private static async Task HeartbeatAsync(IGatewayRegistryGrain registry, string gatewayId, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await registry.Heartbeat(gatewayId);
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>A gateway's observer that drops what it is sent; this test watches presence, not pushes.</summary>
    private sealed class SilentObserver : IClientObserver
    {
        public Task Push(ClientPush[] pushes) => Task.CompletedTask;
    }
}
