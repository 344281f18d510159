using Im.Orleans.Grains.Messages;
using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests.Conversations;

/// <summary>Issue 12 defect 1: a clientMsgId found stored only at insert time must not leave a seq hole.</summary>
public sealed class SeqGapTests
{
    [Fact]
    public async Task A_client_message_id_stored_behind_the_grains_back_leaves_no_seq_hole()
    {
        await using var chat = await ChatSilo.StartAsync();
        var conversation = chat.Direct("alice", "bob");
        await chat.SignUpAsync("alice", "bob");
        var id = (await conversation.OpenDirect("alice", "bob")).ConversationId;
        Assert.Equal(1, (await conversation.Send("alice", Text(id, "first"))).Seq);

        // Another writer (say a stale activation) stored "twice" after this grain's last look at the log.
        var elsewhere = new Message(id, 500, "elsewhere", "twice", "alice", MessageKinds.Text, "twice", null, DateTimeOffset.UtcNow);
        await chat.Store.AppendAsync(id, [elsewhere]);

        var results = new List<SendResult>();
        foreach (var clientMsgId in new[] { "a", "twice", "b" }) results.Add(await conversation.Send("alice", Text(id, clientMsgId)));

        Assert.True(results[1].Duplicate);
        Assert.Equal(500, results[1].Seq);
        Assert.Equal([2L, 3], new[] { results[0].Seq, results[2].Seq });
        Assert.Equal(4, (await conversation.Send("alice", Text(id, "c"))).Seq);
        var history = await conversation.History("bob", 500, 10);
        Assert.Equal([1L, 2, 3, 4], history.Select(m => m.Seq));
        Assert.Equal(["first", "a", "b", "c"], history.Select(m => m.ClientMsgId));
        Assert.Equal(4, (await conversation.GetView("bob")).LastSeq);
    }
}
