using Im.Orleans.Grains.Options;
using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Unread counts and read cursors: only others' messages count, retries never count twice, deliveries are applied in seq order and lost ones read from the log.</summary>
public sealed class UnreadTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private async Task<(ChatSilo Chat, IConversationGrain Conversation, string Id, string Alice, string Bob)> DirectAsync()
    {
        var chat = shared.Chat;
        var (alice, bob) = (ChatSilo.Id("alice"), ChatSilo.Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        return (chat, conversation, id, alice, bob);
    }

    private static async Task<ConversationView> ViewOf(ChatSilo chat, string userId, string conversationId)
    {
        await chat.QuiesceAsync();
        return (await chat.User(userId).ListConversations()).Single(c => c.ConversationId == conversationId);
    }

    [Fact]
    public async Task Only_messages_from_others_count()
    {
        var (chat, conversation, id, alice, bob) = await DirectAsync();
        for (var i = 0; i < 3; i++) await conversation.Send(alice, Text(id, $"a{i}"));
        for (var i = 0; i < 2; i++) await conversation.Send(bob, Text(id, $"b{i}"));
        Assert.Equal(3, (await ViewOf(chat, bob, id)).Unread);
        Assert.Equal(2, (await ViewOf(chat, alice, id)).Unread);
        Assert.Equal(5, (await ViewOf(chat, alice, id)).LastSeq);
    }

    [Fact]
    public async Task Retried_sends_and_repeated_deliveries_do_not_count_twice()
    {
        var (chat, conversation, id, alice, bob) = await DirectAsync();
        await conversation.Send(alice, Text(id, "once"));
        await conversation.Send(alice, Text(id, "once"));
        await conversation.Send(alice, Text(id, "twice"));
        var stored = chat.Store.All(id);
        // At-least-once: the same deliveries arriving again change nothing.
        foreach (var message in stored) await chat.User(bob).Deliver([message], []);
        Assert.Equal(2, (await ViewOf(chat, bob, id)).Unread);
    }

    [Fact]
    public async Task MarkRead_on_one_device_updates_every_device_and_the_peer_gets_a_receipt()
    {
        var (chat, conversation, id, alice, bob) = await DirectAsync();
        var phone = await chat.ConnectAsync(bob, "phone");
        var laptop = await chat.ConnectAsync(bob, "laptop");
        var aliceGateway = await chat.ConnectAsync(alice, "a1");
        for (var i = 0; i < 3; i++) await conversation.Send(alice, Text(id, $"a{i}"));
        await Eventually.Holds(() => Assert.True(phone.Unread().Count >= 3 && laptop.Unread().Count >= 3));
        await chat.QuiesceAsync();
        Assert.Equal(3, phone.Unread()[^1].Unread);
        Assert.Equal(3, laptop.Unread()[^1].Unread);

        var result = await chat.User(bob).MarkRead(id, 2);
        await Eventually.Holds(() => Assert.NotEmpty(aliceGateway.Of<ReadEvent>(ClientEventNames.Read)));
        await chat.QuiesceAsync();
        Assert.Equal(new MarkReadResult(id, 1, 1), result);
        Assert.Equal(new UnreadEvent(id, 1, 1), phone.Unread()[^1]);
        Assert.Equal(new UnreadEvent(id, 1, 1), laptop.Unread()[^1]);
        Assert.Equal(new ReadEvent(id, bob, 2), aliceGateway.Of<ReadEvent>(ClientEventNames.Read).Single());
        Assert.Equal(2, (await ViewOf(chat, bob, id)).ReadSeq);
    }

    [Fact]
    public async Task MarkRead_is_clamped_and_never_moves_back_or_goes_negative()
    {
        var (chat, conversation, id, alice, bobId) = await DirectAsync();
        for (var i = 0; i < 3; i++) await conversation.Send(alice, Text(id, $"a{i}"));
        await chat.QuiesceAsync();
        var bob = chat.User(bobId);

        Assert.Equal(new MarkReadResult(id, 0, 0), await bob.MarkRead(id, 999));
        Assert.Equal(3, (await ViewOf(chat, bobId, id)).ReadSeq);
        Assert.Equal(new MarkReadResult(id, 0, 0), await bob.MarkRead(id, 1));
        Assert.Equal(3, (await ViewOf(chat, bobId, id)).ReadSeq);

        foreach (var message in chat.Store.All(id)) await bob.Deliver([message], []);
        await conversation.Send(alice, Text(id, "new"));
        Assert.Equal(1, (await ViewOf(chat, bobId, id)).Unread);
        Assert.Equal(new MarkReadResult(id, 0, 0), await bob.MarkRead(id, 4));
        Assert.Equal(0, (await ViewOf(chat, bobId, id)).Unread);
    }

    [Fact]
    public async Task Total_unread_spans_conversations_and_outsiders_cannot_mark_read()
    {
        var (chat, conversation, id, alice, bob) = await DirectAsync();
        var (carol, eve) = (ChatSilo.Id("carol"), ChatSilo.Id("eve"));
        var group = chat.Conversation("g:total");
        await chat.SignUpAsync(bob, carol);
        await group.CreateGroup(carol, "Total", [bob]);
        await conversation.Send(alice, Text(id, "1"));
        await group.Send(carol, Text("g:total", "2"));
        await group.Send(carol, Text("g:total", "3"));
        await chat.QuiesceAsync();
        Assert.Equal(new MarkReadResult("g:total", 1, 2), await chat.User(bob).MarkRead("g:total", 1));
        var error = await Assert.ThrowsAsync<ChatException>(() => chat.User(eve).MarkRead(id, 1));
        Assert.Equal(ErrorCodes.Forbidden, error.Code);
    }

    [Fact]
    public async Task A_lost_delivery_is_read_from_the_log_after_the_gap_wait_and_pushed_in_order()
    {
        var (chat, conversation, id, alice, bobId) = await DirectAsync();
        await conversation.Send(alice, Text(id, "1"));
        await conversation.Send(bobId, Text(id, "2"));
        await conversation.Send(alice, Text(id, "3"));
        await chat.QuiesceAsync();
        // Rewind bob's counters as if deliveries 2 and 3 were lost (state written before they arrived).
        var bob = chat.User(bobId);
        await bob.MarkRead(id, 3);
        var state = (await chat.UserStateAsync(bobId))!;
        state.Conversations[id].CountedSeq = 1;
        state.Conversations[id].ReadSeq = 0;
        state.Conversations[id].Unread = 1;
        await chat.WriteUserStateBehindGrainAsync(bobId, state);
        await chat.DeactivateAsync(bob);
        var device = await chat.ConnectAsync(bobId, "b1");

        await conversation.Send(alice, Text(id, "4"));
        await chat.QuiesceAsync();
        Assert.Empty(device.Messages());
        await chat.AdvanceAsync(new UserOptions().DeliveryGapWait);
        await Eventually.Holds(() => Assert.Equal(3, device.Messages().Count));
        await chat.QuiesceAsync();
        Assert.Equal([2L, 3, 4], device.Messages().Select(m => m.Seq));
        // Seqs 1, 3 and 4 are from alice.
        Assert.Equal(3, (await ViewOf(chat, bobId, id)).Unread);
    }

    [Fact]
    public async Task A_delivery_that_arrives_after_its_gap_was_read_from_the_log_is_not_pushed_again()
    {
        // Issue 11 suspected this race of duplicate pushes in steady state: a slow delivery overtaken by a later one,
        // the gap filled from the log, then the slow one arriving after all. The device must get each seq once.
        var (chat, conversation, id, alice, bob) = await DirectAsync();
        var device = await chat.ConnectAsync(bob, "b1");
        var sentAt = DateTimeOffset.UnixEpoch;
        var messages = Enumerable.Range(1, 3).Select(seq => new Message(id, seq, $"m{seq}", $"c{seq}", alice, MessageKinds.Text, $"text {seq}", null, sentAt)).ToList();
        // In the log, but not yet delivered to bob (the conversation reloads its last seq from the log).
        await chat.Store.AppendAsync(id, messages);
        await chat.DeactivateAsync(conversation);

        await chat.User(bob).Deliver([messages[2]], []);
        await chat.QuiesceAsync();
        Assert.Empty(device.Messages());
        await chat.AdvanceAsync(new UserOptions().DeliveryGapWait);
        await Eventually.Holds(() => Assert.Equal(3, device.Messages().Count));
        await chat.User(bob).Deliver([messages[0]], []);
        await chat.User(bob).Deliver([messages[1], messages[2]], []);
        await chat.QuiesceAsync();

        Assert.Equal([1L, 2, 3], device.Messages().Select(m => m.Seq));
        Assert.Equal(3, (await ViewOf(chat, bob, id)).Unread);
    }

    [Fact]
    public async Task Deliveries_that_arrive_out_of_order_are_counted_once_and_pushed_in_seq_order()
    {
        var (chat, _, id, alice, bob) = await DirectAsync();
        var device = await chat.ConnectAsync(bob, "b1");
        var sentAt = DateTimeOffset.UnixEpoch;
        var messages = Enumerable.Range(1, 4).Select(seq => new Message(id, seq, $"m{seq}", $"c{seq}", alice, MessageKinds.Text, $"text {seq}", null, sentAt)).ToList();

        // As Orleans may hand over one-way calls: later ones first, one twice.
        await chat.User(bob).Deliver([messages[2]], []);
        await chat.User(bob).Deliver([messages[3], messages[1]], []);
        await chat.User(bob).Deliver([messages[2]], []);
        await chat.User(bob).Deliver([messages[0]], []);
        await Eventually.Holds(() => Assert.Equal(4, device.Messages().Count));
        await chat.QuiesceAsync();

        Assert.Equal([1L, 2, 3, 4], device.Messages().Select(m => m.Seq));
        AssertRising(device.Unread().Select(u => u.Unread), 4);
        Assert.Equal(4, (await ViewOf(chat, bob, id)).Unread);
    }

    [Fact]
    public async Task A_burst_of_messages_reaches_a_device_in_seq_order_with_rising_unread_counts()
    {
        var (chat, conversation, id, alice, bob) = await DirectAsync();
        var phone = await chat.ConnectAsync(bob, "phone");
        var laptop = await chat.ConnectAsync(bob, "laptop");
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => conversation.Send(alice, Text(id, $"burst{i}"))));
        await Eventually.Holds(() => Assert.True(phone.Messages().Count >= 100 && laptop.Messages().Count >= 100));
        await chat.QuiesceAsync();

        foreach (var device in new[] { phone, laptop })
        {
            // The events of one user reach a gateway one batch after another, never overtaking each other.
            Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), device.Messages().Select(m => m.Seq));
            AssertRising(device.Unread().Select(u => u.Unread), 100);
        }
    }

    /// <summary>Counts a device shows only go up (one event may cover several messages) and end at the truth.</summary>
    private static void AssertRising(IEnumerable<long> counts, long last)
    {
        var list = counts.ToList();
        Assert.NotEmpty(list);
        Assert.True(list.Zip(list.Skip(1)).All(p => p.First < p.Second), $"unread went {string.Join(", ", list)}");
        Assert.Equal(last, list[^1]);
    }

    [Fact]
    public async Task While_connected_delivery_bookkeeping_is_saved_by_the_sweep_not_per_message()
    {
        var (chat, conversation, id, alice, bob) = await DirectAsync();
        await chat.ConnectAsync(bob, "b1");
        await chat.ConnectAsync(alice, "a1");
        await chat.QuiesceAsync();
        var writesBefore = chat.Storage.Writes;
        for (var i = 0; i < 10; i++) await conversation.Send(alice, Text(id, $"m{i}"));
        await chat.QuiesceAsync();
        Assert.True(chat.Storage.Writes - writesBefore < 10, $"{chat.Storage.Writes - writesBefore} writes for 10 deliveries.");

        // The next sweep tick (it was armed when bob connected) saves what the deliveries deferred.
        await chat.AdvanceAsync(new UserOptions().SweepInterval);
        var stored = (await chat.UserStateAsync(bob))!.Conversations[id];
        Assert.Equal((10L, 10L), (stored.Unread, stored.CountedSeq));
    }
}
