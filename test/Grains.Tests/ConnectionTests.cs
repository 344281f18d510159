using Xunit;

namespace Im.Orleans.Grains.Tests;

public sealed class ConnectionTests
{
    [Fact]
    public async Task Connections_not_refreshed_expire_and_the_sweep_timer_stops()
    {
        await using var chat = ChatSilo.Create();
        var timersBefore = chat.Silo.Time.ActiveTimerCount;
        await chat.ConnectAsync("alice", "a1");
        Assert.Equal(timersBefore + 1, chat.Silo.Time.ActiveTimerCount);

        await chat.AdvanceAsync(TimeSpan.FromSeconds(85));
        Assert.Equal(PresenceStatus.Online, (await chat.User("alice").GetPresence()).Status);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(40));
        var presence = await chat.User("alice").GetPresence();
        Assert.Equal(PresenceStatus.Offline, presence.Status);
        Assert.Equal(timersBefore, chat.Silo.Time.ActiveTimerCount);
    }

    [Fact]
    public async Task Refreshes_keep_connections_and_relearn_ones_the_grain_forgot()
    {
        await using var chat = ChatSilo.Create(users: o => o.ConnectionExpiry = TimeSpan.FromSeconds(60));
        var gateway = await chat.ConnectAsync("alice", "a1");
        var alice = chat.User("alice");
        for (var i = 0; i < 4; i++)
        {
            await chat.AdvanceAsync(TimeSpan.FromSeconds(45));
            await alice.RefreshConnections(gateway.Reference, ["a1", "a2"]);
        }
        Assert.Equal(PresenceStatus.Online, (await alice.GetPresence()).Status);

        await alice.Focus("d:alice:bob", "a1");
        await chat.Silo.QuiesceAsync();
        var focus = gateway.WithTargets<FocusEvent>(nameof(IClientObserver.OnFocus)).Single();
        Assert.Equal(["a2"], focus.Connections);

        await chat.AdvanceAsync(TimeSpan.FromSeconds(95));
        Assert.Equal(PresenceStatus.Offline, (await alice.GetPresence()).Status);
    }

    [Fact]
    public async Task Profile_contacts_and_blocks_are_persisted()
    {
        await using var chat = ChatSilo.Create();
        var alice = chat.User("alice");
        Assert.Equal(new UserProfile("alice", "alice", null, "user"), await alice.GetProfile());
        await alice.SetProfile("Alice", "https://x/a.png", "agent");
        await alice.AddContact("bob");
        await alice.AddContact("bob");
        await alice.Block("mallory");
        Assert.Equal(["bob"], await alice.Contacts());
        Assert.False(await alice.Accepts("mallory"));
        Assert.True(await alice.Accepts("bob"));
        var stored = chat.Silo.State<Users.UserGrain, Users.UserState>("alice")!;
        Assert.Equal(("Alice", "agent", "mallory"), (stored.DisplayName, stored.Role, stored.Blocked.Single()));
        Assert.Equal(ErrorCodes.Invalid, (await Assert.ThrowsAsync<ChatException>(() => alice.SetProfile("", null, "user"))).Code);
    }
}
