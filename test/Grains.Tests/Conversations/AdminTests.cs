using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests.Conversations;

/// <summary>Group administration and its system messages; members' read positions.</summary>
public sealed class AdminTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static async Task<ChatException> Refused(Func<Task> call) => await Assert.ThrowsAsync<ChatException>(call);

    [Fact]
    public async Task Group_changes_write_system_messages_in_the_seq_order_without_unread()
    {
        var chat = shared.Chat;
        var (ada, max, olga, eve) = (Id("ada"), Id("max"), Id("olga"), Id("eve"));
        var id = $"g:{Id("sys")}";
        var group = chat.Conversation(id);
        await chat.SignUpAsync(ada, max, olga, eve);
        var maxGateway = await chat.ConnectAsync(max, $"{max}-1");

        await group.CreateGroup(olga, "Team", [ada, max]);
        await group.AddMembers(olga, [eve]);
        await group.RenameGroup(olga, "Crew");
        await group.SetRole(olga, ada, MemberRoles.Admin);
        await group.SetMuted(ada, eve, true);
        await group.SetMuted(ada, eve, false);
        await group.RemoveMember(ada, eve);
        await group.Leave(olga);
        await chat.QuiesceAsync();

        var history = await group.History(max, 0, 50);
        // Creating the group wrote none: the first change is seq 1.
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], history.Select(m => m.Seq));
        Assert.All(history, m => Assert.Equal(MessageKinds.System, m.Kind));
        Assert.Equal(
            [SystemActions.Joined, SystemActions.Renamed, SystemActions.Role, SystemActions.Muted, SystemActions.Unmuted, SystemActions.Removed, SystemActions.Left],
            history.Select(m => m.System!.Action));
        Assert.Equal([eve], history[0].System!.UserIds);
        Assert.Equal("Crew", history[1].System!.Title);
        Assert.Equal((ada, MemberRoles.Admin), (history[2].System!.UserIds.Single(), history[2].System!.Role));
        Assert.Equal(ada, history[5].System!.ActorId);
        Assert.Equal(olga, history[6].SenderId);
        // The actor cannot withdraw or change them.
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.Recall(ada, 6))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => group.Edit(ada, 6, "x"))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.React(max, 6, "👍", true))).Code);

        var maxView = (await chat.User(max).ListConversations()).Single();
        Assert.Equal(("Crew", 0L, 7L), (maxView.Title, maxView.Unread, maxView.LastSeq));
        await Eventually.Holds(() => Assert.Equal(7, maxGateway.Messages().Count));
        Assert.DoesNotContain(maxGateway.Unread(), u => u.Unread > 0);
    }

    [Fact]
    public async Task A_new_group_has_no_messages_until_someone_sends_and_that_one_is_seq_1()
    {
        var chat = shared.Chat;
        var (max, olga) = (Id("max"), Id("olga"));
        var id = $"g:{Id("new")}";
        var group = chat.Conversation(id);
        await chat.SignUpAsync(max, olga);

        var created = await group.CreateGroup(olga, "New", [max]);
        await chat.QuiesceAsync();
        Assert.Equal(0L, created.LastSeq);
        Assert.Empty(await group.History(max, 0, 50));
        Assert.Equal((0L, 0L), (await chat.User(max).ListConversations()).Select(v => (v.LastSeq, v.Unread)).Single());

        Assert.Equal(1L, (await group.Send(olga, Text(id, "m1", "first"))).Seq);
        Assert.Equal(["first"], (await group.History(max, 0, 50)).Select(m => m.Text));
    }

    [Fact]
    public async Task Rename_role_and_mute_are_for_managers_and_views_show_muted_members()
    {
        var chat = shared.Chat;
        var (ada, max, olga) = (Id("ada"), Id("max"), Id("olga"));
        var id = $"g:{Id("admin")}";
        var group = chat.Conversation(id);
        await chat.SignUpAsync(ada, max, olga);
        await group.CreateGroup(olga, "Team", [ada, max]);

        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.RenameGroup(max, "Mine"))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => group.RenameGroup(olga, " "))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.RenameGroup(Id("stranger"), "x"))).Code);
        await group.SetRole(olga, ada, MemberRoles.Admin);
        Assert.Equal("Renamed", (await group.RenameGroup(ada, "Renamed")).Title);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.SetMuted(ada, olga, true))).Code);
        var muted = await group.SetMuted(ada, max, true);
        Assert.True(muted.Members.Single(m => m.UserId == max).Muted);
        Assert.False(muted.Members.Single(m => m.UserId == ada).Muted);

        var handedOver = await group.SetRole(olga, max, MemberRoles.Owner);
        Assert.Equal(MemberRoles.Owner, handedOver.Members.Single(m => m.UserId == max).Role);
        Assert.Equal(MemberRoles.Admin, handedOver.Members.Single(m => m.UserId == olga).Role);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.SetRole(olga, ada, MemberRoles.Member))).Code);
        await chat.Direct(ada, max).OpenDirect(ada, max);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => chat.Direct(ada, max).RenameGroup(ada, "x"))).Code);
    }

    [Fact]
    public async Task Get_reads_answers_the_other_members_read_seqs_and_follows_mark_read()
    {
        var chat = shared.Chat;
        var (ada, max, olga) = (Id("ada"), Id("max"), Id("olga"));
        var id = $"g:{Id("reads")}";
        var group = chat.Conversation(id);
        await chat.SignUpAsync(ada, max, olga);
        await group.CreateGroup(olga, "Reads", [ada, max]);
        for (var i = 0; i < 4; i++) await group.Send(olga, Text(id, $"m{i}"));
        await chat.QuiesceAsync();
        await chat.User(ada).MarkRead(id, 2);

        var reads = await group.GetReads(olga);
        Assert.Equal([new ReadPosition(id, ada, 2)], reads);

        // Once loaded, the conversation keeps them current from the user grains' MarkRead.
        await chat.User(ada).MarkRead(id, 4);
        await chat.User(max).MarkRead(id, 3);
        await Eventually.Holds(async () => Assert.Equal(
            [new ReadPosition(id, ada, 4), new ReadPosition(id, max, 3)],
            (await group.GetReads(olga)).OrderBy(r => r.UserId, StringComparer.Ordinal)));
        Assert.DoesNotContain(await group.GetReads(ada), r => r.UserId == ada);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => group.GetReads(Id("stranger")))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => chat.Conversation("g:nobody").GetReads(ada))).Code);
    }
}
