using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Live connections: expiry when a gateway stops refreshing, refreshes, and what a user persists.</summary>
public sealed class ConnectionTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task Connections_not_refreshed_expire_and_the_sweep_timer_stops()
    {
        var chat = shared.Chat;
        var alice = Id("alice");
        var timersBefore = chat.Clock.ActiveTimerCount(UserGrainId(alice));
        await chat.ConnectAsync(alice, "a1");
        Assert.Equal(timersBefore + 1, chat.Clock.ActiveTimerCount(UserGrainId(alice)));

        await chat.AdvanceAsync(TimeSpan.FromSeconds(85));
        Assert.Equal(PresenceStatus.Online, (await chat.User(alice).GetPresence()).Status);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(40));
        var presence = await chat.User(alice).GetPresence();
        Assert.Equal(PresenceStatus.Offline, presence.Status);
        Assert.Equal(timersBefore, chat.Clock.ActiveTimerCount(UserGrainId(alice)));
    }

    [Fact]
    public async Task Refreshes_keep_connections_and_relearn_ones_the_grain_forgot()
    {
        await using var chat = await ChatSilo.StartAsync(users: o => o.ConnectionExpiry = TimeSpan.FromSeconds(60));
        var gateway = await chat.ConnectAsync("alice", "a1");
        var alice = chat.User("alice");
        for (var i = 0; i < 4; i++)
        {
            await chat.AdvanceAsync(TimeSpan.FromSeconds(45));
            await alice.RefreshConnections(gateway.GatewayId, gateway.Reference, ["a1", "a2"]);
        }
        Assert.Equal(PresenceStatus.Online, (await alice.GetPresence()).Status);

        await alice.Focus("d:alice:bob", "a1");
        await Eventually.Holds(() => Assert.NotEmpty(gateway.CallsTo(ClientEventNames.Focus)));
        await chat.QuiesceAsync();
        var focus = gateway.WithTargets<FocusEvent>(ClientEventNames.Focus).Single();
        Assert.Equal(["a2"], focus.Connections);

        await chat.AdvanceAsync(TimeSpan.FromSeconds(95));
        Assert.Equal(PresenceStatus.Offline, (await alice.GetPresence()).Status);
    }

    [Fact]
    public async Task Profile_contacts_and_blocks_are_persisted()
    {
        var chat = shared.Chat;
        var (aliceId, bob, mallory) = (Id("alice"), Id("bob"), Id("mallory"));
        var alice = chat.User(aliceId);
        Assert.Equal(new UserProfile(aliceId, aliceId, null, "user"), await alice.GetProfile());
        await alice.SetProfile("Alice", "https://x/a.png", "agent");
        await chat.SignUpAsync(bob);
        await alice.AddContact(bob);
        await alice.AddContact(bob);
        await alice.Block(mallory);
        Assert.Equal([bob], await alice.Contacts());
        Assert.False(await alice.Accepts(mallory));
        Assert.True(await alice.Accepts(bob));
        var stored = (await chat.UserStateAsync(aliceId))!;
        Assert.Equal(("Alice", "agent", mallory), (stored.DisplayName, stored.Role, stored.Blocked.Single()));
        Assert.Equal(ErrorCodes.Invalid, (await Assert.ThrowsAsync<ChatException>(() => alice.SetProfile("", null, "user"))).Code);
    }
}
