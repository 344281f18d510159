using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Issue 10 item 9: only the assigned agent replies, their first reply stops the no-answer clock, supervisors take over.</summary>
public sealed class DeskReplyTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The timeout plus the desk's retry interval (15 s), the longest a take-back waits.</summary>
    private static readonly TimeSpan PastTimeout = Timeout + TimeSpan.FromSeconds(15);

    private static async Task<ChatException> Refused(Func<Task> call) => await Assert.ThrowsAsync<ChatException>(call);

    [Fact]
    public async Task Only_the_assigned_agent_replies_and_the_reply_stops_the_clock()
    {
        var chat = shared.Chat;
        var (ann, bob, vic) = (Id("ann"), Id("bob"), Id("vic"));
        await chat.SignUpAsync(ann, bob, vic);
        var deskId = Id("reply");
        var desk = await chat.NewDeskAsync(deskId, [ann, bob], capacity: 1, noAnswer: Timeout);
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        var conversation = chat.Conversation(id);
        await chat.OnlineAsync(ann);
        await Eventually.Holds(async () => Assert.Equal(ann, (await desk.Position(id)).AgentId));
        await chat.OnlineAsync(bob);

        // Ann does not answer: the chat goes to Bob, and Ann, still in the conversation, may no longer reply.
        await chat.AdvanceAsync(PastTimeout);
        await Eventually.Holds(async () => Assert.Equal(bob, (await desk.Position(id)).AgentId));
        await Eventually.Holds(async () => Assert.Contains((await conversation.GetView(vic)).Members, m => m.UserId == bob && m.Role == MemberRoles.Agent));
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.Send(ann, Text(id, "a1", "sorry, I was away")))).Code);
        await conversation.Send(vic, Text(id, "v1", "anyone?"));

        // Bob's first reply reaches the desk on its own (the send does not wait for it) and stops the clock.
        await conversation.Send(bob, Text(id, "b1", "here, how can I help?"));
        await Eventually.Holds(async () => Assert.NotNull((await chat.DeskStateAsync(deskId))!.Assigned[id].RepliedAt));
        await chat.AdvanceAsync(PastTimeout * 2);
        await conversation.Send(vic, Text(id, "v2", "thanks"));
        Assert.Equal(bob, (await desk.Position(id)).AgentId);
        Assert.Equal([id], (await chat.Agent(bob).GetLoad()).Chats);
        Assert.Equal(["anyone?", "here, how can I help?", "thanks"], (await conversation.History(vic, 100, 10)).Select(m => m.Text));
    }

    [Fact]
    public async Task A_supervisor_takes_a_chat_over_and_the_agent_leaves()
    {
        var chat = shared.Chat;
        var (ann, sue, vic) = (Id("ann"), Id("sue"), Id("vic"));
        await chat.SignUpAsync(ann, sue, vic);
        var deskId = Id("takeover");
        var desk = chat.Desk(deskId);
        await desk.Configure(new DeskSettings(deskId, [ann], [sue], 1, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
        var supervisorDevice = await chat.ConnectAsync(sue, "sue-web");
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        var conversation = chat.Conversation(id);
        await chat.OnlineAsync(ann);
        await Eventually.Holds(async () => Assert.Equal(ann, (await desk.Position(id)).AgentId));
        await conversation.Send(ann, Text(id, "a1", "hello"));

        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => desk.TakeOver(id, ann))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => desk.TakeOver(Id("s:none"), sue))).Code);

        var ticket = await desk.TakeOver(id, sue);
        Assert.Equal(sue, ticket.AgentId);
        Assert.Empty((await chat.Agent(ann).GetLoad()).Chats);
        Assert.Equal([id], (await chat.Agent(sue).GetLoad()).Chats);
        var members = (await conversation.GetView(vic)).Members;
        Assert.DoesNotContain(members, m => m.UserId == ann);
        Assert.Contains(members, m => m.UserId == sue && m.Role == MemberRoles.Agent);
        await Eventually.Holds(() => Assert.Contains(new AssignedEvent(id, deskId, vic), supervisorDevice.Of<AssignedEvent>(ClientEventNames.Assigned)));
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => conversation.Send(ann, Text(id, "a2", "still me")))).Code);
        await conversation.Send(sue, Text(id, "s1", "I will take it from here"));
        Assert.Equal(sue, (await desk.TakeOver(id, sue)).AgentId);

        var audit = (await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(DeskId: deskId))).Entries;
        var entry = Assert.Single(audit, e => e.Action == AuditActions.TakeOver);
        Assert.Equal((sue, id), (entry.Actor, entry.Target));
        Assert.Contains(ann, entry.Details);

        // The supervisor finishes it like an agent; Ann's freed slot serves the next visitor.
        Assert.Empty((await desk.FinishServiceChat(sue, id)).Chats);
        await Eventually.Holds(async () => Assert.Empty((await desk.GetView()).Assigned));
        Assert.DoesNotContain((await conversation.GetView(vic)).Members, m => m.UserId == sue);
    }
}
