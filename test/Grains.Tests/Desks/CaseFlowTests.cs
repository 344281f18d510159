using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Cases meet transfers and tickets: a ticket's case, a transfer's note for the next agent, a case following its chat to another desk.</summary>
public sealed class CaseFlowTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task A_left_message_is_a_ticket_case_until_taken_then_open_with_the_ticket_kept()
    {
        var chat = shared.Chat;
        var (ann, vic) = (Id("ann"), Id("vic"));
        await chat.SignUpAsync(ann, vic);
        var deskId = Id("ticketcase");
        var desk = await chat.CaseDeskAsync(deskId, [ann]);
        var agentDevice = await chat.ConnectAsync(ann, "ann-web");
        var left = await desk.LeaveMessage(vic, "Vic", "vic@example.org", "My parcel never came.");
        var id = left.ConversationId;

        var ticketed = await chat.Case(id).Get();
        Assert.Equal((ServiceCaseStatus.Ticket, deskId, (string?)null), (ticketed.Status, ticketed.DeskId, ticketed.AgentId));
        Assert.Equal(new CaseTicket("Vic", "vic@example.org", left.At, "My parcel never came."), ticketed.Ticket);
        // The visitor's message did not queue it: nobody is waiting, the case stays a ticket, and the index lists it so.
        await chat.QuiesceAsync();
        Assert.Empty((await desk.GetView()).Queue);
        Assert.Equal(ServiceCaseStatus.Ticket, (await chat.Case(id).Get()).Status);
        await Eventually.Holds(async () => Assert.Equal([id], (await chat.DeskCases(deskId).List(ServiceCaseStatus.Ticket, null, 10)).Select(c => c.ConversationId)));

        // Taken: open with Ann when TakeTicket answers, the ticket still there to read; Ann's devices get the case.
        await desk.TakeTicket(id, ann, false);
        var taken = await chat.Case(id).Get();
        Assert.Equal((ServiceCaseStatus.Open, ann, "My parcel never came."), (taken.Status, taken.AgentId, taken.Ticket?.Text));
        await Eventually.Holds(() => Assert.Contains(agentDevice.Of<ServiceCase>(ClientEventNames.Case), c => c.Status == ServiceCaseStatus.Open && c.AgentId == ann));
        await chat.Conversation(id).Send(ann, Text(id, "a1", "A new one is on its way."));
        await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Pending && c.FirstResponseAt is not null);
    }

    [Fact]
    public async Task A_transfer_note_is_a_private_note_the_new_agent_gets_and_the_visitor_never_sees()
    {
        var chat = shared.Chat;
        var (ann, bob, vic) = (Id("ann"), Id("bob"), Id("vic"));
        await chat.SignUpAsync(ann, bob, vic);
        var deskId = Id("xfercase");
        var desk = await chat.CaseDeskAsync(deskId, [ann, bob]);
        var bobDevice = await chat.ConnectAsync(bob, "bob-web");
        var vicDevice = await chat.ConnectAsync(vic, "vic-web");
        await chat.OnlineAsync(ann);
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        var conversation = chat.Conversation(id);
        await conversation.Send(vic, Text(id, "v1", "I want my money back"));
        await chat.OnlineAsync(bob);

        await desk.TransferToAgent(id, ann, false, bob, "wants a refund, order A-1");
        var moved = await chat.Case(id).Get();
        Assert.Equal((ServiceCaseStatus.Open, bob, deskId), (moved.Status, moved.AgentId, moved.DeskId));
        var note = Assert.Single(await chat.Case(id).ListNotes());
        Assert.Equal((ann, "wants a refund, order A-1"), (note.AuthorId, note.Text));
        await Eventually.Holds(() => Assert.Contains(note, bobDevice.Of<ServiceNote>(ClientEventNames.Note)));
        await Eventually.Holds(() => Assert.Contains(bobDevice.Of<ServiceCase>(ClientEventNames.Case), c => c.AgentId == bob));

        await conversation.Send(bob, Text(id, "b1", "I can help with that"));
        await chat.QuiesceAsync();
        Assert.Empty(vicDevice.CallsTo(ClientEventNames.Note));
        Assert.DoesNotContain(vicDevice.Calls, c => c.Arguments.Any(a => a?.ToString()?.Contains("A-1") == true));
        Assert.Equal(["I want my money back", "I can help with that"], (await conversation.History(vic, long.MaxValue, 100)).Select(m => m.Text));
        Assert.Equal(["I want my money back", "I can help with that"], (await conversation.Since(vic, 0, 100)).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_case_follows_its_chat_to_another_desk_and_home_again()
    {
        var chat = shared.Chat;
        var (ann, bob, vic) = (Id("ann"), Id("bob"), Id("vic"));
        await chat.SignUpAsync(ann, bob, vic);
        var (homeId, otherId) = (Id("home"), Id("billing"));
        var home = await chat.CaseDeskAsync(homeId, [ann]);
        var other = await chat.CaseDeskAsync(otherId, [bob]);
        var bobDevice = await chat.ConnectAsync(bob, "bob-web");
        await chat.OnlineAsync(ann);
        var id = (await home.OpenServiceChat(vic)).Conversation.ConversationId;
        await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open && c.AgentId == ann);

        var transfer = await home.TransferOut(id, ann, false, otherId, "invoice question");
        // The case names the desk serving it (its staff checks use it) as soon as the chat left: waiting there, nobody's.
        var moved = await chat.Case(id).Get();
        Assert.Equal((otherId, ServiceCaseStatus.Queued, (string?)null), (moved.DeskId, moved.Status, moved.AgentId));
        Assert.Equal([(ann, "invoice question")], (await chat.Case(id).ListNotes()).Select(n => (n.AuthorId, n.Text)));
        await other.TransferIn(transfer);
        await Eventually.Holds(async () =>
        {
            Assert.DoesNotContain(id, (await chat.DeskCases(homeId).List(null, null, 200)).Select(c => c.ConversationId));
            Assert.Equal([id], (await chat.DeskCases(otherId).List(ServiceCaseStatus.Queued, null, 200)).Select(c => c.ConversationId));
        });

        // Bob of the other desk takes it: he gets the case and finds the note.
        await chat.OnlineAsync(bob);
        await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open && c.AgentId == bob && c.DeskId == otherId);
        await Eventually.Holds(() => Assert.Contains(bobDevice.Of<ServiceCase>(ClientEventNames.Case), c => c.AgentId == bob));
        Assert.Equal(["invoice question"], (await chat.Case(id).ListNotes()).Select(n => n.Text));
        await other.FinishServiceChat(bob, id);
        Assert.Equal((ServiceCaseStatus.Resolved, otherId), ((await chat.Case(id).Get()).Status, (await chat.Case(id).Get()).DeskId));

        // The visitor's next chat is at the home desk again, and so is the case, even when served at once.
        await home.OpenServiceChat(vic);
        await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open && c.AgentId == ann && c.DeskId == homeId);
        await Eventually.Holds(async () =>
        {
            Assert.Equal([id], (await chat.DeskCases(homeId).List(null, null, 200)).Select(c => c.ConversationId));
            Assert.Empty(await chat.DeskCases(otherId).List(null, null, 200));
        });
    }
}
