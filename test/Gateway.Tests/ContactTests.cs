using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>Block, Unblock, AddContact, RemoveContact and ListContacts.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ContactTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task A_blocked_sender_is_refused_with_forbidden_until_unblocked()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var conversationId = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");

        await bobHub.InvokeAsync("Block", alice.UserId);
        await HubAssert.FailsWith("forbidden", () => aliceHub.InvokeAsync("Send", new { conversationId, clientMsgId = "b-1", kind = "text", text = "hi?" }));
        Assert.Empty((await bobHub.InvokeAsync("History", conversationId, long.MaxValue, 50)).EnumerateArray());

        await bobHub.InvokeAsync("Unblock", alice.UserId);
        var sent = await aliceHub.InvokeAsync("Send", new { conversationId, clientMsgId = "b-2", kind = "text", text = "hi again" });
        Assert.Equal(1, sent.Long("seq"));
    }

    [Fact]
    public async Task Contacts_are_added_listed_and_removed_and_oneself_is_invalid()
    {
        var (me, hub) = await Server.ConnectGuestAsync("Me");
        var (friend, friendHub) = await Server.ConnectGuestAsync("Friend");
        await using var _ = hub;
        await using var __ = friendHub;

        await hub.InvokeAsync("AddContact", friend.UserId);
        Assert.Equal([friend.UserId], (await hub.InvokeAsync("ListContacts")).EnumerateArray().Select(e => e.GetString()));
        await hub.InvokeAsync("RemoveContact", friend.UserId);
        Assert.Empty((await hub.InvokeAsync("ListContacts")).EnumerateArray());
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("Block", me.UserId));
    }
}
