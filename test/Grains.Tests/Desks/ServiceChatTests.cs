using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Service conversations: opened once per visitor and desk, queued, joined by the assigned agent, left on finish.</summary>
public sealed class ServiceChatTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static async Task<ChatException> Refused(Func<Task> call) => await Assert.ThrowsAsync<ChatException>(call);

    [Fact]
    public async Task Opening_queues_one_service_conversation_per_visitor_and_desk()
    {
        var chat = shared.Chat;
        var (ann, vic, val) = (Id("ann"), Id("vic"), Id("val"));
        await chat.SignUpAsync(ann, vic, val);
        var deskId = Id("care");
        var desk = await chat.NewDeskAsync(deskId, [ann]);

        var opened = await desk.OpenServiceChat(vic);
        Assert.Equal(ConversationIds.Service(deskId, vic), opened.Conversation.ConversationId);
        Assert.Equal(ConversationKinds.Service, opened.Conversation.Kind);
        Assert.Equal(deskId, opened.Conversation.Title);
        Assert.Equal([vic], opened.Conversation.Members.Select(m => m.UserId));
        Assert.Equal(new QueueStatus(opened.Conversation.ConversationId, deskId, 1, null, null), opened.Queue with { Stamp = 0 });
        Assert.True(opened.Queue.Stamp > 0);

        var again = await desk.OpenServiceChat(vic);
        Assert.Equal(opened.Conversation.ConversationId, again.Conversation.ConversationId);
        Assert.Equal(1, again.Queue.Position);
        Assert.Equal(2, (await desk.OpenServiceChat(val)).Queue.Position);
        Assert.Equal([opened.Conversation.ConversationId, ConversationIds.Service(deskId, val)], (await desk.GetView()).Queue.Select(q => q.ConversationId));
        Assert.Contains(opened.Conversation.ConversationId, (await chat.User(vic).ListConversations()).Select(c => c.ConversationId));

        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => chat.Desk(Id("nowhere")).OpenServiceChat(vic))).Code);
    }

    [Fact]
    public async Task The_assigned_agent_joins_and_talks_and_leaves_when_the_chat_is_finished()
    {
        var chat = shared.Chat;
        var (ann, bob, vic) = (Id("ann"), Id("bob"), Id("vic"));
        await chat.SignUpAsync(ann, bob, vic);
        var deskId = Id("care");
        var desk = await chat.NewDeskAsync(deskId, [ann]);
        var visitorDevice = await chat.ConnectAsync(vic, "vic-web");
        var agentDevice = await chat.ConnectAsync(ann, "ann-web");
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        var conversation = chat.Conversation(id);

        await chat.OnlineAsync(ann);
        await Eventually.Holds(async () => Assert.Contains((await conversation.GetView(vic)).Members, m => m.UserId == ann && m.Role == MemberRoles.Agent));
        Assert.Equal([id], (await chat.Agent(ann).GetLoad()).Chats);
        Assert.Equal(ann, (await desk.Position(id)).AgentId);
        await Eventually.Holds(() => Assert.Contains(new AssignedEvent(id, deskId, vic), agentDevice.Of<AssignedEvent>(ClientEventNames.Assigned)));
        await Eventually.Holds(() => Assert.Contains(visitorDevice.Of<QueueStatus>(ClientEventNames.Queue), q => q.AgentId == ann && q.Position is null));
        await Eventually.Holds(() => Assert.Contains(visitorDevice.Of<ConversationView>(ClientEventNames.Conversation), v => v.Members.Any(m => m.UserId == ann)));

        await conversation.Send(vic, Text(id, "v1", "hello"));
        await conversation.Send(ann, Text(id, "a1", "how can I help?"));
        Assert.Equal(["hello", "how can I help?"], (await conversation.History(ann, 100, 10)).Select(m => m.Text));

        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => desk.FinishServiceChat(bob, id))).Code);
        var load = await desk.FinishServiceChat(ann, id);
        Assert.Empty(load.Chats);
        Assert.DoesNotContain((await conversation.GetView(vic)).Members, m => m.UserId == ann);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.Send(ann, Text(id, "a2", "still here?")))).Code);
        await Eventually.Holds(async () => Assert.Empty((await desk.GetView()).Assigned));
        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => desk.FinishServiceChat(ann, id))).Code);

        // The same visitor comes back: the same conversation, served again.
        var back = await desk.OpenServiceChat(vic);
        Assert.Equal(id, back.Conversation.ConversationId);
        Assert.Equal(ann, back.Queue.AgentId);
        Assert.Contains(back.Conversation.Members, m => m.UserId == ann);
    }

    [Fact]
    public async Task Waiting_visitors_hear_their_new_position_when_the_queue_moves()
    {
        var chat = shared.Chat;
        var (ann, vic, val) = (Id("ann"), Id("vic"), Id("val"));
        await chat.SignUpAsync(ann, vic, val);
        var desk = await chat.NewDeskAsync(Id("care"), [ann], capacity: 1);
        var second = await chat.ConnectAsync(val, "val-web");
        await desk.OpenServiceChat(vic);
        var secondId = (await desk.OpenServiceChat(val)).Conversation.ConversationId;
        Assert.Equal(2, (await desk.Position(secondId)).Position);

        await chat.OnlineAsync(ann);
        await Eventually.Holds(() => Assert.Contains(second.Of<QueueStatus>(ClientEventNames.Queue), q => q.ConversationId == secondId && q.Position == 1));
        Assert.Equal(1, (await desk.Position(secondId)).Position);
    }

    [Fact]
    public async Task A_queue_status_that_arrives_after_a_newer_one_never_reaches_the_visitor()
    {
        var chat = shared.Chat;
        var vic = Id("vic");
        await chat.SignUpAsync(vic);
        var device = await chat.ConnectAsync(vic, "vic-web");
        var id = ConversationIds.Service(Id("care"), vic);
        var visitor = chat.User(vic);

        // A desk pushes one-way, and such calls can overtake each other (seen in the two-silo desk load test): here the
        // status for 2nd place (stamp 20) arrives after the one for 1st place (stamp 30).
        var seen = () => device.Of<QueueStatus>(ClientEventNames.Queue).Select(q => q.Stamp).ToList();
        await visitor.PushQueue(new QueueStatus(id, "care", 3, null, null, Stamp: 10));
        await Eventually.Holds(() => Assert.Contains(10, seen()));
        await visitor.PushQueue(new QueueStatus(id, "care", 1, null, null, Stamp: 30));
        await Eventually.Holds(() => Assert.Contains(30, seen()));
        await visitor.PushQueue(new QueueStatus(id, "care", 2, null, null, Stamp: 20));
        await visitor.PushQueue(new QueueStatus(id, "care", null, null, "ann", Stamp: 40));
        await Eventually.Holds(() => Assert.Contains(40, seen()));

        Assert.Equal([3, 1, null], device.Of<QueueStatus>(ClientEventNames.Queue).Select(q => q.Position));
    }
}
