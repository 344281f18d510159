using Xunit;

namespace Im.Orleans.Grains.Tests;

public sealed class PresenceTests
{
    [Fact]
    public async Task A_user_is_online_while_any_device_is_connected()
    {
        await using var chat = ChatSilo.Create();
        var alice = chat.User("alice");
        Assert.Equal(PresenceStatus.Offline, (await alice.GetPresence()).Status);
        await chat.ConnectAsync("alice", "phone");
        await chat.ConnectAsync("alice", "laptop");
        Assert.Equal(PresenceStatus.Online, (await alice.GetPresence()).Status);

        await alice.Disconnect("phone");
        Assert.Equal(PresenceStatus.Online, (await alice.GetPresence()).Status);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(10));
        await alice.Disconnect("laptop");
        var gone = await alice.GetPresence();
        Assert.Equal(PresenceStatus.Offline, gone.Status);
        Assert.Equal(chat.Silo.Time.GetUtcNow(), gone.LastSeenAt);
    }

    [Fact]
    public async Task Direct_peers_and_contacts_are_told_and_group_members_are_not()
    {
        await using var chat = ChatSilo.Create();
        await chat.SignUpAsync("alice", "bob", "gina");
        await chat.Direct("alice", "bob").OpenDirect("alice", "bob");
        await chat.Conversation("g:crowd").CreateGroup("alice", "Crowd", ["gina"]);
        await chat.User("alice").AddContact("carl");
        await chat.Silo.QuiesceAsync();
        var bob = await chat.ConnectAsync("bob", "b1");
        var carl = await chat.ConnectAsync("carl", "c1");
        var gina = await chat.ConnectAsync("gina", "g1");

        await chat.ConnectAsync("alice", "a1");
        await chat.Silo.QuiesceAsync();
        Assert.Equal(PresenceStatus.Online, bob.Presence().Single(p => p.UserId == "alice").Status);
        Assert.Equal(PresenceStatus.Online, carl.Presence().Single(p => p.UserId == "alice").Status);
        Assert.DoesNotContain(gina.Presence(), p => p.UserId == "alice");

        await chat.User("alice").SetPresence(PresenceStatus.Away);
        await chat.User("alice").Disconnect("a1");
        await chat.Silo.QuiesceAsync();
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Away, PresenceStatus.Offline], bob.Presence().Where(p => p.UserId == "alice").Select(p => p.Status));
    }

    [Fact]
    public async Task Invisible_looks_offline_to_others_but_not_to_the_users_own_devices()
    {
        await using var chat = ChatSilo.Create();
        await chat.SignUpAsync("alice", "bob");
        await chat.Direct("alice", "bob").OpenDirect("alice", "bob");
        var bob = await chat.ConnectAsync("bob", "b1");
        var own = await chat.ConnectAsync("alice", "a1");
        await chat.User("alice").SetPresence(PresenceStatus.Invisible);
        await chat.Silo.QuiesceAsync();

        Assert.Equal(PresenceStatus.Offline, (await chat.User("alice").GetPresence()).Status);
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Offline], bob.Presence().Where(p => p.UserId == "alice").Select(p => p.Status));
        Assert.Equal(PresenceStatus.Invisible, own.Presence().Single(p => p.UserId == "alice").Status);

        await chat.User("alice").SetPresence(PresenceStatus.Busy);
        Assert.Equal(PresenceStatus.Busy, (await chat.User("alice").GetPresence()).Status);
        Assert.Equal(ErrorCodes.Invalid, (await Assert.ThrowsAsync<ChatException>(() => chat.User("alice").SetPresence("offline"))).Code);
    }
}
