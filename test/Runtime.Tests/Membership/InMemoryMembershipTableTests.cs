using Im.Orleans.Membership;
using Im.Orleans.TestKit;
using Xunit;

namespace Im.Orleans.Runtime.Tests.Membership;

public sealed class InMemoryMembershipTableTests
{
    private static readonly TimeSpan SuspectAfter = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ConfirmAfter = TimeSpan.FromSeconds(2);
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task A_silent_row_is_suspected_first_and_declared_dead_only_if_it_stays_silent()
    {
        var table = new InMemoryMembershipTable(_clock);
        foreach (var id in new[] { "paused", "crashed" }) await AddActiveAsync(table, id);

        // Everyone was paused (or the table unreachable) for a minute: every heartbeat is old, nobody dies yet.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await table.DeclareSilentDeadAsync(SuspectAfter, ConfirmAfter, default));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await table.HeartbeatAsync("paused", default));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await table.DeclareSilentDeadAsync(SuspectAfter, ConfirmAfter, default));

        var rows = (await table.ReadAllAsync(default)).ToDictionary(r => r.NodeId);
        Assert.Equal(SiloStatus.Active, rows["paused"].Status);
        Assert.Equal(SiloStatus.Dead, rows["crashed"].Status);
    }

    [Fact]
    public async Task Votes_declare_a_silent_node_dead_only_when_enough_live_nodes_cast_them_after_its_last_heartbeat()
    {
        var table = new InMemoryMembershipTable(_clock);
        foreach (var id in new[] { "target", "a", "b", "c", "stale-voter" }) await AddActiveAsync(table, id);
        var rules = new DeathVoteRules(VotesNeeded: 2, VoterFreshness: TimeSpan.FromSeconds(3), MinSilence: TimeSpan.FromSeconds(2));

        // The voters keep heartbeating; the target stopped a moment ago; the stale voter long ago.
        _clock.Advance(TimeSpan.FromSeconds(10));
        foreach (var id in new[] { "target", "a", "b", "c" }) await table.HeartbeatAsync(id, default);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await table.VoteDeadAsync("target", "a", rules, default), "it is not yet silent for two seconds");
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.False(await table.VoteDeadAsync("target", "stale-voter", rules, default), "one live vote is not enough; a stale node's does not count");

        // A heartbeat voids the votes before it.
        foreach (var id in new[] { "target", "a", "b", "c" }) await table.HeartbeatAsync(id, default);
        _clock.Advance(TimeSpan.FromSeconds(2.5));
        Assert.False(await table.VoteDeadAsync("target", "b", rules, default), "a's vote came before the heartbeat");
        Assert.Equal(SiloStatus.Active, (await ReadAsync(table))["target"].Status);

        Assert.True(await table.VoteDeadAsync("target", "c", rules, default));
        Assert.False(await table.VoteDeadAsync("target", "b", rules, default), "already dead");
        var target = (await ReadAsync(table))["target"];
        Assert.Equal((SiloStatus.Dead, 3), (target.Status, target.Version));
    }

    [Fact]
    public async Task With_one_live_node_left_its_vote_is_enough_and_with_votes_off_none_is()
    {
        var table = new InMemoryMembershipTable(_clock);
        foreach (var id in new[] { "target", "last" }) await AddActiveAsync(table, id);
        _clock.Advance(TimeSpan.FromSeconds(5));
        await table.HeartbeatAsync("last", default);

        Assert.False(await table.VoteDeadAsync("target", "last", new DeathVoteRules(0, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)), default));
        Assert.True(await table.VoteDeadAsync("target", "last", new DeathVoteRules(2, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)), default));
    }

    private async Task AddActiveAsync(InMemoryMembershipTable table, string id)
    {
        await table.InsertAsync(new MembershipEntry(id, NodeRole.Silo, "127.0.0.1", 11111, SiloStatus.Joining, _clock.GetUtcNow(), _clock.GetUtcNow(), 0), default);
        await table.TryUpdateStatusAsync(id, SiloStatus.Active, 1, default);
    }

    private static async Task<Dictionary<string, MembershipEntry>> ReadAsync(InMemoryMembershipTable table) =>
        (await table.ReadAllAsync(default)).ToDictionary(r => r.NodeId);
}
