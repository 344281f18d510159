using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Sending: gap-free seq, durable before the ack, idempotent retries, batching, validation and fan-out.</summary>
public sealed class SendTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task Seq_is_gap_free_and_every_acked_message_is_stored()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var view = await conversation.OpenDirect(alice, bob);
        for (var i = 1; i <= 3; i++)
        {
            var result = await conversation.Send(alice, Text(view.ConversationId, $"m{i}"));
            Assert.Equal(i, result.Seq);
            Assert.False(result.Duplicate);
            Assert.Contains(chat.Store.All(view.ConversationId), m => m.Seq == i && m.MessageId == result.MessageId);
        }
    }

    [Fact]
    public async Task A_retry_returns_the_first_result_stores_nothing_and_fans_out_once()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        var bobGateway = await chat.ConnectAsync(bob, "bob-1");

        var first = await conversation.Send(alice, Text(id, "once"));
        var retry = await conversation.Send(alice, Text(id, "once"));
        await Eventually.Holds(() => Assert.NotEmpty(bobGateway.Messages()));
        await chat.QuiesceAsync();

        Assert.Equal((first.Seq, first.MessageId, first.SentAt), (retry.Seq, retry.MessageId, retry.SentAt));
        Assert.True(retry.Duplicate);
        Assert.Single(chat.Store.All(id));
        Assert.Single(bobGateway.Messages());
        Assert.Equal(1, (await chat.User(bob).ListConversations()).Single().Unread);
    }

    [Fact]
    public async Task A_retry_older_than_the_memory_index_is_answered_from_the_log_without_a_gap()
    {
        await using var chat = await ChatSilo.StartAsync(conversations: o =>
        {
            o.RecentClientMsgIds = 1;
            o.RecentMessages = 1;
        });
        var conversation = chat.Direct("alice", "bob");
        await chat.SignUpAsync("alice", "bob");
        var id = (await conversation.OpenDirect("alice", "bob")).ConversationId;
        var first = await conversation.Send("alice", Text(id, "a"));
        await conversation.Send("alice", Text(id, "b"));
        await conversation.Send("alice", Text(id, "c"));

        var retry = await conversation.Send("alice", Text(id, "a"));
        Assert.True(retry.Duplicate);
        Assert.Equal(first.Seq, retry.Seq);
        Assert.Equal(4, (await conversation.Send("alice", Text(id, "d"))).Seq);
        Assert.Equal([1L, 2, 3, 4], chat.Store.All(id).Select(m => m.Seq));
    }

    [Fact]
    public async Task Two_hundred_concurrent_sends_get_seqs_1_to_200_in_fewer_appends()
    {
        var chat = shared.Chat;
        var members = Enumerable.Range(0, 10).Select(i => Id($"u{i}")).ToList();
        var conversation = chat.Conversation("g:load");
        await chat.SignUpAsync([.. members]);
        await conversation.CreateGroup(members[0], "load", members);
        // The store is shared by the tests of this class, which run one at a time: count this test's appends.
        var appendsBefore = chat.Store.AppendCalls;

        var sends = Enumerable.Range(0, 200).Select(i => conversation.Send(members[i % members.Count], Text("g:load", $"c{i}"))).ToList();
        var results = await Task.WhenAll(sends);

        var appends = chat.Store.AppendCalls - appendsBefore;
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), results.Select(r => r.Seq).Order());
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), chat.Store.All("g:load").Select(m => m.Seq));
        Assert.True(appends < 200, $"{appends} appends for 200 sends: nothing was batched.");
    }

    [Fact]
    public async Task Each_sender_keeps_its_order_among_concurrent_senders()
    {
        // Ten devices send at once, each one message after another as a gateway connection does (one hub invocation
        // at a time). Orleans does not promise that requests a caller has in flight together start in issue order.
        var chat = shared.Chat;
        var members = Enumerable.Range(0, 10).Select(i => Id($"u{i}")).ToList();
        var conversation = chat.Conversation("g:order");
        await chat.SignUpAsync([.. members]);
        await conversation.CreateGroup(members[0], "order", members);

        await Task.WhenAll(members.Select(async member =>
        {
            for (var i = 0; i < 20; i++) await conversation.Send(member, Text("g:order", $"{i:D3}.{member}"));
        }));

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), chat.Store.All("g:order").Select(m => m.Seq));
        foreach (var member in members)
        {
            var mine = chat.Store.All("g:order").Where(m => m.SenderId == member).Select(m => int.Parse(m.ClientMsgId[..3], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, 20), mine);
        }
    }

    [Fact]
    public async Task Concurrent_retries_of_one_message_store_it_once()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => conversation.Send(alice, Text(id, "same"))));
        Assert.Single(results.Select(r => (r.Seq, r.MessageId)).Distinct());
        Assert.Single(results, r => !r.Duplicate);
        Assert.Single(chat.Store.All(id));
    }

    [Fact]
    public async Task A_failed_append_fails_the_send_and_leaves_no_gap()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        await conversation.Send(alice, Text(id, "ok"));
        chat.Store.FailNextAppend = new IOException("disk on fire");
        var refused = await Assert.ThrowsAsync<ChatException>(() => conversation.Send(alice, Text(id, "lost")));
        Assert.Equal(ErrorCodes.Unavailable, refused.Code);

        var retried = await conversation.Send(alice, Text(id, "lost"));
        Assert.Equal(2, retried.Seq);
        Assert.False(retried.Duplicate);
        Assert.Equal([1L, 2], chat.Store.All(id).Select(m => m.Seq));
    }

    [Fact]
    public async Task A_second_activation_appending_meanwhile_leaves_no_hole_in_History()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Conversation("g:twin");
        await chat.SignUpAsync(alice, bob);
        await conversation.CreateGroup(alice, "twin", [bob]);
        await conversation.Send(alice, Text("g:twin", "1"));
        // In a cluster whose views disagree for a moment, another activation of this conversation stored seq 2 and 3.
        await chat.Store.AppendAsync("g:twin", [
            new Message("g:twin", 2, "t2", "twin-2", bob, MessageKinds.Text, "two", null, DateTimeOffset.UnixEpoch),
            new Message("g:twin", 3, "t3", "twin-3", bob, MessageKinds.Text, "three", null, DateTimeOffset.UnixEpoch)]);

        var collided = await Assert.ThrowsAsync<ChatException>(() => conversation.Send(alice, Text("g:twin", "4")));
        Assert.Equal(ErrorCodes.Unavailable, collided.Code);
        var retried = await conversation.Send(alice, Text("g:twin", "4"));

        Assert.Equal(4, retried.Seq);
        Assert.Equal([1L, 2, 3, 4], (await conversation.History(alice, long.MaxValue, 50)).Select(m => m.Seq));
    }

    [Fact]
    public async Task Seq_continues_from_the_log_after_reactivation()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Conversation("g:restart");
        await chat.SignUpAsync(alice, bob);
        await conversation.CreateGroup(alice, "restart", [bob]);
        await conversation.Send(alice, Text("g:restart", "1"));
        // Another activation (before a crash) wrote seq 2 that this one never heard of.
        await chat.Store.AppendAsync("g:restart", [new Message("g:restart", 2, "x", "behind", bob, MessageKinds.Text, "hi", null, DateTimeOffset.UnixEpoch)]);
        await chat.DeactivateAsync(conversation);

        Assert.Equal(3, (await conversation.Send(alice, Text("g:restart", "3"))).Seq);
        Assert.True((await conversation.Send(bob, Text("g:restart", "behind"))).Duplicate);
    }

    [Theory]
    [InlineData("", "text", "hi", null)]
    [InlineData("this-client-message-id-is-far-too-long-to-be-accepted-by-the-grain-0123456789", "text", "hi", null)]
    [InlineData("k1", "system", "hi", null)]
    [InlineData("k2", "text", "", null)]
    [InlineData("k3", "image", null, null)]
    [InlineData("k4", "bogus", "hi", null)]
    public async Task Invalid_sends_are_refused_and_store_nothing(string clientMsgId, string kind, string? text, string? attachmentId)
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        var error = await Assert.ThrowsAsync<ChatException>(() => conversation.Send(alice, new SendCommand(id, clientMsgId, kind, text, attachmentId)));
        Assert.Equal(ErrorCodes.Invalid, error.Code);
        Assert.Empty(chat.Store.All(id));
    }

    [Fact]
    public async Task Text_longer_than_the_limit_is_invalid_and_media_needs_an_attachment()
    {
        await using var chat = await ChatSilo.StartAsync(conversations: o => o.MaxTextLength = 10);
        var conversation = chat.Direct("alice", "bob");
        await chat.SignUpAsync("alice", "bob");
        var id = (await conversation.OpenDirect("alice", "bob")).ConversationId;
        var tooLong = await Assert.ThrowsAsync<ChatException>(() => conversation.Send("alice", Text(id, "a", new string('x', 11))));
        Assert.Equal(ErrorCodes.Invalid, tooLong.Code);
        var image = await conversation.Send("alice", new SendCommand(id, "img", MessageKinds.Image, AttachmentId: "file-1"));
        Assert.Equal("file-1", chat.Store.All(id).Single(m => m.Seq == image.Seq).Attachment!.Id);
    }

    [Fact]
    public async Task Outsiders_are_forbidden_and_unknown_conversations_are_not_found()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        Assert.Equal(ErrorCodes.Forbidden, (await Assert.ThrowsAsync<ChatException>(() => conversation.Send("mallory", Text(id, "x")))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<ChatException>(() => chat.Conversation("g:none").Send(alice, Text("g:none", "x")))).Code);
        Assert.Empty(chat.Store.All(id));
    }

    [Fact]
    public async Task A_blocked_sender_is_refused_with_forbidden()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        await chat.User(bob).Block(alice);
        var error = await Assert.ThrowsAsync<ChatException>(() => conversation.Send(alice, Text(id, "hey")));
        Assert.Equal(ErrorCodes.Forbidden, error.Code);
        Assert.Equal(1, (await conversation.Send(bob, Text(id, "bye"))).Seq);

        await chat.User(bob).Unblock(alice);
        Assert.Equal(2, (await conversation.Send(alice, Text(id, "hey"))).Seq);
    }

    [Fact]
    public async Task Every_member_receives_the_message_after_it_is_stored()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var aliceGateway = await chat.ConnectAsync(alice, "a1");
        var bobGateway = await chat.ConnectAsync(bob, "b1");
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        await conversation.Send(alice, Text(id, "m1", "hi bob"));
        await Eventually.Holds(() => Assert.True(bobGateway.Messages().Count > 0 && aliceGateway.Messages().Count > 0));
        await chat.QuiesceAsync();
        Assert.Equal("hi bob", bobGateway.Messages().Single().Text);
        Assert.Equal("hi bob", aliceGateway.Messages().Single().Text);
        Assert.Equal(["b1"], bobGateway.WithTargets<Message>(ClientEventNames.Message).Single().Connections);
    }
}
