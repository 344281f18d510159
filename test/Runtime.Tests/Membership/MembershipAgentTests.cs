using Im.Orleans.Membership;
using Xunit;

namespace Im.Orleans.Runtime.Tests.Membership;

public sealed class MembershipAgentTests
{
    [Fact]
    public async Task Three_silos_that_join_each_see_three_active_silos()
    {
        await using var cluster = new AgentCluster();
        var a = await cluster.JoinAsync("a");
        var b = await cluster.JoinAsync("b");
        var c = await cluster.JoinAsync("c");

        // Each node's view is current when its join returns; the earlier ones learn of the later ones by refreshing.
        Assert.Equal(SiloStatus.Active, c.CurrentSnapshot.GetStatus("c"));
        await cluster.StepUntilAsync(() => new[] { a, b, c }.All(n => n.CurrentSnapshot.ActiveSilos.Count == 3), "three active silos in every view", a, b, c);
        foreach (var node in new[] { a, b, c })
        {
            Assert.Equal(["a", "b", "c"], node.CurrentSnapshot.ActiveSilos.Select(s => s.NodeId));
            Assert.All(node.CurrentSnapshot.Members.Values, m => Assert.Equal(SiloStatus.Active, m.Status));
        }

        var gateway = await cluster.JoinAsync("g", NodeRole.Gateway);
        await cluster.StepUntilAsync(() => a.CurrentSnapshot.Members.Count == 4, "a sees the gateway", a, b, c, gateway);
        Assert.Equal(SiloStatus.Active, a.CurrentSnapshot.GetStatus("g"));
        Assert.Equal(3, a.CurrentSnapshot.ActiveSilos.Count);
        Assert.Equal(0, a.CurrentSnapshot.Members["g"].Port);
    }

    [Fact]
    public async Task A_silo_that_stops_heartbeating_is_seen_dead_by_the_others()
    {
        await using var cluster = new AgentCluster();
        var a = await cluster.JoinAsync("a");
        var b = await cluster.JoinAsync("b");
        var c = await cluster.JoinAsync("c");
        await cluster.StepUntilAsync(() => a.CurrentSnapshot.ActiveSilos.Count == 3 && b.CurrentSnapshot.ActiveSilos.Count == 3, "all active", a, b, c);
        var seenByA = new List<ClusterMembershipSnapshot>();
        a.SnapshotChanged += s => { lock (seenByA) seenByA.Add(s); };

        // A crash: no Leave, the loops just stop.
        await c.DisposeAsync();
        await cluster.StepUntilAsync(() => a.CurrentSnapshot.IsDead("c") && b.CurrentSnapshot.IsDead("c"), "c dead in a's and b's views", a, b);

        Assert.True(cluster.Time.GetUtcNow() - (await cluster.Table.ReadAllAsync(default)).Single(r => r.NodeId == "c").IAmAliveAt > cluster.Options.DeathTimeout);
        Assert.Equal(["a", "b"], a.CurrentSnapshot.ActiveSilos.Select(s => s.NodeId));
        Assert.Equal(["a", "b"], b.CurrentSnapshot.ActiveSilos.Select(s => s.NodeId));
        await AgentCluster.WaitUntilAsync(() => { lock (seenByA) return seenByA.Count > 0 && seenByA[^1] == a.CurrentSnapshot; }, "the event catches up with the view");
        lock (seenByA)
        {
            Assert.Contains(seenByA, s => s.IsDead("c"));
            Assert.Equal(seenByA.Select(s => s.Version).Order(), seenByA.Select(s => s.Version));
        }
    }

    [Fact]
    public async Task A_graceful_shutdown_is_seen_as_shutting_down_then_dead()
    {
        await using var cluster = new AgentCluster();
        var a = await cluster.JoinAsync("a");
        var b = await cluster.JoinAsync("b");
        var c = await cluster.JoinAsync("c");
        await cluster.StepUntilAsync(() => a.CurrentSnapshot.ActiveSilos.Count == 3, "a sees all", a, b, c);
        var statusesOfC = new List<SiloStatus>();
        a.SnapshotChanged += s =>
        {
            lock (statusesOfC)
            {
                if (statusesOfC.Count == 0 || statusesOfC[^1] != s.GetStatus("c")) statusesOfC.Add(s.GetStatus("c"));
            }
        };

        await c.ShutDownAsync(CancellationToken.None);
        Assert.Equal(SiloStatus.ShuttingDown, c.CurrentSnapshot.GetStatus("c"));
        Assert.DoesNotContain(c.CurrentSnapshot.ActiveSilos, s => s.NodeId == "c");
        await cluster.StepUntilAsync(() => a.CurrentSnapshot.GetStatus("c") == SiloStatus.ShuttingDown, "a sees c shutting down", a, b, c);
        Assert.Equal(["a", "b"], a.CurrentSnapshot.ActiveSilos.Select(s => s.NodeId));

        await c.LeaveAsync(CancellationToken.None);
        Assert.True(c.CurrentSnapshot.IsDead("c"));
        await cluster.StepUntilAsync(() => a.CurrentSnapshot.IsDead("c") && b.CurrentSnapshot.IsDead("c"), "a and b see c dead", a, b);
        await AgentCluster.WaitUntilAsync(() => { lock (statusesOfC) return statusesOfC.Count >= 2; }, "the events catch up with the view");
        lock (statusesOfC) Assert.Equal([SiloStatus.ShuttingDown, SiloStatus.Dead], statusesOfC);
    }

