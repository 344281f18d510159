using System.Text.Json;
using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>OpenDirect, CreateGroup, AddMembers, RemoveMember, Leave, ListConversations and the "conversation" event.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ConversationTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task OpenDirect_returns_the_same_conversation_to_both_sides()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;

        var fromAlice = await aliceHub.InvokeAsync("OpenDirect", bob.UserId);
        var fromBob = await bobHub.InvokeAsync("OpenDirect", alice.UserId);

        Assert.Equal(fromAlice.Str("conversationId"), fromBob.Str("conversationId"));
        Assert.Equal("direct", fromAlice.Str("kind"));
        Assert.Equal(new[] { alice.UserId, bob.UserId }.Order(), fromAlice.Items("members").Select(m => m.Str("userId")).Order());
        Assert.Equal(0, fromAlice.Long("lastSeq"));
    }

    [Fact]
    public async Task Conversation_views_carry_the_members_display_names()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice Liddell");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob Builder");
        await using var _ = aliceHub;
        await using var __ = bobHub;

        var direct = await aliceHub.InvokeAsync("OpenDirect", bob.UserId);
        Assert.Equal("Bob Builder", direct.Items("members").Single(m => m.Str("userId") == bob.UserId).Str("displayName"));
        var group = await aliceHub.InvokeAsync("CreateGroup", new { title = "Names", memberIds = new[] { bob.UserId } });
        Assert.Equal("Alice Liddell", group.Items("members").Single(m => m.Str("userId") == alice.UserId).Str("displayName"));
    }

    [Fact]
    public async Task OpenDirect_with_oneself_or_a_bad_id_is_invalid()
    {
        var (me, hub) = await Server.ConnectGuestAsync();
        await using var _ = hub;
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("OpenDirect", me.UserId));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("OpenDirect", "a:b"));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("OpenDirect", 42));
    }

    [Fact]
    public async Task OpenDirect_with_an_id_no_one_signed_up_with_is_not_found()
    {
        var (_, hub) = await Server.ConnectGuestAsync();
        await using var __ = hub;
        var typo = "ghost-" + Guid.NewGuid().ToString("N")[..8];
        var e = await HubAssert.FailsWith("not_found", () => hub.InvokeAsync("OpenDirect", typo));
        Assert.Equal($"not_found: No such user: {typo}.", e.Message);
        Assert.DoesNotContain((await hub.InvokeAsync("ListConversations")).Items(), c => c.Str("conversationId").Contains(typo, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateGroup_makes_the_caller_owner_and_tells_members_with_a_conversation_event()
    {
        var (owner, ownerHub) = await Server.ConnectGuestAsync("Owner");
        var (member, memberHub) = await Server.ConnectGuestAsync("Member");
        await using var _ = ownerHub;
        await using var __ = memberHub;

        var group = await ownerHub.InvokeAsync("CreateGroup", new { title = "Team", memberIds = new[] { member.UserId } });

        Assert.Equal("group", group.Str("kind"));
        Assert.Equal("Team", group.Str("title"));
        Assert.StartsWith("g:", group.Str("conversationId"));
        Assert.Equal("owner", group.Items("members").Single(m => m.Str("userId") == owner.UserId).Str("role"));
        var pushed = await memberHub.WaitForEventAsync("conversation", e => e.Str("conversationId") == group.Str("conversationId"));
        Assert.Equal("Team", pushed.Str("title"));
    }

    [Fact]
    public async Task CreateGroup_validates_title_and_members()
    {
        var (_, hub) = await Server.ConnectGuestAsync();
        await using var __ = hub;
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("CreateGroup", new { title = "", memberIds = Array.Empty<string>() }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("CreateGroup", new { title = new string('t', 101) }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("CreateGroup", new { title = "x", memberIds = new[] { "bad id" } }));
        await HubAssert.FailsWith("invalid", () => hub.InvokeAsync("CreateGroup", "not an object"));
    }

    [Fact]
    public async Task CreateGroup_with_an_unknown_member_is_not_found_and_creates_nothing()
    {
        var (_, hub) = await Server.ConnectGuestAsync();
        var (member, memberHub) = await Server.ConnectGuestAsync("Member");
        await using var __ = hub;
        await using var ___ = memberHub;
        var e = await HubAssert.FailsWith("not_found", () => hub.InvokeAsync("CreateGroup", new { title = "Typo", memberIds = new[] { member.UserId, "zz-ghost", "aa-ghost" } }));
        Assert.Equal("not_found: No such users: aa-ghost, zz-ghost.", e.Message);
        Assert.Empty((await hub.InvokeAsync("ListConversations")).Items());
        Assert.Empty((await memberHub.InvokeAsync("ListConversations")).Items());
    }

    [Fact]
    public async Task AddMembers_and_RemoveMember_change_the_member_list()
    {
        var (owner, ownerHub) = await Server.ConnectGuestAsync("Owner");
        var (joiner, joinerHub) = await Server.ConnectGuestAsync("Joiner");
        await using var _ = ownerHub;
        await using var __ = joinerHub;
        var group = await ownerHub.InvokeAsync("CreateGroup", new { title = "Room", memberIds = Array.Empty<string>() });
        var id = group.Str("conversationId");

        var added = await ownerHub.InvokeAsync("AddMembers", id, new[] { joiner.UserId });
        Assert.Contains(added.Items("members"), m => m.Str("userId") == joiner.UserId);
        await joinerHub.WaitForEventAsync("conversation", e => e.Str("conversationId") == id);
        Assert.Contains((await joinerHub.InvokeAsync("ListConversations")).Items(), c => c.Str("conversationId") == id);

        var removed = await ownerHub.InvokeAsync("RemoveMember", id, joiner.UserId);
        Assert.DoesNotContain(removed.Items("members"), m => m.Str("userId") == joiner.UserId);
        await HubAssert.FailsWith("forbidden", () => joinerHub.InvokeAsync("History", id, 100, 10));
    }

    [Fact]
    public async Task Only_members_may_add_and_only_admins_may_remove()
    {
        var (owner, ownerHub) = await Server.ConnectGuestAsync("Owner");
        var (member, memberHub) = await Server.ConnectGuestAsync("Member");
        var (outsider, outsiderHub) = await Server.ConnectGuestAsync("Outsider");
        await using var _ = ownerHub;
        await using var __ = memberHub;
        await using var ___ = outsiderHub;
        var id = (await ownerHub.InvokeAsync("CreateGroup", new { title = "Room", memberIds = new[] { member.UserId } })).Str("conversationId");

        await HubAssert.FailsWith("forbidden", () => outsiderHub.InvokeAsync("AddMembers", id, new[] { outsider.UserId }));
        await HubAssert.FailsWith("forbidden", () => memberHub.InvokeAsync("RemoveMember", id, owner.UserId));
        await HubAssert.FailsWith("not_found", () => ownerHub.InvokeAsync("AddMembers", "g:doesnotexist", new[] { member.UserId }));
        await HubAssert.FailsWith("invalid", () => ownerHub.InvokeAsync("AddMembers", id, Array.Empty<string>()));
    }

    [Fact]
    public async Task AddMembers_with_an_unknown_id_is_not_found_and_adds_no_one()
    {
        var (owner, ownerHub) = await Server.ConnectGuestAsync("Owner");
        var (joiner, joinerHub) = await Server.ConnectGuestAsync("Joiner");
        await using var _ = ownerHub;
        await using var __ = joinerHub;
        var id = (await ownerHub.InvokeAsync("CreateGroup", new { title = "Room", memberIds = Array.Empty<string>() })).Str("conversationId");

        var e = await HubAssert.FailsWith("not_found", () => ownerHub.InvokeAsync("AddMembers", id, new[] { joiner.UserId, "no-such-user" }));
        Assert.Equal("not_found: No such user: no-such-user.", e.Message);
        await HubAssert.FailsWith("forbidden", () => joinerHub.InvokeAsync("History", id, 100, 10));
        var added = await ownerHub.InvokeAsync("AddMembers", id, new[] { joiner.UserId });
        Assert.Equal(new[] { owner.UserId, joiner.UserId }.Order(), added.Items("members").Select(m => m.Str("userId")).Order());
    }

    [Fact]
    public async Task Leave_removes_the_caller_and_the_conversation_from_their_list()
    {
        var (_, ownerHub) = await Server.ConnectGuestAsync("Owner");
        var (member, memberHub) = await Server.ConnectGuestAsync("Member");
        await using var __ = ownerHub;
        await using var ___ = memberHub;
        var id = (await ownerHub.InvokeAsync("CreateGroup", new { title = "Room", memberIds = new[] { member.UserId } })).Str("conversationId");
        await memberHub.WaitForEventAsync("conversation", e => e.Str("conversationId") == id);

        var after = await memberHub.InvokeAsync("Leave", id);
        Assert.DoesNotContain(after.Items("members"), m => m.Str("userId") == member.UserId);
        await WaitUntil(async () => !(await memberHub.InvokeAsync("ListConversations")).Items().Any(c => c.Str("conversationId") == id));
        await HubAssert.FailsWith("forbidden", () => memberHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "m1", kind = "text", text = "hi" }));
    }

    [Fact]
    public async Task ListConversations_shows_title_kind_members_lastSeq_lastMessage_unread_readSeq()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "c1", kind = "text", text = "one" });
        await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "c2", kind = "text", text = "two" });
        await bobHub.WaitForEventsAsync("message", 2);

        JsonElement view = default;
        await WaitUntil(async () =>
        {
            view = (await bobHub.InvokeAsync("ListConversations")).Items().Single(c => c.Str("conversationId") == id);
            return view.Long("unread") == 2;
        });
        Assert.Equal("direct", view.Str("kind"));
        Assert.Equal(2, view.Long("lastSeq"));
        Assert.Equal("two", view.GetProperty("lastMessage").Str("text"));
        Assert.Equal(0, view.Long("readSeq"));
        Assert.Equal(2, view.Items("members").Length);
        Assert.False(string.IsNullOrEmpty(view.Str("title")));
        Assert.StartsWith("guest-", alice.UserId);
    }

    internal static async Task WaitUntil(Func<Task<bool>> condition, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(50);
        }
    }
}
