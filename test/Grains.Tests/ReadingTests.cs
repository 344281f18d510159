using Im.Orleans.Grains.Options;
using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>History and sync pages, member-only reads, recall and typing.</summary>
public sealed class ReadingTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Theory]
    [InlineData(200)]
    [InlineData(3)]
    public async Task History_and_Since_page_by_seq_from_memory_or_the_store(int cached)
    {
        await using var chat = await ChatSilo.StartAsync(conversations: o => o.RecentMessages = cached);
        var conversation = chat.Direct("alice", "bob");
        await chat.SignUpAsync("alice", "bob");
        var id = (await conversation.OpenDirect("alice", "bob")).ConversationId;
        for (var i = 1; i <= 10; i++) await conversation.Send(i % 2 == 0 ? "bob" : "alice", Text(id, $"m{i}"));

        Assert.Equal([8L, 9, 10], (await conversation.History("alice", 11, 3)).Select(m => m.Seq));
        Assert.Equal([5L, 6, 7], (await conversation.History("alice", 8, 3)).Select(m => m.Seq));
        Assert.Equal([1L, 2], (await conversation.History("alice", 3, 5)).Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), (await conversation.History("bob", 0, 100)).Select(m => m.Seq));
        Assert.Empty(await conversation.History("alice", 1, 10));

        var first = await conversation.Since("alice", 0, 4);
        Assert.Equal([1L, 2, 3, 4], first.Messages.Select(m => m.Seq));
        Assert.True(first.HasMore);
        var last = await conversation.Since("alice", 8, 4);
        Assert.Equal([9L, 10], last.Messages.Select(m => m.Seq));
        Assert.False(last.HasMore);
        Assert.Empty((await conversation.Since("alice", 10, 4)).Messages);

        Assert.Equal(5, await conversation.CountFromOthers("alice", 0));
        Assert.Equal(2, await conversation.CountFromOthersBetween("alice", 5, 9));
    }

    [Fact]
    public async Task Only_members_read_and_missing_conversations_are_not_found()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        await conversation.OpenDirect(alice, bob);
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => conversation.History("eve", 0, 10))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => conversation.Since("eve", 0, 10))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => conversation.GetView("eve"))).Code);
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => conversation.CountFromOthers("eve", 0))).Code);
        var missing = chat.Conversation("g:missing");
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => missing.History(alice, 0, 10))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => missing.GetView(alice))).Code);
    }

    [Fact]
    public async Task The_sender_recalls_within_the_window_and_members_are_told()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        var sent = await conversation.Send(alice, Text(id, "oops"));

        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => conversation.Recall(bob, sent.Seq))).Code);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(119));
        // Bob's device connects now: a connection nobody refreshes for 119 s of test time may be swept as expired
        // (90 s) depending on when the sweep tick reads the clock, and then nothing would be pushed to it.
        var bobGateway = await chat.ConnectAsync(bob, "b1");
        await conversation.Recall(alice, sent.Seq);
        await Eventually.Holds(() => Assert.NotEmpty(bobGateway.Of<RecalledEvent>(ClientEventNames.Recalled)));
        await chat.QuiesceAsync();

        Assert.True(chat.Store.All(id).Single().Recalled);
        Assert.True((await conversation.History(bob, 0, 10)).Single().Recalled);
        Assert.Equal(new RecalledEvent(id, sent.Seq, sent.MessageId), bobGateway.Of<RecalledEvent>(ClientEventNames.Recalled).Single());
        Assert.True((await chat.User(bob).ListConversations()).Single().LastMessage!.Recalled);
    }

    [Fact]
    public async Task Recall_after_the_window_is_refused()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        var sent = await conversation.Send(alice, Text(id, "too late"));
        await chat.AdvanceAsync(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => conversation.Recall(alice, sent.Seq))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => conversation.Recall(alice, 99))).Code);
        Assert.False(chat.Store.All(id).Single().Recalled);
    }

    [Fact]
    public async Task Typing_goes_to_the_other_members_only()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var gateway = await chat.ConnectAsync(alice, "a1");
        await chat.ConnectAsync(bob, "b1", gateway);
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        await conversation.Typing(alice);
        await Eventually.Holds(() => Assert.NotEmpty(gateway.CallsTo(ClientEventNames.Typing)));
        await chat.QuiesceAsync();
        var typing = gateway.WithTargets<TypingEvent>(ClientEventNames.Typing).Single();
        Assert.Equal(["b1"], typing.Connections);
        Assert.Equal(new TypingEvent(id, alice), typing.Event);
    }

    [Fact]
    public async Task A_typing_flood_reaches_the_others_once_per_interval()
    {
        var chat = shared.Chat;
        var (alice, bob, carol) = (Id("alice"), Id("bob"), Id("carol"));
        var gateway = await chat.ConnectAsync(bob, "b1");
        await chat.ConnectAsync(carol, "c1", gateway);
        await chat.SignUpAsync(alice, bob, carol);
        var group = chat.Conversation(ConversationIds.NewGroup());
        await group.CreateGroup(alice, "Team", [bob, carol]);

        for (var i = 0; i < 200; i++) await group.Typing(alice);
        await Eventually.Holds(() => Assert.Equal(2, gateway.WithTargets<TypingEvent>(ClientEventNames.Typing).SelectMany(t => t.Connections).Count()));
        await chat.QuiesceAsync();
        Assert.Equal(2, gateway.WithTargets<TypingEvent>(ClientEventNames.Typing).SelectMany(t => t.Connections).Count());

        // Still typing a while later: the others hear it again.
        await chat.AdvanceAsync(new ConversationOptions().TypingInterval);
        await group.Typing(alice);
        await Eventually.Holds(() => Assert.Equal(4, gateway.WithTargets<TypingEvent>(ClientEventNames.Typing).SelectMany(t => t.Connections).Count()));
    }
}