    [Fact]
    public async Task A_node_declared_dead_while_alive_raises_DeclaredDead_once()
    {
        await using var cluster = new AgentCluster();
        var flaky = new FlakyMembershipTable(cluster.Table);
        var a = await cluster.JoinAsync("a", table: flaky);
        var b = await cluster.JoinAsync("b");
        var declaredDead = 0;
        a.DeclaredDead += () => Interlocked.Increment(ref declaredDead);

        // a cannot reach the database for longer than the death timeout (a partition, a long pause): b declares it dead.
        flaky.Broken = true;
        await cluster.StepUntilAsync(() => b.CurrentSnapshot.IsDead("a"), "b declares a dead", b);
        Assert.Equal(0, Volatile.Read(ref declaredDead));

        flaky.Broken = false;
        await cluster.StepUntilAsync(() => Volatile.Read(ref declaredDead) > 0, "a learns it was declared dead", b);
        await cluster.StepAsync(b);
        await cluster.StepAsync(b);
        Assert.Equal(1, Volatile.Read(ref declaredDead));
        await AgentCluster.WaitUntilAsync(() => a.CurrentSnapshot.IsDead("a"), "a's own view shows it dead");
        Assert.Equal(SiloStatus.Dead, (await cluster.Table.ReadAllAsync(default)).Single(r => r.NodeId == "a").Status);
    }

    [Fact]
    public async Task A_table_outage_keeps_the_last_view_and_the_view_recovers()
    {
        await using var cluster = new AgentCluster();
        var flaky = new FlakyMembershipTable(cluster.Table);
        var a = await cluster.JoinAsync("a", table: flaky);
        var b = await cluster.JoinAsync("b");
        await cluster.StepUntilAsync(() => a.CurrentSnapshot.ActiveSilos.Count == 2, "a sees b", a, b);
        var before = a.CurrentSnapshot;

        // Shorter than the death timeout: every loop iteration of a fails, but nobody is declared dead.
        flaky.Broken = true;
        var c = await cluster.JoinAsync("c");
        await cluster.StepAsync(b, c);
        await cluster.StepAsync(b, c);
        await AgentCluster.WaitUntilAsync(() => flaky.FailedCalls >= 2, "a's loops hit the outage");
        Assert.Same(before, a.CurrentSnapshot);

        // Stepping with a among the live nodes also proves a's heartbeat loop survived the failures.
        flaky.Broken = false;
        await cluster.StepUntilAsync(() => a.CurrentSnapshot.ActiveSilos.Count == 3, "a sees c after the outage", a, b, c);
        Assert.Equal(["a", "b", "c"], a.CurrentSnapshot.ActiveSilos.Select(s => s.NodeId));
        Assert.True(a.CurrentSnapshot.Version > before.Version);
    }

    [Fact]
    public async Task RefreshAsync_publishes_only_when_something_changed()
    {
        await using var cluster = new AgentCluster();
        var a = await cluster.JoinAsync("a");
        var published = 0;
        a.SnapshotChanged += _ => Interlocked.Increment(ref published);
        var version = a.CurrentSnapshot.Version;

        // Heartbeats move i_am_alive but not the row version, so they are not a change.
        await cluster.StepAsync(a);
        await a.RefreshAsync();
        Assert.Equal(version, a.CurrentSnapshot.Version);
        Assert.Equal(0, Volatile.Read(ref published));

        var other = cluster.CreateAgent("b");
        await other.JoinAsync(CancellationToken.None);
        await a.RefreshAsync();
        Assert.Equal(version + 1, a.CurrentSnapshot.Version);
        await AgentCluster.WaitUntilAsync(() => Volatile.Read(ref published) == 1, "one SnapshotChanged");
        await a.RefreshAsync();
        Assert.Equal(version + 1, a.CurrentSnapshot.Version);
    }

    [Fact]
    public async Task Joining_twice_fails()
    {
        await using var cluster = new AgentCluster();
        var a = await cluster.JoinAsync("a");
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.JoinAsync(CancellationToken.None));
    }
}
