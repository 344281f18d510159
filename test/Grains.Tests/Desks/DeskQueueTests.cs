using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>The desk's queue: FIFO, idempotent, positions that only fall, and persisted across deactivation.</summary>
public sealed class DeskQueueTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task Visitors_wait_in_arrival_order_and_a_repeated_enqueue_keeps_its_place()
    {
        var chat = shared.Chat;
        var desk = await chat.NewDeskAsync(Id("sales"), [Id("ann")]);
        var conversations = Enumerable.Range(1, 4).Select(i => Id($"s:c{i}")).ToArray();
        for (var i = 0; i < conversations.Length; i++) Assert.Equal(i + 1, (await desk.Enqueue(conversations[i], $"v{i}")).Position);

        var again = await desk.Enqueue(conversations[1], "v1");
        Assert.Equal(2, again.Position);
        Assert.Equal(conversations, (await desk.GetView()).Queue.Select(q => q.ConversationId));
        Assert.Equal(chat.Clock.GetUtcNow(), (await desk.GetView()).Queue[0].EnqueuedAt);

        Assert.True(await desk.Withdraw(conversations[0]));
        Assert.Equal(1, (await desk.Position(conversations[1])).Position);
        var gone = await desk.Position(conversations[0]);
        Assert.Null(gone.Position);
        Assert.Null(gone.AgentId);
    }

    [Fact]
    public async Task A_desk_nobody_configured_refuses_visitors()
    {
        var error = await Assert.ThrowsAsync<ChatException>(() => shared.Chat.Desk(Id("nowhere")).Enqueue("s:x", "v"));
        Assert.Equal(ErrorCodes.NotFound, error.Code);
    }

    [Fact]
    public async Task Positions_only_decrease_while_the_queue_drains()
    {
        var chat = shared.Chat;
        var ann = Id("ann");
        var desk = await chat.NewDeskAsync(Id("help"), [ann], capacity: 1);
        var conversations = Enumerable.Range(1, 6).Select(i => Id($"s:p{i}")).ToArray();
        foreach (var c in conversations) await desk.Enqueue(c, "v-" + c);
        var last = conversations.ToDictionary(c => c, c => int.MaxValue);

        await chat.OnlineAsync(ann);
        var served = new List<string>();
        while (served.Count < conversations.Length)
        {
            var held = await WaitForHoldingAsync(chat, ann);
            served.Add(held);
            foreach (var c in conversations.Except(served))
            {
                var position = (await desk.Position(c)).Position!.Value;
                Assert.True(position <= last[c], $"{c} moved back from {last[c]} to {position}");
                last[c] = position;
            }
            await chat.Agent(ann).Finish(held);
        }
        Assert.Equal(conversations, served);
    }

    [Fact]
    public async Task The_queue_survives_a_deactivation_and_drains_when_back()
    {
        var chat = shared.Chat;
        var (deskId, ann) = (Id("billing"), Id("ann"));
        var desk = await chat.NewDeskAsync(deskId, [ann]);
        var conversations = Enumerable.Range(1, 3).Select(i => Id($"s:d{i}")).ToArray();
        foreach (var c in conversations) await desk.Enqueue(c, "v-" + c);
        var before = await desk.GetView();

        await chat.DeactivateAsync(desk);
        Assert.Equal(conversations, (await chat.DeskStateAsync(deskId))!.Queue.Select(q => q.ConversationId));
        var after = await chat.Desk(deskId).GetView();
        Assert.Equal(before.Queue, after.Queue);
        Assert.Equal(before.Settings.Name, after.Settings.Name);
        Assert.Equal(3, (await chat.Desk(deskId).Position(conversations[2])).Position);

        await chat.DeactivateAsync(chat.Agent(ann));
        await chat.OnlineAsync(ann);
        await Eventually.Holds(async () => Assert.Equal(2, (await chat.Agent(ann).GetLoad()).Chats.Count));
        Assert.Equal(conversations[..2], (await chat.Agent(ann).GetLoad()).Chats);
        Assert.Equal(1, (await chat.Desk(deskId).Position(conversations[2])).Position);
    }

    private static async Task<string> WaitForHoldingAsync(ChatSilo chat, string agent)
    {
        IReadOnlyList<string> chats = [];
        await Eventually.Holds(async () =>
        {
            chats = (await chat.Agent(agent).GetLoad()).Chats;
            Assert.Single(chats);
        });
        return chats[0];
    }
}
