using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Issue 10 item 10: leave-a-message becomes the visitor's message and a ticket; an agent takes it and answers in the same conversation.</summary>
public sealed class TicketTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static async Task<ChatException> Refused(Func<Task> call) => await Assert.ThrowsAsync<ChatException>(call);

    [Fact]
    public async Task A_message_left_for_the_desk_is_listed_taken_and_answered()
    {
        var chat = shared.Chat;
        var (ann, vic, stranger) = (Id("ann"), Id("vic"), Id("stranger"));
        await chat.SignUpAsync(ann, vic, stranger);
        var deskId = Id("tickets");
        var desk = await chat.NewDeskAsync(deskId, [ann], capacity: 1);

        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => desk.LeaveMessage(vic, "Vic", "", "hello"))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => chat.Desk(Id("nowhere")).LeaveMessage(vic, "Vic", "vic@example.org", "hello"))).Code);
        var ticket = await desk.LeaveMessage(vic, "Vic", "vic@example.org", "My parcel never came.");
        var id = ConversationIds.Service(deskId, vic);
        Assert.Equal((id, deskId, vic, "vic@example.org"), (ticket.ConversationId, ticket.DeskId, ticket.VisitorId, ticket.Contact));
        // Sent twice (a retry): one message, one ticket.
        await desk.LeaveMessage(vic, "Vic", "vic@example.org", "My parcel never came.");
        Assert.Equal(["My parcel never came."], (await chat.Conversation(id).History(vic, 100, 10)).Select(m => m.Text));
        Assert.Empty((await desk.GetView()).Queue);

        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => desk.ListTickets(stranger, false))).Code);
        Assert.Equal([id], (await desk.ListTickets(ann, false)).Select(t => t.ConversationId));
        Assert.Single(await desk.ListTickets(stranger, true));
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => desk.TakeTicket(id, stranger, false))).Code);

        // Ann is offline: taking a ticket is her choice, so it needs neither status nor a free slot.
        var agentDevice = await chat.ConnectAsync(ann, "ann-web");
        var taken = await desk.TakeTicket(id, ann, false);
        Assert.Equal(ann, taken.AgentId);
        Assert.Equal([id], (await chat.Agent(ann).GetLoad()).Chats);
        Assert.Contains((await chat.Conversation(id).GetView(vic)).Members, m => m.UserId == ann && m.Role == MemberRoles.Agent);
        await Eventually.Holds(() => Assert.Contains(new AssignedEvent(id, deskId, vic), agentDevice.Of<AssignedEvent>(ClientEventNames.Assigned)));
        Assert.Empty(await desk.ListTickets(ann, false));
        Assert.Equal(ErrorCodes.NotFound, (await Refused(() => desk.TakeTicket(id, ann, false))).Code);

        await chat.Conversation(id).Send(ann, Text(id, "a1", "Sorry! A new one is on its way."));
        // The visitor comes back later and reads the answer in the same conversation.
        Assert.Equal(["My parcel never came.", "Sorry! A new one is on its way."], (await chat.Conversation(id).History(vic, 100, 10)).Select(m => m.Text));
        await desk.FinishServiceChat(ann, id);

        var audit = (await chat.Cluster.Client.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery(DeskId: deskId))).Entries;
        Assert.Contains(audit, e => e.Action == AuditActions.Ticket && e.Actor == vic && e.Target == id);
        Assert.Contains(audit, e => e.Action == AuditActions.TakeTicket && e.Actor == ann && e.Target == id);
    }

    [Fact]
    public async Task Blocked_and_waiting_visitors_cannot_leave_a_message_and_tickets_survive_a_deactivation()
    {
        var chat = shared.Chat;
        var (ann, vic, val) = (Id("ann"), Id("vic"), Id("val"));
        await chat.SignUpAsync(ann, vic, val);
        var deskId = Id("tickets");
        var desk = await chat.NewDeskAsync(deskId, [ann]);
        await desk.Block(vic, "abuse", ann, null);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => desk.LeaveMessage(vic, "Vic", "vic@example.org", "let me in"))).Code);
        Assert.Empty(await desk.ListTickets(ann, false));

        await desk.OpenServiceChat(val);
        Assert.Equal(ErrorCodes.Conflict, (await Refused(() => desk.LeaveMessage(val, "Val", "val@example.org", "hello?"))).Code);
        await desk.Withdraw(ConversationIds.Service(deskId, val));
        await desk.LeaveMessage(val, "Val", "val@example.org", "hello?");

        await chat.DeactivateAsync(desk);
        var ticket = Assert.Single(await desk.ListTickets(ann, false));
        Assert.Equal(("Val", "hello?"), (ticket.Name, ticket.Text));
    }
}
