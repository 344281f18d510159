using Im.Orleans.Configuration;
using Im.Orleans.Membership;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Im.Orleans.Runtime.Tests.Membership;

public sealed class ClusterMembershipSnapshotTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Active_silos_exclude_gateways_and_other_statuses_and_sort_by_ordinal_node_id()
    {
        var snapshot = new ClusterMembershipSnapshot(7,
        [
            Entry("b", SiloStatus.Active),
            Entry("B", SiloStatus.Active),
            Entry("a", SiloStatus.Active, NodeRole.Gateway),
            Entry("c", SiloStatus.Joining),
            Entry("d", SiloStatus.ShuttingDown),
            Entry("e", SiloStatus.Dead),
        ]);

        Assert.Equal(7, snapshot.Version);
        Assert.Equal(["B", "b"], snapshot.ActiveSilos.Select(s => s.NodeId));
        Assert.Equal(6, snapshot.Members.Count);
        Assert.Equal(SiloStatus.ShuttingDown, snapshot.GetStatus("d"));
        Assert.Equal(SiloStatus.None, snapshot.GetStatus("unknown"));
        Assert.True(snapshot.IsDead("e"));
        Assert.False(snapshot.IsDead("unknown"));
        Assert.False(snapshot.IsDead("d"));
    }

    [Fact]
    public void The_empty_snapshot_has_version_0_and_no_members()
    {
        Assert.Equal(0, ClusterMembershipSnapshot.Empty.Version);
        Assert.Empty(ClusterMembershipSnapshot.Empty.Members);
        Assert.Empty(ClusterMembershipSnapshot.Empty.ActiveSilos);
    }

    [Fact]
    public void Snapshots_queued_by_a_handler_are_delivered_after_it_in_order()
    {
        var publisher = new SnapshotPublisher(NullLogger.Instance);
        var delivered = new List<long>();
        var depth = 0;
        var maxDepth = 0;
        publisher.SnapshotChanged += s =>
        {
            maxDepth = Math.Max(maxDepth, ++depth);
            delivered.Add(s.Version);
            if (s.Version < 3)
            {
                publisher.Enqueue(new ClusterMembershipSnapshot(s.Version + 1, []));
                publisher.Drain();
            }

            depth--;
        };
        publisher.SnapshotChanged += s => throw new InvalidOperationException("a faulty subscriber");

        publisher.Enqueue(new ClusterMembershipSnapshot(1, []));
        publisher.Drain();

        Assert.Equal([1L, 2L, 3L], delivered);
        Assert.Equal(1, maxDepth);
    }

    [Fact]
    public void Options_bind_from_their_configuration_sections()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:Membership:IAmAlivePeriod"] = "00:00:02",
            ["Orleans:Membership:DeathTimeout"] = "00:00:20",
            ["Cluster:ConnectionString"] = "Host=db;Database=im",
            ["Cluster:ClusterId"] = "prod",
            ["Cluster:Port"] = "0",
        }).Build();
        var membership = configuration.GetSection(ClusterMembershipOptions.SectionName).Get<ClusterMembershipOptions>()!;
        var cluster = configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>()!;

        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20), TimeSpan.FromHours(1)),
            (membership.IAmAlivePeriod, membership.RefreshPeriod, membership.DeathTimeout, membership.DeadRowRetention));
        membership.Validate();
        Assert.Equal(("prod", 0, "127.0.0.1", "0.0.0.0", true), (cluster.ClusterId, cluster.Port, cluster.AdvertisedHost, cluster.ListenHost, cluster.IsClusterMode));
        cluster.Validate();
        Assert.False(new ClusterOptions().IsClusterMode);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterMembershipOptions { DeathTimeout = TimeSpan.FromMilliseconds(500) }.Validate());
    }

    private static MembershipEntry Entry(string id, SiloStatus status, NodeRole role = NodeRole.Silo) =>
        new(id, role, "127.0.0.1", 11111, status, At, At, 1);
}
