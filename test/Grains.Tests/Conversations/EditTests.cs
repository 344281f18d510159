using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests.Conversations;

/// <summary>Edit, delete-for-me and reactions: who may, what members see live, what reads return later.</summary>
public sealed class EditTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static async Task<ChatException> Refused(Func<Task> call) => await Assert.ThrowsAsync<ChatException>(call);

    private async Task<(IConversationGrain Conversation, string Id, string Alice, string Bob)> DirectAsync()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        return (conversation, id, alice, bob);
    }

    [Fact]
    public async Task The_sender_edits_a_text_message_everyone_gets_edited_and_history_shows_the_new_text()
    {
        var chat = shared.Chat;
        var (conversation, id, alice, bob) = await DirectAsync();
        var bobGateway = await chat.ConnectAsync(bob, $"{bob}-1");
        var sent = await conversation.Send(alice, Text(id, "e1", "helo"));

        var edited = await conversation.Edit(alice, sent.Seq, "hello");

        Assert.Equal("hello", edited.Text);
        Assert.NotNull(edited.EditedAt);
        await Eventually.Holds(() => Assert.Equal("hello", Assert.Single(bobGateway.Of<Message>(ClientEventNames.Edited)).Text));
        Assert.Equal("hello", (await conversation.History(bob, 0, 10)).Single().Text);
        Assert.Equal("hello", (await conversation.Since(bob, 0, 10)).Messages.Single().Text);
        Assert.Equal("hello", chat.Store.All(id).Single().Text);
        Assert.Equal("hello", (await chat.User(bob).ListConversations()).Single(c => c.ConversationId == id).LastMessage!.Text);
    }

    [Fact]
    public async Task Edit_is_refused_to_others_after_the_window_and_for_recalled_or_non_text_messages()
    {
        var chat = shared.Chat;
        var (conversation, id, alice, bob) = await DirectAsync();
        var sent = await conversation.Send(alice, Text(id, "e2", "one"));

        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.Edit(bob, sent.Seq, "hijack"))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => conversation.Edit(alice, sent.Seq, " "))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => conversation.Edit(alice, 99, "x"))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.Edit(Id("stranger"), sent.Seq, "x"))).Code);
        var custom = await conversation.Send(alice, new SendCommand(id, "e2c", MessageKinds.Custom, "{}"));
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => conversation.Edit(alice, custom.Seq, "x"))).Code);
        var recalled = await conversation.Send(alice, Text(id, "e2r", "oops"));
        await conversation.Recall(alice, recalled.Seq);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.Edit(alice, recalled.Seq, "x"))).Code);

        await chat.AdvanceAsync(TimeSpan.FromMinutes(16));
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.Edit(alice, sent.Seq, "late"))).Code);
        Assert.Equal("one", (await conversation.History(bob, 0, 10)).First().Text);
    }

    [Fact]
    public async Task Delete_for_me_hides_messages_for_the_caller_only_and_keeps_their_seqs()
    {
        var chat = shared.Chat;
        var (conversation, id, alice, bob) = await DirectAsync();
        var aliceGateway = await chat.ConnectAsync(alice, $"{alice}-1");
        var bobGateway = await chat.ConnectAsync(bob, $"{bob}-1");
        var first = await conversation.Send(bob, Text(id, "d1", "secret"));
        await conversation.Send(bob, Text(id, "d2", "fine"));

        await conversation.DeleteForMe(alice, [first.Seq]);

        await Eventually.Holds(() => Assert.Single(aliceGateway.Of<DeletedEvent>(ClientEventNames.Deleted)));
        var deleted = aliceGateway.Of<DeletedEvent>(ClientEventNames.Deleted).Single();
        Assert.Equal(id, deleted.ConversationId);
        Assert.Equal([first.Seq], deleted.Seqs);
        var mine = await conversation.History(alice, 0, 10);
        Assert.Equal([1L, 2], mine.Select(m => m.Seq));
        Assert.True(mine[0].Deleted);
        Assert.Null(mine[0].Text);
        Assert.False(mine[1].Deleted);
        Assert.True((await conversation.Since(alice, 0, 10)).Messages[0].Deleted);
        Assert.Equal("secret", (await conversation.History(bob, 0, 10))[0].Text);
        await conversation.DeleteForMe(alice, [2]);
        Assert.True((await conversation.GetView(alice)).LastMessage!.Deleted);
        Assert.False((await conversation.GetView(bob)).LastMessage!.Deleted);
        await Eventually.Holds(async () => Assert.True((await chat.User(alice).ListConversations()).Single(c => c.ConversationId == id).LastMessage!.Deleted));
        await chat.QuiesceAsync();
        Assert.DoesNotContain(bobGateway.Calls, c => c.Method == ClientEventNames.Deleted);

        // It survives the conversation's reactivation: the store keeps it.
        await chat.DeactivateAsync(conversation);
        Assert.True((await conversation.History(alice, 0, 10))[0].Deleted);
    }

    [Fact]
    public async Task Delete_for_me_refuses_non_members_unknown_seqs_and_bad_counts()
    {
        var (conversation, id, alice, _) = await DirectAsync();
        await conversation.Send(alice, Text(id, "d3"));
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.DeleteForMe(Id("stranger"), [1]))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => conversation.DeleteForMe(alice, [1, 7]))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => conversation.DeleteForMe(alice, []))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => conversation.DeleteForMe(alice, [.. Enumerable.Range(1, 101).Select(i => (long)i)]))).Code);
    }

    [Fact]
    public async Task Reactions_are_added_removed_idempotently_and_every_member_sees_them()
    {
        var chat = shared.Chat;
        var (conversation, id, alice, bob) = await DirectAsync();
        var bobGateway = await chat.ConnectAsync(bob, $"{bob}-1");
        var sent = await conversation.Send(alice, Text(id, "r1"));

        await conversation.React(bob, sent.Seq, "👍", on: true);
        await conversation.React(bob, sent.Seq, "👍", on: true);
        var both = await conversation.React(alice, sent.Seq, "👍", on: true);
        Assert.Equal([bob, alice], both.Reactions["👍"]);
        var hearts = await conversation.React(alice, sent.Seq, "❤️", on: true);
        Assert.Equal(2, hearts.Reactions.Count);
        var removed = await conversation.React(bob, sent.Seq, "👍", on: false);
        Assert.Equal([alice], removed.Reactions["👍"]);

        Assert.Equal([alice], (await conversation.History(bob, 0, 10)).Single().Reactions!["👍"]);
        await Eventually.Holds(() => Assert.Equal(4, bobGateway.Of<ReactionEvent>(ClientEventNames.Reaction).Count));
        Assert.Equal([alice], bobGateway.Of<ReactionEvent>(ClientEventNames.Reaction)[^1].Reactions["👍"]);
        await chat.DeactivateAsync(conversation);
        Assert.Equal([alice], (await conversation.History(bob, 0, 10)).Single().Reactions!["❤️"]);
    }

    [Fact]
    public async Task React_refuses_unknown_emoji_non_members_missing_and_recalled_messages()
    {
        var (conversation, id, alice, bob) = await DirectAsync();
        var sent = await conversation.Send(alice, Text(id, "r2"));
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => conversation.React(bob, sent.Seq, "💩", true))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.React(Id("stranger"), sent.Seq, "👍", true))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => conversation.React(bob, 42, "👍", true))).Code);
        await conversation.Recall(alice, sent.Seq);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.React(bob, sent.Seq, "👍", true))).Code);
    }
}
