using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>The overflow flag of the offline queue lasts until a hand-over has drained the whole queue.</summary>
public sealed class OfflineOverflowTests
{
    [Fact]
    public async Task A_hand_over_cut_off_after_its_first_batch_leaves_the_next_one_told_to_sync()
    {
        await using var chat = await ChatSilo.StartAsync(users: o => o.OfflineQueueLimit = 4);
        var conversation = chat.Direct("alice", "bob");
        await chat.SignUpAsync("alice", "bob");
        var id = (await conversation.OpenDirect("alice", "bob")).ConversationId;
        for (var i = 1; i <= 7; i++) await conversation.Send("alice", Text(id, $"m{i}"));
        await chat.QuiesceAsync();
        var bob = chat.User("bob");

        // The first device takes and acknowledges one batch, then its connection drops.
        var first = await bob.TakeOffline(2);
        Assert.True(first.MustSync);
        await bob.AckOffline(first.UpToId);

        // The next device still learns that messages were dropped, until it has drained the queue.
        var second = await bob.TakeOffline(10);
        Assert.Equal([6L, 7], second.Messages.Select(m => m.Seq));
        Assert.True(second.MustSync);
        await bob.AckOffline(second.UpToId);
        Assert.False((await bob.TakeOffline(10)).MustSync);
    }
}
