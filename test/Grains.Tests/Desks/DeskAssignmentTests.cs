using Im.Orleans.Grains.Desks;
using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Who gets a waiting chat: least loaded, sticky within the window, only online agents with a free slot, once.</summary>
public sealed class DeskAssignmentTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task The_least_loaded_agent_gets_the_next_chat()
    {
        var chat = shared.Chat;
        var (ann, bob, cat) = (Id("ann"), Id("bob"), Id("cat"));
        var desk = await chat.NewDeskAsync(Id("sales"), [cat, bob, ann], capacity: 3);
        await chat.OnlineAsync(ann, bob, cat);

        var agents = new List<string?>();
        for (var i = 0; i < 6; i++) agents.Add((await desk.Enqueue(Id($"s:l{i}"), $"v{i}")).AgentId);
        // Ties go by id, so the rotation is ann, bob, cat.
        Assert.Equal([ann, bob, cat, ann, bob, cat], agents);

        var bobsFirst = (await chat.Agent(bob).GetLoad()).Chats[0];
        await chat.Agent(bob).Finish(bobsFirst);
        await Eventually.Holds(async () => Assert.DoesNotContain(bobsFirst, (await desk.GetView()).Assigned.Keys));
        Assert.Equal(bob, (await desk.Enqueue(Id("s:next"), "v-next")).AgentId);
    }

    [Fact]
    public async Task The_queue_drains_when_an_agent_comes_online_and_when_a_chat_ends()
    {
        var chat = shared.Chat;
        var ann = Id("ann");
        var desk = await chat.NewDeskAsync(Id("help"), [ann], capacity: 2);
        var conversations = Enumerable.Range(1, 3).Select(i => Id($"s:o{i}")).ToArray();
        foreach (var c in conversations) Assert.Null((await desk.Enqueue(c, "v-" + c)).AgentId);

        await chat.Agent(ann).SetStatus(AgentStatus.Away);
        Assert.Equal(3, (await desk.GetView()).Queue.Count);
        await chat.OnlineAsync(ann);
        await Eventually.Holds(async () => Assert.Single((await desk.GetView()).Queue));
        Assert.Equal(conversations[..2], (await chat.Agent(ann).GetLoad()).Chats);

        await chat.Agent(ann).Finish(conversations[0]);
        await Eventually.Holds(async () => Assert.Equal(ann, (await desk.Position(conversations[2])).AgentId));
        Assert.Empty((await desk.GetView()).Queue);
    }

    [Fact]
    public async Task A_returning_visitor_gets_their_last_agent_within_the_sticky_window_only()
    {
        var chat = shared.Chat;
        var (ann, bob, visitor) = (Id("ann"), Id("bob"), Id("vera"));
        var desk = await chat.NewDeskAsync(Id("shop"), [ann, bob], capacity: 3, sticky: TimeSpan.FromMinutes(1));
        await chat.OnlineAsync(ann, bob);
        var first = Id("s:first");
        Assert.Equal(ann, (await desk.Enqueue(first, visitor)).AgentId);
        await chat.Agent(ann).Finish(first);
        await Eventually.Holds(async () => Assert.Empty((await desk.GetView()).Assigned));
        // Ann is busier than Bob from now on, so only stickiness sends the visitor to her.
        Assert.Equal(ann, (await desk.Enqueue(Id("s:other"), Id("otto"))).AgentId);

        await chat.AdvanceAsync(TimeSpan.FromSeconds(50));
        var second = Id("s:second");
        Assert.Equal(ann, (await desk.Enqueue(second, visitor)).AgentId);
        await chat.Agent(ann).Finish(second);
        await Eventually.Holds(async () => Assert.DoesNotContain(second, (await desk.GetView()).Assigned.Keys));

        await chat.AdvanceAsync(TimeSpan.FromSeconds(65));
        Assert.Equal(bob, (await desk.Enqueue(Id("s:third"), visitor)).AgentId);
    }

    [Fact]
    public async Task A_sticky_agent_who_is_full_does_not_hold_the_visitor_back()
    {
        var chat = shared.Chat;
        var (ann, bob, visitor) = (Id("ann"), Id("bob"), Id("vera"));
        var desk = await chat.NewDeskAsync(Id("shop"), [ann, bob], capacity: 1, sticky: TimeSpan.FromHours(1));
        await chat.OnlineAsync(ann, bob);
        var first = Id("s:first");
        Assert.Equal(ann, (await desk.Enqueue(first, visitor)).AgentId);
        await chat.Agent(ann).Finish(first);
        await Eventually.Holds(async () => Assert.Empty((await desk.GetView()).Assigned));
        Assert.Equal(ann, (await desk.Enqueue(Id("s:other"), Id("otto"))).AgentId);

        Assert.Equal(bob, (await desk.Enqueue(Id("s:again"), visitor)).AgentId);
    }

    [Fact]
    public async Task An_offer_the_desk_lost_the_answer_to_goes_back_to_the_same_agent_and_takes_no_second_slot()
    {
        var chat = shared.Chat;
        var (deskId, ann, bob) = (Id("desk"), Id("ann"), Id("bob"));
        var desk = await chat.NewDeskAsync(deskId, [ann, bob], capacity: 2);
        await chat.OnlineAsync(ann);
        var conversation = Id("s:lost");
        Assert.Equal(ann, (await desk.Enqueue(conversation, "v")).AgentId);

        // As if the desk died after Ann accepted and before it wrote: the stored queue still holds the offered chat.
        var stored = (await chat.DeskStateAsync(deskId))!;
        stored.Assigned.Clear();
        stored.Queue.Add(new QueueEntry { ConversationId = conversation, VisitorId = "v", EnqueuedAt = chat.Clock.GetUtcNow(), OfferedTo = ann });
        await chat.Storage.WriteBehindGrainAsync("desk", GrainId.Create("desk", deskId), stored);
        await chat.DeactivateAsync(desk);
        await chat.OnlineAsync(bob);

        Assert.Equal(ann, (await chat.Desk(deskId).Position(conversation)).AgentId);
        Assert.Equal([conversation], (await chat.Agent(ann).GetLoad()).Chats);
        Assert.Empty((await chat.Agent(bob).GetLoad()).Chats);
    }

    [Fact]
    public async Task Only_online_agents_of_the_desk_get_chats()
    {
        var chat = shared.Chat;
        var (ann, outsider) = (Id("ann"), Id("out"));
        var desk = await chat.NewDeskAsync(Id("desk"), [ann]);
        await chat.OnlineAsync(outsider);
        await chat.Agent(ann).SetStatus(AgentStatus.Busy);
        var waiting = await desk.Enqueue(Id("s:w"), "v");
        Assert.Equal(1, waiting.Position);
        Assert.Empty((await chat.Agent(outsider).GetLoad()).Chats);
        var refused = await chat.Agent(outsider).Offer(Id("desk"), "s:x");
        Assert.False(refused.Accepted);
    }
}
