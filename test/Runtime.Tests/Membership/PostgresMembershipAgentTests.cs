using Im.Orleans.Configuration;
using Im.Orleans.Membership;
using Im.Orleans.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Im.Orleans.Runtime.Tests.Membership;

/// <summary>Agents on the real PostgreSQL table with the real clock: the pieces as the silo host will use them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMembershipAgentTests(PostgresServer postgres)
{
    [Fact]
    public async Task Agents_on_PostgreSQL_see_each_other_join_leave_and_die()
    {
        var options = Options.Create(new ClusterOptions { ConnectionString = await postgres.CreateDatabaseAsync("mem_agents"), ClusterId = "e2e" });
        // Short periods so the test is quick; the death timeout stays generous for a busy machine.
        var membership = Options.Create(new ClusterMembershipOptions
        {
            IAmAlivePeriod = TimeSpan.FromMilliseconds(100),
            RefreshPeriod = TimeSpan.FromMilliseconds(100),
            DeathTimeout = TimeSpan.FromSeconds(3),
        });
        await using var table = new PostgresMembershipTable(options);
        await using var a = new MembershipAgent(table, new LocalNodeInfo("a", NodeRole.Silo, "127.0.0.1", 30001), membership, TimeProvider.System, NullLogger<MembershipAgent>.Instance);
        await using var b = new MembershipAgent(table, new LocalNodeInfo("b", NodeRole.Silo, "127.0.0.1", 30002), membership, TimeProvider.System, NullLogger<MembershipAgent>.Instance);
        await using var c = new MembershipAgent(table, new LocalNodeInfo("c", NodeRole.Silo, "127.0.0.1", 30003), membership, TimeProvider.System, NullLogger<MembershipAgent>.Instance);
        await using var g = new MembershipAgent(table, new LocalNodeInfo("g", NodeRole.Gateway, "127.0.0.1", 0), membership, TimeProvider.System, NullLogger<MembershipAgent>.Instance);
        await Task.WhenAll(a.JoinAsync(default), b.JoinAsync(default), c.JoinAsync(default), g.JoinAsync(default));

        await WaitUntilAsync(() => new[] { a, b, c, g }.All(n => n.CurrentSnapshot.ActiveSilos.Count == 3), "every node sees three active silos");

        await b.ShutDownAsync(default);
        await b.LeaveAsync(default);
        await WaitUntilAsync(() => a.CurrentSnapshot.IsDead("b") && g.CurrentSnapshot.IsDead("b"), "b's leaving is seen");

        await c.DisposeAsync();
        await WaitUntilAsync(() => a.CurrentSnapshot.IsDead("c") && g.CurrentSnapshot.IsDead("c"), "silent c is declared dead");
        Assert.Equal(["a"], g.CurrentSnapshot.ActiveSilos.Select(s => s.NodeId));
        Assert.Equal(SiloStatus.Active, a.CurrentSnapshot.GetStatus("g"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for: {what}");
            await Task.Delay(20);
        }
    }
}
