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
        foreach (var id in new[] { "paused", "crashed" })
        {
            await table.InsertAsync(new MembershipEntry(id, NodeRole.Silo, "127.0.0.1", 11111, SiloStatus.Joining, _clock.GetUtcNow(), _clock.GetUtcNow(), 0), default);
            await table.TryUpdateStatusAsync(id, SiloStatus.Active, 1, default);
        }

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
}
