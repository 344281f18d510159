using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>RenameGroup, SetRole, SetMuted with their system messages, and GetReads, through the hub.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GroupAdminTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    private async Task<(HubClient Owner, HubClient Member, string MemberId, string GroupId)> GroupAsync()
    {
        var (_, ownerHub) = await Server.ConnectGuestAsync("Olga");
        var (member, memberHub) = await Server.ConnectGuestAsync("Max");
        var id = (await ownerHub.InvokeAsync("CreateGroup", new { title = "Team", memberIds = new[] { member.UserId } })).Str("conversationId");
        return (ownerHub, memberHub, member.UserId, id);
    }

    [Fact]
    public async Task A_new_group_has_no_messages_and_the_first_send_is_seq_1()
    {
        var (owner, member, _, id) = await GroupAsync();
        await using var _o = owner;
        await using var _m = member;

        var listed = (await member.InvokeAsync("ListConversations")).Items().Single(c => c.Str("conversationId") == id);
        Assert.Equal(0, listed.Long("lastSeq"));
        Assert.Empty((await member.InvokeAsync("History", id, 100, 50)).Items());

        var ack = await owner.InvokeAsync("Send", new { conversationId = id, clientMsgId = "first", kind = "text", text = "hi" });
        Assert.Equal(1, ack.Long("seq"));
        var first = await member.WaitForEventAsync("message", m => m.Str("conversationId") == id);
        Assert.Equal((1L, "hi"), (first.Long("seq"), first.Str("text")));
    }

    [Fact]
    public async Task RenameGroup_renames_for_every_member_and_writes_a_renamed_system_message()
    {
        var (owner, member, _, id) = await GroupAsync();
        await using var _o = owner;
        await using var _m = member;

        var view = await owner.InvokeAsync("RenameGroup", id, "Crew");

        Assert.Equal("Crew", view.Str("title"));
        await member.WaitForEventAsync("conversation", c => c.Str("conversationId") == id && c.Str("title") == "Crew");
        var system = await member.WaitForEventAsync("message", m => m.Str("kind") == "system" && m.GetProperty("system").Str("action") == "renamed");
        Assert.Equal("Crew", system.GetProperty("system").Str("title"));
        await HubAssert.FailsWith("forbidden", () => member.InvokeAsync("RenameGroup", id, "Mine"));
        await HubAssert.FailsWith("invalid", () => owner.InvokeAsync("RenameGroup", id, "   "));
        await HubAssert.FailsWith("invalid", () => owner.InvokeAsync("RenameGroup", id, new string('x', 101)));
    }

    [Fact]
    public async Task SetRole_makes_an_admin_and_hands_over_ownership_with_role_system_messages()
    {
        var (owner, member, memberId, id) = await GroupAsync();
        await using var _o = owner;
        await using var _m = member;

        var admin = await owner.InvokeAsync("SetRole", id, memberId, "admin");
        Assert.Equal("admin", admin.Items("members").Single(m => m.Str("userId") == memberId).Str("role"));
        var note = (await member.WaitForEventAsync("message", m => m.Str("kind") == "system" && m.GetProperty("system").Str("action") == "role")).GetProperty("system");
        Assert.Equal(("admin", memberId), (note.Str("role"), note.Items("userIds").Single().GetString()));

        await HubAssert.FailsWith("invalid", () => owner.InvokeAsync("SetRole", id, memberId, "king"));
        await HubAssert.FailsWith("forbidden", () => member.InvokeAsync("SetRole", id, memberId, "owner"));
        var handedOver = await owner.InvokeAsync("SetRole", id, memberId, "owner");
        Assert.Equal("owner", handedOver.Items("members").Single(m => m.Str("userId") == memberId).Str("role"));
        Assert.Equal("admin", handedOver.Items("members").Single(m => m.Str("userId") != memberId).Str("role"));
    }

    [Fact]
    public async Task SetMuted_stops_a_members_sends_shows_muted_in_the_view_and_writes_muted_and_unmuted()
    {
        var (owner, member, memberId, id) = await GroupAsync();
        await using var _o = owner;
        await using var _m = member;

        var view = await owner.InvokeAsync("SetMuted", id, memberId, true);

        Assert.True(view.Items("members").Single(m => m.Str("userId") == memberId).Bool("muted"));
        await HubAssert.FailsWith("forbidden", () => member.InvokeAsync("Send", new { conversationId = id, clientMsgId = "m1", kind = "text", text = "x" }));
        await HubAssert.FailsWith("forbidden", () => member.InvokeAsync("SetMuted", id, memberId, false));
        await HubAssert.FailsWith("invalid", () => owner.InvokeAsync("SetMuted", id, memberId, "no"));
        await owner.InvokeAsync("SetMuted", id, memberId, false);
        await member.InvokeAsync("Send", new { conversationId = id, clientMsgId = "m2", kind = "text", text = "back" });
        var actions = (await member.InvokeAsync("History", id, 100, 50)).Items().Where(m => m.Str("kind") == "system").Select(m => m.GetProperty("system").Str("action"));
        Assert.Equal(["muted", "unmuted"], actions);
    }

    [Fact]
    public async Task System_messages_are_not_unread()
    {
        var (owner, member, _, id) = await GroupAsync();
        await using var _o = owner;
        await using var _m = member;
        await owner.InvokeAsync("RenameGroup", id, "Quiet");
        await owner.InvokeAsync("Send", new { conversationId = id, clientMsgId = "u1", kind = "text", text = "one" });

        await member.WaitForEventAsync("message", m => m.Str("clientMsgId") == "u1");
        var unread = await member.WaitForEventAsync("unread", u => u.Str("conversationId") == id);
        Assert.Equal(1, unread.Long("unread"));
        var listed = (await member.InvokeAsync("ListConversations")).Items().Single(c => c.Str("conversationId") == id);
        Assert.Equal(1, listed.Long("unread"));
    }

    [Fact]
    public async Task GetReads_answers_where_the_other_members_read_and_follows_MarkRead()
    {
        var (owner, member, memberId, id) = await GroupAsync();
        await using var _o = owner;
        await using var _m = member;
        for (var i = 1; i <= 3; i++) await owner.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"g{i}", kind = "text", text = "x" });
        await member.WaitForEventAsync("message", m => m.Str("clientMsgId") == "g3");
        await member.InvokeAsync("MarkRead", id, 2);

        var reads = (await owner.InvokeAsync("GetReads", id)).Items();
        Assert.Equal((id, memberId, 2L), (reads.Single().Str("conversationId"), reads.Single().Str("userId"), reads.Single().Long("seq")));

        await member.InvokeAsync("MarkRead", id, 3);
        await owner.WaitForEventAsync("read", r => r.Long("seq") == 3);
        Assert.Equal(3, (await owner.InvokeAsync("GetReads", id)).Items().Single().Long("seq"));
        var (_, eve) = await Server.ConnectGuestAsync("Eve");
        await using var _e = eve;
        await HubAssert.FailsWith("forbidden", () => eve.InvokeAsync("GetReads", id));
        await HubAssert.FailsWith("not_found", () => eve.InvokeAsync("GetReads", "g:none"));
    }
}
