using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

public sealed class UnreadTests
{
    private static async Task<(ChatSilo Chat, IConversationGrain Conversation, string Id)> DirectAsync()
    {
        var chat = ChatSilo.Create();
        var conversation = chat.Direct("alice", "bob");
        await chat.SignUpAsync("alice", "bob");
        var id = (await conversation.OpenDirect("alice", "bob")).ConversationId;
        return (chat, conversation, id);
    }

    private static async Task<ConversationView> ViewOf(ChatSilo chat, string userId, string conversationId)
    {
        await chat.Silo.QuiesceAsync();
        return (await chat.User(userId).ListConversations()).Single(c => c.ConversationId == conversationId);
    }

    [Fact]
    public async Task Only_messages_from_others_count()
    {
        var (chat, conversation, id) = await DirectAsync();
        await using var _ = chat;
        for (var i = 0; i < 3; i++) await conversation.Send("alice", Text(id, $"a{i}"));
        for (var i = 0; i < 2; i++) await conversation.Send("bob", Text(id, $"b{i}"));
        Assert.Equal(3, (await ViewOf(chat, "bob", id)).Unread);
        Assert.Equal(2, (await ViewOf(chat, "alice", id)).Unread);
        Assert.Equal(5, (await ViewOf(chat, "alice", id)).LastSeq);
    }

    [Fact]
    public async Task Retried_sends_and_repeated_deliveries_do_not_count_twice()
    {
        var (chat, conversation, id) = await DirectAsync();
        await using var _ = chat;
        await conversation.Send("alice", Text(id, "once"));
        await conversation.Send("alice", Text(id, "once"));
        await conversation.Send("alice", Text(id, "twice"));
        var stored = chat.Store.All(id);
        // At-least-once: the same deliveries arriving again change nothing.
        foreach (var message in stored) await chat.User("bob").Deliver(message);
        Assert.Equal(2, (await ViewOf(chat, "bob", id)).Unread);
    }

    [Fact]
    public async Task MarkRead_on_one_device_updates_every_device_and_the_peer_gets_a_receipt()
    {
        var (chat, conversation, id) = await DirectAsync();
        await using var _ = chat;
        var phone = await chat.ConnectAsync("bob", "phone");
        var laptop = await chat.ConnectAsync("bob", "laptop");
        var alice = await chat.ConnectAsync("alice", "a1");
        for (var i = 0; i < 3; i++) await conversation.Send("alice", Text(id, $"a{i}"));
        await chat.Silo.QuiesceAsync();
        Assert.Equal(3, phone.Unread()[^1].Unread);
        Assert.Equal(3, laptop.Unread()[^1].Unread);

        var result = await chat.User("bob").MarkRead(id, 2);
        await chat.Silo.QuiesceAsync();
        Assert.Equal(new MarkReadResult(id, 1, 1), result);
        Assert.Equal(new UnreadEvent(id, 1, 1), phone.Unread()[^1]);
        Assert.Equal(new UnreadEvent(id, 1, 1), laptop.Unread()[^1]);
        Assert.Equal(new ReadEvent(id, "bob", 2), alice.Of<ReadEvent>(nameof(IClientObserver.OnRead)).Single());
        Assert.Equal(2, (await ViewOf(chat, "bob", id)).ReadSeq);
    }

    [Fact]
    public async Task MarkRead_is_clamped_and_never_moves_back_or_goes_negative()
    {
        var (chat, conversation, id) = await DirectAsync();
        await using var _ = chat;
        for (var i = 0; i < 3; i++) await conversation.Send("alice", Text(id, $"a{i}"));
        await chat.Silo.QuiesceAsync();
        var bob = chat.User("bob");

        Assert.Equal(new MarkReadResult(id, 0, 0), await bob.MarkRead(id, 999));
        Assert.Equal(3, (await ViewOf(chat, "bob", id)).ReadSeq);
        Assert.Equal(new MarkReadResult(id, 0, 0), await bob.MarkRead(id, 1));
        Assert.Equal(3, (await ViewOf(chat, "bob", id)).ReadSeq);

        foreach (var message in chat.Store.All(id)) await bob.Deliver(message);
        await conversation.Send("alice", Text(id, "new"));
        Assert.Equal(1, (await ViewOf(chat, "bob", id)).Unread);
        Assert.Equal(new MarkReadResult(id, 0, 0), await bob.MarkRead(id, 4));
        Assert.Equal(0, (await ViewOf(chat, "bob", id)).Unread);
    }

    [Fact]
    public async Task Total_unread_spans_conversations_and_outsiders_cannot_mark_read()
    {
        var (chat, conversation, id) = await DirectAsync();
        await using var _ = chat;
        var group = chat.Conversation("g:total");
        await chat.SignUpAsync("bob", "carol");
        await group.CreateGroup("carol", "Total", ["bob"]);
        await conversation.Send("alice", Text(id, "1"));
        await group.Send("carol", Text("g:total", "2"));
        await group.Send("carol", Text("g:total", "3"));
        await chat.Silo.QuiesceAsync();
        Assert.Equal(new MarkReadResult("g:total", 1, 2), await chat.User("bob").MarkRead("g:total", 1));
        var error = await Assert.ThrowsAsync<ChatException>(() => chat.User("eve").MarkRead(id, 1));
        Assert.Equal(ErrorCodes.Forbidden, error.Code);
    }

    [Fact]
    public async Task A_lost_delivery_is_recounted_from_the_log()
    {
        var (chat, conversation, id) = await DirectAsync();
        await using var _ = chat;
        await conversation.Send("alice", Text(id, "1"));
        await conversation.Send("bob", Text(id, "2"));
        await conversation.Send("alice", Text(id, "3"));
        await chat.Silo.QuiesceAsync();
        // Rewind bob's counters as if deliveries 2 and 3 were lost (state written before they arrived).
        var bob = chat.User("bob");
        await bob.MarkRead(id, 3);
        var state = (await chat.Silo.StateAsync<Users.UserGrain, Users.UserState>("bob"))!;
        state.Conversations[id].CountedSeq = 1;
        state.Conversations[id].ReadSeq = 0;
        state.Conversations[id].Unread = 1;
        await chat.Silo.WriteStateBehindGrainAsync<Users.UserGrain, Users.UserState>("bob", state);
        await chat.Silo.AdvanceTimeAsync(TimeSpan.FromMinutes(20));
        await chat.Silo.CollectIdleAsync();

        await conversation.Send("alice", Text(id, "4"));
        // Seqs 1, 3 and 4 are from alice.
        Assert.Equal(3, (await ViewOf(chat, "bob", id)).Unread);
    }

    [Fact]
    public async Task While_connected_delivery_bookkeeping_is_saved_by_the_sweep_not_per_message()
    {
        var (chat, conversation, id) = await DirectAsync();
        await using var _ = chat;
        await chat.ConnectAsync("bob", "b1");
        await chat.ConnectAsync("alice", "a1");
        await chat.Silo.QuiesceAsync();
        var writesBefore = chat.Silo.Storage.Writes;
        for (var i = 0; i < 10; i++) await conversation.Send("alice", Text(id, $"m{i}"));
        await chat.Silo.QuiesceAsync();
        Assert.True(chat.Silo.Storage.Writes - writesBefore < 10, $"{chat.Silo.Storage.Writes - writesBefore} writes for 10 deliveries.");

        await chat.Silo.FireAllTimersAsync();
        var stored = chat.Silo.State<Users.UserGrain, Users.UserState>("bob")!.Conversations[id];
        Assert.Equal((10L, 10L), (stored.Unread, stored.CountedSeq));
    }
}
