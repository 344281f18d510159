using Im.Orleans.Membership;
using Im.Orleans.Testing;
using Npgsql;
using Xunit;

namespace Im.Orleans.Runtime.Tests.Membership;

[Collection(PostgresCollection.Name)]
public sealed class PostgresMembershipTableTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset Started = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Inserted_rows_read_back_as_joining_version_1()
    {
        await using var db = await OpenAsync("mem_insert");
        var table = db.Table("c1");
        await table.InsertAsync(Entry("n2", NodeRole.Gateway, port: 0), default);
        await table.InsertAsync(Entry("n1"), default);

        var rows = await table.ReadAllAsync(default);

        Assert.Equal(["n1", "n2"], rows.Select(r => r.NodeId));
        var silo = rows[0];
        Assert.Equal((NodeRole.Silo, "10.0.0.1", 11111, SiloStatus.Joining, 1, Started), (silo.Role, silo.Host, silo.Port, silo.Status, silo.Version, silo.StartedAt));
        Assert.Equal((NodeRole.Gateway, 0), (rows[1].Role, rows[1].Port));
        Assert.True(rows[0].IAmAliveAt > Started, "the heartbeat is the database's now(), not the node's start time");
        await Assert.ThrowsAsync<PostgresException>(() => table.InsertAsync(Entry("n1"), default));
    }

    [Fact]
    public async Task A_status_update_on_a_stale_version_fails()
    {
        await using var db = await OpenAsync("mem_version");
        var table = db.Table("c1");
        await table.InsertAsync(Entry("n1"), default);

        Assert.True(await table.TryUpdateStatusAsync("n1", SiloStatus.Active, 1, default));
        Assert.False(await table.TryUpdateStatusAsync("n1", SiloStatus.ShuttingDown, 1, default));
        Assert.False(await table.TryUpdateStatusAsync("missing", SiloStatus.Active, 1, default));
        var row = Assert.Single(await table.ReadAllAsync(default));
        Assert.Equal((SiloStatus.Active, 2), (row.Status, row.Version));

        Assert.True(await table.TryUpdateStatusAsync("n1", SiloStatus.Dead, 2, default));
        Assert.False(await table.TryUpdateStatusAsync("n1", SiloStatus.Active, 3, default));
        row = Assert.Single(await table.ReadAllAsync(default));
        Assert.Equal((SiloStatus.Dead, 3), (row.Status, row.Version));
    }

    [Fact]
    public async Task A_heartbeat_of_a_dead_or_missing_row_returns_false()
    {
        await using var db = await OpenAsync("mem_heartbeat");
        var table = db.Table("c1");
        await table.InsertAsync(Entry("n1"), default);
        await db.ExecuteAsync("UPDATE im_membership SET i_am_alive = now() - interval '1 minute'");

        Assert.True(await table.HeartbeatAsync("n1", default));
        var row = Assert.Single(await table.ReadAllAsync(default));
        Assert.True(DateTimeOffset.UtcNow - row.IAmAliveAt < TimeSpan.FromSeconds(30), "the heartbeat moved i_am_alive to now");
        Assert.Equal(1, row.Version);

        Assert.True(await table.TryUpdateStatusAsync("n1", SiloStatus.Dead, 1, default));
        Assert.False(await table.HeartbeatAsync("n1", default));
        Assert.False(await table.HeartbeatAsync("missing", default));
    }

    [Fact]
    public async Task Only_silent_rows_are_declared_dead_and_old_dead_rows_deleted()
    {
        await using var db = await OpenAsync("mem_silent");
        var table = db.Table("c1");
        foreach (var id in new[] { "alive", "silent", "silent-joining", "already-dead" }) await table.InsertAsync(Entry(id), default);
        await table.TryUpdateStatusAsync("alive", SiloStatus.Active, 1, default);
        await table.TryUpdateStatusAsync("silent", SiloStatus.Active, 1, default);
        await table.TryUpdateStatusAsync("already-dead", SiloStatus.Dead, 1, default);
        await db.ExecuteAsync("UPDATE im_membership SET i_am_alive = now() - interval '10 minutes' WHERE node_id <> 'alive'");

        Assert.Equal(0, await table.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.Zero, default)); // suspected
        Assert.Equal(2, await table.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.Zero, default));
        Assert.Equal(0, await table.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.Zero, default));

        var rows = (await table.ReadAllAsync(default)).ToDictionary(r => r.NodeId);
        Assert.Equal((SiloStatus.Active, 2), (rows["alive"].Status, rows["alive"].Version));
        Assert.Equal((SiloStatus.Dead, 3), (rows["silent"].Status, rows["silent"].Version));
        Assert.Equal((SiloStatus.Dead, 2), (rows["silent-joining"].Status, rows["silent-joining"].Version));
        Assert.Equal((SiloStatus.Dead, 2), (rows["already-dead"].Status, rows["already-dead"].Version));

        Assert.Equal(0, await table.DeleteDeadOlderThanAsync(TimeSpan.FromHours(1), default));
        Assert.Equal(3, await table.DeleteDeadOlderThanAsync(TimeSpan.FromMinutes(5), default));
        Assert.Equal(["alive"], (await table.ReadAllAsync(default)).Select(r => r.NodeId));
    }

    [Fact]
    public async Task After_a_pause_silent_rows_are_only_suspected_and_a_heartbeat_clears_that()
    {
        await using var db = await OpenAsync("mem_suspect");
        var table = db.Table("c1");
        await AddActiveAsync(table, "paused", "crashed");
        // Every heartbeat is old, as when the database or every node was paused for ten minutes.
        await db.ExecuteAsync("UPDATE im_membership SET i_am_alive = now() - interval '10 minutes'");

        Assert.Equal(0, await table.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), default));
        Assert.Equal(0, await table.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), default));
        Assert.True(await table.HeartbeatAsync("paused", default));
        await db.ExecuteAsync("UPDATE im_membership SET suspected_since = suspected_since - interval '2 hours'");

        Assert.Equal(1, await table.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), default));
        var rows = (await table.ReadAllAsync(default)).ToDictionary(r => r.NodeId);
        Assert.Equal((SiloStatus.Active, 2), (rows["paused"].Status, rows["paused"].Version));
        Assert.Equal((SiloStatus.Dead, 3), (rows["crashed"].Status, rows["crashed"].Version));
    }

    [Fact]
    public async Task Two_clusters_in_one_table_do_not_see_each_other()
    {
        await using var db = await OpenAsync("mem_clusters");
        var one = db.Table("one");
        var two = db.Table("two");
        await one.InsertAsync(Entry("n1"), default);
        await two.InsertAsync(Entry("n1"), default);
        await two.InsertAsync(Entry("n2"), default);
        await db.ExecuteAsync("UPDATE im_membership SET i_am_alive = now() - interval '10 minutes' WHERE cluster_id = 'two'");

        Assert.True(await one.TryUpdateStatusAsync("n1", SiloStatus.Active, 1, default));
        Assert.Equal(0, await one.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.Zero, default));
        Assert.Equal(0, await one.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.Zero, default));
        Assert.False(await one.HeartbeatAsync("n2", default));
        Assert.Equal(["n1"], (await one.ReadAllAsync(default)).Select(r => r.NodeId));

        Assert.Equal(0, await two.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.Zero, default));
        Assert.Equal(2, await two.DeclareSilentDeadAsync(TimeSpan.FromMinutes(1), TimeSpan.Zero, default));
        Assert.Equal(SiloStatus.Active, Assert.Single(await one.ReadAllAsync(default)).Status);
        Assert.Equal(2, await two.DeleteDeadOlderThanAsync(TimeSpan.FromMinutes(5), default));
        Assert.Single(await one.ReadAllAsync(default));
        Assert.Empty(await two.ReadAllAsync(default));
    }

    [Fact]
    public async Task Concurrent_initialization_from_four_nodes_succeeds()
    {
        var connectionString = await postgres.CreateDatabaseAsync("mem_init_race");
        // Separate data sources, as separate processes would have.
        var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToArray();
        try
        {
            using var start = new Barrier(4);
            await Task.WhenAll(sources.Select(source => Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                await new PostgresMembershipTable(source, "c1").InitializeAsync(default);
            })));

            var table = new PostgresMembershipTable(sources[0], "c1");
            await table.InitializeAsync(default);
            await table.InsertAsync(Entry("n1"), default);
            Assert.Single(await table.ReadAllAsync(default));
        }
        finally
        {
            foreach (var source in sources) await source.DisposeAsync();
        }
    }

    [Fact]
    public async Task Votes_cast_after_the_last_heartbeat_by_enough_live_nodes_declare_a_silent_node_dead()
    {
        await using var db = await OpenAsync("mem_votes");
        var table = db.Table("c1");
        await AddActiveAsync(table, "target", "a", "b", "c", "stale");
        await db.ExecuteAsync("UPDATE im_membership SET i_am_alive = now() - interval '10 minutes' WHERE node_id IN ('target', 'stale')");
        var rules = new DeathVoteRules(VotesNeeded: 2, VoterFreshness: TimeSpan.FromMinutes(1), MinSilence: TimeSpan.Zero);

        Assert.False(await table.VoteDeadAsync("target", "a", rules, default), "one vote of three live nodes");
        Assert.False(await table.VoteDeadAsync("target", "stale", rules, default), "a node silent itself has no vote");
        Assert.False(await table.VoteDeadAsync("target", "b", rules with { MinSilence = TimeSpan.FromMinutes(11) }, default), "not silent long enough");
        Assert.False(await table.VoteDeadAsync("target", "c", rules with { VotesNeeded = 0 }, default), "votes are off");

        // A heartbeat voids every vote before it: b's new vote is the only one that counts.
        Assert.True(await table.HeartbeatAsync("target", default));
        Assert.False(await table.VoteDeadAsync("target", "b", rules, default));
        Assert.Equal(SiloStatus.Active, (await table.ReadAllAsync(default)).Single(r => r.NodeId == "target").Status);

        Assert.True(await table.VoteDeadAsync("target", "c", rules, default));
        Assert.False(await table.VoteDeadAsync("target", "a", rules, default), "already dead");
        var target = (await table.ReadAllAsync(default)).Single(r => r.NodeId == "target");
        Assert.Equal((SiloStatus.Dead, 3), (target.Status, target.Version));
        Assert.False(await db.Table("c2").VoteDeadAsync("a", "b", rules, default), "another cluster's rows are not touched");
    }

    private static async Task AddActiveAsync(PostgresMembershipTable table, params string[] ids)
    {
        foreach (var id in ids)
        {
            await table.InsertAsync(Entry(id), default);
            await table.TryUpdateStatusAsync(id, SiloStatus.Active, 1, default);
        }
    }

    private static MembershipEntry Entry(string nodeId, NodeRole role = NodeRole.Silo, int port = 11111) =>
        new(nodeId, role, "10.0.0.1", port, SiloStatus.Active, Started, Started, 99);

    private async Task<Database> OpenAsync(string name)
    {
        var source = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync(name));
        await new PostgresMembershipTable(source, "setup").InitializeAsync(default);
        return new Database(source);
    }

    /// <summary>One fresh database per test, with a way to bend rows (e.g. age a heartbeat) without sleeping.</summary>
    private sealed class Database(NpgsqlDataSource source) : IAsyncDisposable
    {
        public PostgresMembershipTable Table(string clusterId) => new(source, clusterId);

        public async Task ExecuteAsync(string sql)
        {
            await using var command = source.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }

        public ValueTask DisposeAsync() => source.DisposeAsync();
    }
}
