using Im.Orleans.Gateway.Tests.Infrastructure;

namespace Im.Orleans.Gateway.Tests;

/// <summary>Send, the "message" event, MarkRead with "unread" and "read", Sync, History, Recall with "recalled", and the offline queue.</summary>
[Collection(GatewayCollection.Name)]
public sealed class MessageTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    [Fact]
    public async Task Send_acks_with_seq_and_every_member_gets_messages_in_order_without_duplicates()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        var bobSecondDevice = await HubClient.ConnectAsync(Server.Address, bob.Token, "phone");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await using var ___ = bobSecondDevice;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");

        for (var i = 1; i <= 20; i++)
        {
            var ack = await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"m{i}", kind = "text", text = $"hello {i}" });
            Assert.Equal(i, ack.Long("seq"));
            Assert.Equal(id, ack.Str("conversationId"));
            Assert.False(ack.Bool("duplicate"));
            Assert.False(string.IsNullOrEmpty(ack.Str("messageId")));
        }

        foreach (var device in new[] { bobHub, bobSecondDevice, aliceHub })
        {
            var messages = await device.WaitForEventsAsync("message", 20);
            await Task.Delay(200);
            messages = device.Events("message");
            Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), messages.Select(m => m.Long("seq")));
            Assert.Equal("hello 20", messages[^1].Str("text"));
            Assert.Equal("text", messages[0].Str("kind"));
            Assert.Equal("m1", messages[0].Str("clientMsgId"));
            Assert.False(messages[0].Bool("recalled"));
        }
    }

    [Fact]
    public async Task A_retried_send_returns_the_first_result_and_stores_nothing_new()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        var send = new { conversationId = id, clientMsgId = "retry-1", kind = "text", text = "once" };

        var first = await aliceHub.InvokeAsync("Send", send);
        var second = await aliceHub.InvokeAsync("Send", send);

        Assert.Equal(first.Long("seq"), second.Long("seq"));
        Assert.Equal(first.Str("messageId"), second.Str("messageId"));
        Assert.True(second.Bool("duplicate"));
        var history = await bobHub.InvokeAsync("History", id, 100, 50);
        Assert.Single(history.Items());
    }

    [Fact]
    public async Task MarkRead_answers_counts_and_pushes_unread_to_every_device_and_read_to_the_peer()
    {
        var (alice, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        var bobPhone = await HubClient.ConnectAsync(Server.Address, bob.Token, "phone");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await using var ___ = bobPhone;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        for (var i = 1; i <= 3; i++) await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"u{i}", kind = "text", text = "x" });
        await bobPhone.WaitForEventAsync("unread", e => e.Str("conversationId") == id && e.Long("unread") == 3);

        var result = await bobHub.InvokeAsync("MarkRead", id, 2);
        Assert.Equal(id, result.Str("conversationId"));
        Assert.Equal(1, result.Long("unread"));
        Assert.Equal(1, result.Long("totalUnread"));

        var unread = await bobPhone.WaitForEventAsync("unread", e => e.Str("conversationId") == id && e.Long("unread") == 1);
        Assert.Equal(1, unread.Long("totalUnread"));
        var read = await aliceHub.WaitForEventAsync("read", e => e.Str("conversationId") == id);
        Assert.Equal(bob.UserId, read.Str("userId"));
        Assert.Equal(2, read.Long("seq"));

        // Retrying or going backwards never drifts the count.
        Assert.Equal(1, (await bobHub.InvokeAsync("MarkRead", id, 2)).Long("unread"));
        Assert.Equal(1, (await bobHub.InvokeAsync("MarkRead", id, 1)).Long("unread"));
        Assert.Equal(0, (await bobHub.InvokeAsync("MarkRead", id, 3)).Long("unread"));
        Assert.StartsWith("guest-", alice.UserId);
    }

    [Fact]
    public async Task Sync_returns_messages_after_each_cursor_and_every_conversation()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var direct = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        var group = (await aliceHub.InvokeAsync("CreateGroup", new { title = "G", memberIds = new[] { bob.UserId } })).Str("conversationId");
        for (var i = 1; i <= 5; i++) await aliceHub.InvokeAsync("Send", new { conversationId = direct, clientMsgId = $"d{i}", kind = "text", text = $"d{i}" });
        for (var i = 1; i <= 2; i++) await aliceHub.InvokeAsync("Send", new { conversationId = group, clientMsgId = $"g{i}", kind = "text", text = $"g{i}" });

        // A new device of Bob's knows nothing: it learns both conversations, then asks from 2 and from 0.
        var fresh = await bobHub.InvokeAsync("Sync", new { cursors = new Dictionary<string, long>() });
        Assert.Equal(new[] { direct, group }.Order(), fresh.Items("conversations").Select(c => c.Str("conversationId")).Order());
        Assert.Empty(fresh.Items("messages"));

        var sync = await bobHub.InvokeAsync("Sync", new { cursors = new Dictionary<string, long> { [direct] = 2, [group] = 0 }, limit = 2 });
        var messages = sync.Items("messages");
        Assert.Equal(new long[] { 3, 4 }, messages.Where(m => m.Str("conversationId") == direct).Select(m => m.Long("seq")));
        Assert.Equal(new long[] { 1, 2 }, messages.Where(m => m.Str("conversationId") == group).Select(m => m.Long("seq")));
        Assert.True(sync.Bool("hasMore"));

        var rest = await bobHub.InvokeAsync("Sync", new { cursors = new Dictionary<string, long> { [direct] = 4, [group] = 2 } });
        Assert.Equal(new long[] { 5 }, rest.Items("messages").Select(m => m.Long("seq")));
        Assert.False(rest.Bool("hasMore"));

        // A cursor for a conversation the user is not in is skipped, not an error.
        var foreign = await bobHub.InvokeAsync("Sync", new { cursors = new Dictionary<string, long> { ["g:notmine"] = 0 } });
        Assert.Empty(foreign.Items("messages"));
        await HubAssert.FailsWith("invalid", () => bobHub.InvokeAsync("Sync", new { cursors = new Dictionary<string, long> { [direct] = -1 } }));
        await HubAssert.FailsWith("invalid", () => bobHub.InvokeAsync("Sync", new { cursors = new { }, limit = 100_000 }));
    }

    [Fact]
    public async Task History_returns_messages_before_a_seq_ascending_and_limited()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        var (_, outsiderHub) = await Server.ConnectGuestAsync("Outsider");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        await using var ___ = outsiderHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        for (var i = 1; i <= 10; i++) await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"h{i}", kind = "text", text = $"{i}" });

        var page = await bobHub.InvokeAsync("History", id, 8, 3);
        Assert.Equal(new long[] { 5, 6, 7 }, page.Items().Select(m => m.Long("seq")));
        var latest = await bobHub.InvokeAsync("History", id, 11, 100);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), latest.Items().Select(m => m.Long("seq")));

        await HubAssert.FailsWith("forbidden", () => outsiderHub.InvokeAsync("History", id, 11, 10));
        await HubAssert.FailsWith("invalid", () => bobHub.InvokeAsync("History", id, 0, 10));
        await HubAssert.FailsWith("invalid", () => bobHub.InvokeAsync("History", id, 11, 0));
        await HubAssert.FailsWith("invalid", () => bobHub.InvokeAsync("History", id, 11, 1000));
    }

    [Fact]
    public async Task Recall_by_the_sender_pushes_recalled_and_marks_the_message()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        var ack = await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = "r1", kind = "text", text = "oops" });

        await HubAssert.FailsWith("forbidden", () => bobHub.InvokeAsync("Recall", id, ack.Long("seq")));
        await aliceHub.InvokeAsync("Recall", id, ack.Long("seq"));

        var recalled = await bobHub.WaitForEventAsync("recalled", e => e.Str("conversationId") == id);
        Assert.Equal(ack.Long("seq"), recalled.Long("seq"));
        Assert.Equal(ack.Str("messageId"), recalled.Str("messageId"));
        var stored = (await bobHub.InvokeAsync("History", id, 100, 10)).Items().Single();
        Assert.True(stored.Bool("recalled"));
        await HubAssert.FailsWith("not_found", () => aliceHub.InvokeAsync("Recall", id, 99));
    }

    [Fact]
    public async Task Messages_sent_while_offline_arrive_on_reconnect_once()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var bob = await Server.GuestAsync("Bob");
        await using var _ = aliceHub;
        var id = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        for (var i = 1; i <= 3; i++) await aliceHub.InvokeAsync("Send", new { conversationId = id, clientMsgId = $"o{i}", kind = "text", text = $"o{i}" });

        await using (var bobHub = await HubClient.ConnectAsync(Server.Address, bob.Token))
        {
            var delivered = await bobHub.WaitForEventsAsync("message", 3);
            await Task.Delay(300);
            Assert.Equal(new long[] { 1, 2, 3 }, bobHub.Events("message").Select(m => m.Long("seq")));
        }

        // Acknowledged: the next connection does not get them again.
        await using var again = await HubClient.ConnectAsync(Server.Address, bob.Token);
        await Task.Delay(500);
        Assert.Empty(again.Events("message"));
    }
}
