using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>The offline queue: filled while a user has no connection, drained and acknowledged, bounded.</summary>
public sealed class OfflineTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task Messages_for_a_user_without_connections_are_queued_drained_and_acknowledged()
    {
        var chat = shared.Chat;
        var (alice, bobId) = (Id("alice"), Id("bob"));
        var conversation = chat.Direct(alice, bobId);
        await chat.SignUpAsync(alice, bobId);
        var id = (await conversation.OpenDirect(alice, bobId)).ConversationId;
        for (var i = 1; i <= 5; i++) await conversation.Send(alice, Text(id, $"m{i}"));
        await chat.QuiesceAsync();
        var bob = chat.User(bobId);
        await Eventually.Holds(async () => Assert.Equal(5, (await chat.UserStateAsync(bobId))!.Offline.Count));

        var first = await bob.TakeOffline(3);
        Assert.Equal([1L, 2, 3], first.Messages.Select(m => m.Seq));
        Assert.True(first.HasMore);
        Assert.False(first.MustSync);
        await bob.AckOffline(first.UpToId);

        var rest = await bob.TakeOffline(10);
        Assert.Equal([4L, 5], rest.Messages.Select(m => m.Seq));
        Assert.False(rest.HasMore);
        await bob.AckOffline(rest.UpToId);
        Assert.Empty((await bob.TakeOffline(10)).Messages);
        Assert.Empty((await chat.UserStateAsync(bobId))!.Offline);
    }

    [Fact]
    public async Task A_full_queue_drops_the_oldest_and_asks_for_a_sync()
    {
        await using var chat = await ChatSilo.StartAsync(users: o => o.OfflineQueueLimit = 5);
        var conversation = chat.Direct("alice", "bob");
        await chat.SignUpAsync("alice", "bob");
        var id = (await conversation.OpenDirect("alice", "bob")).ConversationId;
        for (var i = 1; i <= 8; i++) await conversation.Send("alice", Text(id, $"m{i}"));
        await chat.QuiesceAsync();

        var batch = await chat.User("bob").TakeOffline(100);
        Assert.Equal([4L, 5, 6, 7, 8], batch.Messages.Select(m => m.Seq));
        Assert.True(batch.MustSync);
        await chat.User("bob").AckOffline(batch.UpToId);
        Assert.False((await chat.User("bob").TakeOffline(100)).MustSync);
        // The log still has everything the queue dropped.
        Assert.Equal(8, (await conversation.Since("bob", 0, 100)).Messages.Count);
    }

    [Fact]
    public async Task A_connected_user_gets_pushes_instead_of_queued_messages()
    {
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        var gateway = await chat.ConnectAsync(bob, "b1");
        var conversation = chat.Direct(alice, bob);
        await chat.SignUpAsync(alice, bob);
        var id = (await conversation.OpenDirect(alice, bob)).ConversationId;
        await conversation.Send(alice, Text(id, "m1", "live"));
        await Eventually.Holds(() => Assert.NotEmpty(gateway.Messages()));
        await chat.QuiesceAsync();
        await chat.DisconnectAsync(bob, "b1");
        await conversation.Send(alice, Text(id, "m2", "later"));
        await chat.QuiesceAsync();
        Assert.Equal(["live"], gateway.Messages().Select(m => m.Text));
        Assert.Equal(["later"], (await chat.User(bob).TakeOffline(10)).Messages.Select(m => m.Text));
    }
}
