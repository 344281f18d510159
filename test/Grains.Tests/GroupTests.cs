using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Groups and direct conversations: roles, limits, mutes, leaving, and the members' conversation lists.</summary>
public sealed class GroupTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static async Task<ChatException> Refused(Func<Task> call) => await Assert.ThrowsAsync<ChatException>(call);

    [Fact]
    public async Task The_owner_adds_and_removes_members_and_a_member_cannot()
    {
        var chat = shared.Chat;
        var (eve, max, mia, olga) = (Id("eve"), Id("max"), Id("mia"), Id("olga"));
        var group = chat.Conversation("g:team");
        await chat.SignUpAsync(eve, max, mia, olga);
        var created = await group.CreateGroup(olga, "Team", [max, mia]);
        Assert.Equal(MemberRoles.Owner, created.Members.Single(m => m.UserId == olga).Role);

        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.AddMembers(max, [eve]))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.RemoveMember(max, mia))).Code);

        var added = await group.AddMembers(olga, [eve]);
        Assert.Contains(added.Members, m => m.UserId == eve && m.Role == MemberRoles.Member);
        var removed = await group.RemoveMember(olga, mia);
        Assert.DoesNotContain(removed.Members, m => m.UserId == mia);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.Send(mia, Text("g:team", "x")))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.History(mia, 0, 10))).Code);
    }

    [Fact]
    public async Task An_admin_manages_members_but_not_the_owner_or_other_admins()
    {
        var chat = shared.Chat;
        var (ada, alan, eve, max, olga) = (Id("ada"), Id("alan"), Id("eve"), Id("max"), Id("olga"));
        var group = chat.Conversation("g:admins");
        await chat.SignUpAsync(ada, alan, eve, max, olga);
        await group.CreateGroup(olga, "Admins", [ada, alan, max]);
        await group.SetRole(olga, ada, MemberRoles.Admin);
        await group.SetRole(olga, alan, MemberRoles.Admin);

        await group.AddMembers(ada, [eve]);
        await group.RemoveMember(ada, eve);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.RemoveMember(ada, olga))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.RemoveMember(ada, alan))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.SetRole(ada, max, MemberRoles.Admin))).Code);
    }

    [Fact]
    public async Task The_member_limit_holds_on_create_and_on_add()
    {
        await using var chat = await ChatSilo.StartAsync(conversations: o => o.MaxGroupMembers = 3);
        await chat.SignUpAsync("a", "b", "c", "o");
        Assert.Equal(ErrorCodes.Conflict, (await Refused(() => chat.Conversation("g:big").CreateGroup("o", "Big", ["a", "b", "c"]))).Code);
        var group = chat.Conversation("g:small");
        await group.CreateGroup("o", "Small", ["a", "b"]);
        Assert.Equal(ErrorCodes.Conflict, (await Refused(() => group.AddMembers("o", ["c"]))).Code);
        await group.RemoveMember("o", "b");
        Assert.Equal(3, (await group.AddMembers("o", ["c"])).Members.Count);
    }

    [Fact]
    public async Task A_muted_member_cannot_send_until_unmuted()
    {
        var chat = shared.Chat;
        var (max, olga) = (Id("max"), Id("olga"));
        var group = chat.Conversation("g:mute");
        await chat.SignUpAsync(max, olga);
        await group.CreateGroup(olga, "Mute", [max]);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.SetMuted(max, olga, true))).Code);

        var view = await group.SetMuted(olga, max, true);
        Assert.True((await group.GetView(max)).Muted);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.Send(max, Text("g:mute", "x")))).Code);
        Assert.All(chat.Store.All("g:mute"), m => Assert.Equal(MessageKinds.System, m.Kind));

        await group.SetMuted(olga, max, false);
        // After the system messages muted and unmuted.
        Assert.Equal(3, (await group.Send(max, Text("g:mute", "x"))).Seq);
        Assert.False(view.Muted);
    }

    [Fact]
    public async Task Membership_changes_reach_the_users_conversation_lists()
    {
        var chat = shared.Chat;
        var (eve, max, olga) = (Id("eve"), Id("max"), Id("olga"));
        var group = chat.Conversation("g:list");
        await chat.SignUpAsync(eve, max, olga);
        await group.CreateGroup(olga, "List", [max]);
        await group.Send(olga, Text("g:list", "before eve"));
        await group.AddMembers(olga, [eve]);
        await chat.QuiesceAsync();

        var eveView = (await chat.User(eve).ListConversations()).Single();
        Assert.Equal(("g:list", ConversationKinds.Group, "List", 3), (eveView.ConversationId, eveView.Kind, eveView.Title, eveView.Members.Count));
        // Seq 1 is olga's message: eve starts read up to there ("joined" at 2 is never unread).
        Assert.Equal(0L, eveView.Unread);
        Assert.InRange(eveView.ReadSeq, 1L, 2L);
        Assert.Equal(3, (await chat.User(max).ListConversations()).Single().Members.Count);

        await group.RemoveMember(olga, eve);
        await chat.QuiesceAsync();
        Assert.Empty(await chat.User(eve).ListConversations());
    }

    [Fact]
    public async Task When_the_owner_leaves_an_admin_takes_over()
    {
        var chat = shared.Chat;
        var (ada, max, olga) = (Id("ada"), Id("max"), Id("olga"));
        var group = chat.Conversation("g:heir");
        await chat.SignUpAsync(ada, max, olga);
        await group.CreateGroup(olga, "Heir", [max, ada]);
        await group.SetRole(olga, ada, MemberRoles.Admin);
        var after = await group.Leave(olga);
        Assert.Equal(MemberRoles.Owner, after.Members.Single(m => m.UserId == ada).Role);
        Assert.DoesNotContain(after.Members, m => m.UserId == olga);
    }

    [Fact]
    public async Task A_direct_conversation_has_two_members_and_a_derived_id()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        await chat.SignUpAsync(alice, bob);
        var view = await chat.Direct(bob, alice).OpenDirect(bob, alice);
        // "alice-N" sorts before "bob-M" as "alice" before "bob": the id names the pair in ordinal order.
        Assert.Equal($"d:{alice}:{bob}", view.ConversationId);
        Assert.Equal((alice, ConversationKinds.Direct), (view.Title, view.Kind));
        Assert.All(view.Members, m => Assert.Equal(MemberRoles.Member, m.Role));
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => chat.Conversation("d:x:y").OpenDirect(alice, bob))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => chat.Direct(alice, bob).AddMembers(alice, ["eve"]))).Code);
        await chat.QuiesceAsync();
        Assert.Equal($"d:{alice}:{bob}", (await chat.User(alice).ListConversations()).Single().ConversationId);
    }
}
