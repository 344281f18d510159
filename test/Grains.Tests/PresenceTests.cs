using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Presence across devices, who is told of changes, and invisibility.</summary>
public sealed class PresenceTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task A_user_is_online_while_any_device_is_connected()
    {
        var chat = shared.Chat;
        var aliceId = Id("alice");
        var alice = chat.User(aliceId);
        Assert.Equal(PresenceStatus.Offline, (await alice.GetPresence()).Status);
        await chat.ConnectAsync(aliceId, "phone");
        await chat.ConnectAsync(aliceId, "laptop");
        Assert.Equal(PresenceStatus.Online, (await alice.GetPresence()).Status);

        await alice.Disconnect("phone");
        Assert.Equal(PresenceStatus.Online, (await alice.GetPresence()).Status);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(10));
        await alice.Disconnect("laptop");
        var gone = await alice.GetPresence();
        Assert.Equal(PresenceStatus.Offline, gone.Status);
        Assert.Equal(chat.Clock.GetUtcNow(), gone.LastSeenAt);
    }

    [Fact]
    public async Task Direct_peers_and_contacts_are_told_and_group_members_are_not()
    {
        var chat = shared.Chat;
        var (alice, bob, carl, gina) = (Id("alice"), Id("bob"), Id("carl"), Id("gina"));
        await chat.SignUpAsync(alice, bob, carl, gina);
        await chat.Direct(alice, bob).OpenDirect(alice, bob);
        await chat.Conversation("g:crowd").CreateGroup(alice, "Crowd", [gina]);
        await chat.User(alice).AddContact(carl);
        await chat.QuiesceAsync();
        var bobGateway = await chat.ConnectAsync(bob, "b1");
        var carlGateway = await chat.ConnectAsync(carl, "c1");
        var ginaGateway = await chat.ConnectAsync(gina, "g1");

        await chat.ConnectAsync(alice, "a1");
        await Eventually.Holds(() => Assert.True(
            bobGateway.Presence().Any(p => p.UserId == alice) && carlGateway.Presence().Any(p => p.UserId == alice)));
        await chat.QuiesceAsync();
        Assert.Equal(PresenceStatus.Online, bobGateway.Presence().Single(p => p.UserId == alice).Status);
        Assert.Equal(PresenceStatus.Online, carlGateway.Presence().Single(p => p.UserId == alice).Status);
        Assert.DoesNotContain(ginaGateway.Presence(), p => p.UserId == alice);

        await chat.User(alice).SetPresence(PresenceStatus.Away);
        await chat.User(alice).Disconnect("a1");
        await Eventually.Holds(() => Assert.Equal(3, bobGateway.Presence().Count(p => p.UserId == alice)));
        await chat.QuiesceAsync();
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Away, PresenceStatus.Offline], bobGateway.Presence().Where(p => p.UserId == alice).Select(p => p.Status));
    }

    [Fact]
    public async Task Invisible_looks_offline_to_others_but_not_to_the_users_own_devices()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        await chat.SignUpAsync(alice, bob);
        await chat.Direct(alice, bob).OpenDirect(alice, bob);
        var bobGateway = await chat.ConnectAsync(bob, "b1");
        var own = await chat.ConnectAsync(alice, "a1");
        await chat.User(alice).SetPresence(PresenceStatus.Invisible);
        await Eventually.Holds(() => Assert.True(
            bobGateway.Presence().Count(p => p.UserId == alice) >= 2 && own.Presence().Any(p => p.UserId == alice)));
        await chat.QuiesceAsync();

        Assert.Equal(PresenceStatus.Offline, (await chat.User(alice).GetPresence()).Status);
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Offline], bobGateway.Presence().Where(p => p.UserId == alice).Select(p => p.Status));
        Assert.Equal(PresenceStatus.Invisible, own.Presence().Single(p => p.UserId == alice).Status);

        await chat.User(alice).SetPresence(PresenceStatus.Busy);
        Assert.Equal(PresenceStatus.Busy, (await chat.User(alice).GetPresence()).Status);
        Assert.Equal(ErrorCodes.Invalid, (await Assert.ThrowsAsync<ChatException>(() => chat.User(alice).SetPresence("offline"))).Code);
    }
}
