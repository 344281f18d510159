using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Issue 10 item 5: a chat handed to another agent (who must take it) or to another desk (at the head of its queue).</summary>
public sealed class TransferTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static async Task<ChatException> Refused(Func<Task> call) => await Assert.ThrowsAsync<ChatException>(call);

    [Fact]
    public async Task A_chat_goes_to_another_agent_only_when_that_agent_can_take_it()
    {
        var chat = shared.Chat;
        var (ann, bob, sue, vic, val, stranger) = (Id("ann"), Id("bob"), Id("sue"), Id("vic"), Id("val"), Id("stranger"));
        await chat.SignUpAsync(ann, bob, sue, vic, val, stranger);
        var deskId = Id("xfer");
        var desk = chat.Desk(deskId);
        await desk.Configure(new DeskSettings(deskId, [ann, bob], [sue], 1, TimeSpan.Zero, TimeSpan.Zero));
        var bobDevice = await chat.ConnectAsync(bob, "bob-web");
        var vicDevice = await chat.ConnectAsync(vic, "vic-web");
        await chat.OnlineAsync(ann);
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        Assert.Equal(ann, (await desk.Position(id)).AgentId);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(60));

        // Bob is offline, the stranger is no agent of the desk: refused, and the chat stays with Ann.
        Assert.Equal(ErrorCodes.Conflict, (await Refused(() => desk.TransferToAgent(id, ann, false, bob, null))).Code);
        Assert.Equal(ErrorCodes.Conflict, (await Refused(() => desk.TransferToAgent(id, ann, false, stranger, null))).Code);
        // Only the serving agent or a supervisor hands it on.
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => desk.TransferToAgent(id, bob, false, bob, null))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => desk.TransferToAgent(Id("s:none:x"), ann, false, bob, null))).Code);

        // Bob online but full with another visitor: still refused.
        await chat.OnlineAsync(bob);
        var other = (await desk.OpenServiceChat(val)).Conversation.ConversationId;
        Assert.Equal(bob, (await desk.Position(other)).AgentId);
        Assert.Equal(ErrorCodes.Conflict, (await Refused(() => desk.TransferToAgent(id, ann, false, bob, "refund case"))).Code);
        Assert.Equal(ann, (await desk.Position(id)).AgentId);
        await chat.AssertLoadsSoundAsync([ann, bob]);

        // Bob frees his slot: the supervisor moves the chat to him, with a note only he sees.
        await desk.FinishServiceChat(bob, other);
        var moved = await desk.TransferToAgent(id, sue, false, bob, "refund case");
        Assert.Equal(bob, moved.AgentId);
        Assert.Empty((await chat.Agent(ann).GetLoad()).Chats);
        Assert.Equal([id], (await chat.Agent(bob).GetLoad()).Chats);
        await chat.AssertLoadsSoundAsync([ann, bob]);
        var members = (await chat.Conversation(id).GetView(vic)).Members;
        Assert.DoesNotContain(members, m => m.UserId == ann);
        Assert.Contains(members, m => m.UserId == bob && m.Role == MemberRoles.Agent);
        await Eventually.Holds(() => Assert.Contains(new AssignedEvent(id, deskId, vic, ann, "refund case"), bobDevice.Of<AssignedEvent>(ClientEventNames.Assigned)));
        await Eventually.Holds(() => Assert.Contains(vicDevice.Of<QueueStatus>(ClientEventNames.Queue), q => q.AgentId == bob));
        Assert.DoesNotContain(vicDevice.Calls, c => c.Arguments.Any(a => a?.ToString()?.Contains("refund") == true));
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => chat.Conversation(id).Send(ann, Text(id, "a1", "me again")))).Code);
        await chat.Conversation(id).Send(bob, Text(id, "b1", "I can help with the refund"));

        var entry = Assert.Single((await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(DeskId: deskId))).Entries, e => e.Action == AuditActions.Transfer);
        Assert.Equal((sue, id), (entry.Actor, entry.Target));
        Assert.Contains($"agent {ann} -> agent {bob}", entry.Details);
        Assert.Contains("refund case", entry.Details);

        // The handle time runs from Ann's assignment, not from the transfer.
        await chat.AdvanceAsync(TimeSpan.FromSeconds(30));
        await desk.FinishServiceChat(bob, id);
        await Eventually.Holds(async () => Assert.Equal(TimeSpan.FromSeconds(90).Ticks, (await chat.DeskStateAsync(deskId))!.RecentHandleTicks[^1]));
    }

    [Fact]
    public async Task A_chat_sent_to_another_desk_waits_at_the_head_of_its_queue()
    {
        var chat = shared.Chat;
        var (ann, bob, vic, wes) = (Id("ann"), Id("bob"), Id("vic"), Id("wes"));
        await chat.SignUpAsync(ann, bob, vic, wes);
        var (homeId, otherId) = (Id("sales"), Id("billing"));
        var home = await chat.NewDeskAsync(homeId, [ann]);
        var other = await chat.NewDeskAsync(otherId, [bob], capacity: 1);
        var vicDevice = await chat.ConnectAsync(vic, "vic-web");
        var wesDevice = await chat.ConnectAsync(wes, "wes-web");
        await chat.OnlineAsync(ann);
        var id = (await home.OpenServiceChat(vic)).Conversation.ConversationId;
        Assert.Equal(ann, (await home.Position(id)).AgentId);
        var waiting = (await other.OpenServiceChat(wes)).Conversation.ConversationId;
        Assert.Equal(1, (await other.Position(waiting)).Position);

        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => home.TransferOut(id, ann, false, Id("nowhere"), null))).Code);
        Assert.Equal(ann, (await home.Position(id)).AgentId);
        var transfer = await home.TransferOut(id, ann, false, otherId, "needs an invoice");
        var there = await other.TransferIn(transfer);

        // At the head of the other desk; the visitor already waiting there moves back one place and is told.
        Assert.Equal(1, there.Position);
        Assert.Equal([id, waiting], (await other.GetView()).Queue.Select(q => q.ConversationId));
        await Eventually.Holds(() => Assert.Contains(wesDevice.Of<QueueStatus>(ClientEventNames.Queue), q => q.Position == 2));
        await Eventually.Holds(() => Assert.Contains(vicDevice.Of<QueueStatus>(ClientEventNames.Queue), q => q.DeskId == otherId && q.Position == 1));
        Assert.Empty((await home.GetView()).Assigned);
        Assert.Empty((await chat.Agent(ann).GetLoad()).Chats);
        Assert.DoesNotContain((await chat.Conversation(id).GetView(vic)).Members, m => m.UserId == ann);
        Assert.Equal(otherId, (await chat.Conversation(id).GetServingDesk())!.DeskId);
        await Eventually.Holds(async () => Assert.Empty((await chat.DeskStateAsync(homeId))!.TransfersOut));

        // Opening the chat at the home desk again finds it where it is, not queued twice.
        var reopened = await home.OpenServiceChat(vic);
        Assert.Equal((otherId, (int?)1), (reopened.Queue.DeskId, reopened.Queue.Position));
        Assert.Empty((await home.GetView()).Queue);

        // Bob serves it first; a repeated hand-over changes nothing.
        await chat.OnlineAsync(bob);
        await Eventually.Holds(async () => Assert.Equal(bob, (await other.Position(id)).AgentId));
        Assert.Equal(bob, (await other.TransferIn(transfer)).AgentId);
        Assert.Equal([waiting], (await other.GetView()).Queue.Select(q => q.ConversationId));
        await chat.Conversation(id).Send(bob, Text(id, "b1", "billing here"));
        await other.FinishServiceChat(bob, id);
        await Eventually.Holds(async () => Assert.DoesNotContain(id, (await other.GetView()).Assigned.Keys));
        // Bob's free slot went to the visitor waiting behind; the old hand-over arriving late queues nothing.
        Assert.Equal((null, null), ((await other.TransferIn(transfer)).Position, (await other.Position(id)).AgentId));
        Assert.DoesNotContain(id, (await other.GetView()).Queue.Select(q => q.ConversationId));

        // Done there: the visitor's next chat is queued at the home desk again, in the same conversation.
        var back = await home.OpenServiceChat(vic);
        Assert.Equal((homeId, id, ann), (back.Queue.DeskId, back.Conversation.ConversationId, back.Queue.AgentId));
        Assert.Equal(homeId, (await chat.Conversation(id).GetServingDesk())!.DeskId);
        Assert.Equal(["billing here"], (await chat.Conversation(id).History(vic, 100, 10)).Select(m => m.Text));
        var audit = (await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(DeskId: otherId))).Entries;
        Assert.Contains(audit, e => e.Action == AuditActions.Transfer && e.Target == id && e.Actor == ann);
    }

    [Fact]
    public async Task A_hand_over_the_caller_never_made_is_made_by_the_desk_timer()
    {
        var chat = shared.Chat;
        var (ann, vic) = (Id("ann"), Id("vic"));
        await chat.SignUpAsync(ann, vic);
        var (homeId, otherId) = (Id("sales"), Id("billing"));
        var home = await chat.NewDeskAsync(homeId, [ann]);
        var other = await chat.NewDeskAsync(otherId, [Id("bob")]);
        await chat.OnlineAsync(ann);
        var id = (await home.OpenServiceChat(vic)).Conversation.ConversationId;
        await home.TransferOut(id, ann, false, otherId, null);

        // The gateway died before calling the target: the sending desk keeps the transfer and hands it over on its timer.
        await chat.AdvanceAsync(TimeSpan.FromSeconds(16));
        await Eventually.Holds(async () => Assert.Equal(1, (await other.Position(id)).Position));
        await Eventually.Holds(async () => Assert.Empty((await chat.DeskStateAsync(homeId))!.TransfersOut));
    }

    [Fact]
    public async Task A_chat_its_agent_no_longer_holds_is_forgotten_so_the_visitor_can_be_served_again()
    {
        var chat = shared.Chat;
        var (ann, vic) = (Id("ann"), Id("vic"));
        await chat.SignUpAsync(ann, vic);
        var deskId = Id("heal");
        var desk = await chat.NewDeskAsync(deskId, [ann]);
        await chat.OnlineAsync(ann);
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        Assert.Equal(ann, (await desk.Position(id)).AgentId);

        // The agent let go of it and the desk never heard (a finish whose ChatEnded was lost).
        Assert.True(await chat.Agent(ann).Release(deskId, id));
        await chat.AdvanceAsync(TimeSpan.FromSeconds(16));
        Assert.Equal(ann, (await desk.Position(id)).AgentId);
        await chat.AdvanceAsync(TimeSpan.FromSeconds(16));
        await Eventually.Holds(async () => Assert.Null((await desk.Position(id)).AgentId));
        Assert.DoesNotContain((await chat.Conversation(id).GetView(vic)).Members, m => m.UserId == ann);

        Assert.Equal(ann, (await desk.OpenServiceChat(vic)).Queue.AgentId);
        Assert.Equal([id], (await chat.Agent(ann).GetLoad()).Chats);
    }
}
