using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Service chats as cases: status follows the chat (queued, open, pending, resolved), labels, rating, notes, reopen.</summary>
public sealed class CaseStatusTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static async Task<ChatException> Refused(Func<Task> call) => await Assert.ThrowsAsync<ChatException>(call);

    [Fact]
    public async Task Status_follows_the_chat_and_the_assigned_agent_hears_of_each_change()
    {
        var chat = shared.Chat;
        var (ann, bob, sue, vic) = (Id("ann"), Id("bob"), Id("sue"), Id("vic"));
        await chat.SignUpAsync(ann, bob, sue, vic);
        await chat.User(vic).SetAttributes(new Dictionary<string, string> { ["orderId"] = "A-1001" });
        var deskId = Id("case");
        var desk = await chat.CaseDeskAsync(deskId, [ann, bob], [sue]);
        var agentDevice = await chat.ConnectAsync(ann, "ann-web");
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        var conversation = chat.Conversation(id);

        var queued = await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Queued);
        Assert.Equal((deskId, vic, vic), (queued.DeskId, queued.VisitorId, queued.Visitor.DisplayName));
        Assert.Equal("A-1001", queued.Visitor.Attributes["orderId"]);
        Assert.Null(queued.AgentId);

        await chat.OnlineAsync(ann);
        var open = await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open);
        Assert.Equal(ann, open.AgentId);
        Assert.NotNull(open.AssignedAt);

        await conversation.Send(ann, Text(id, "a1", "hello, how can I help?"));
        var pending = await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Pending);
        Assert.NotNull(pending.FirstResponseAt);
        await conversation.Send(vic, Text(id, "v1", "my order"));
        await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open);

        var caseGrain = chat.Case(id);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => caseGrain.SetStatus(new CaseActor(bob, false), ServiceCaseStatus.Pending))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => caseGrain.SetStatus(new CaseActor(ann, false), "closed"))).Code);
        Assert.Equal(ServiceCaseStatus.Pending, (await caseGrain.SetStatus(new CaseActor(ann, false), ServiceCaseStatus.Pending)).Status);
        Assert.Equal(ServiceCaseStatus.Open, (await caseGrain.SetStatus(new CaseActor(sue, true), ServiceCaseStatus.Open)).Status);

        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => caseGrain.SetLabels(new CaseActor(ann, false), ["vip"], ["billing", "bug"]))).Code);
        Assert.Equal(["billing"], (await caseGrain.SetLabels(new CaseActor(ann, false), ["billing", "billing"], ["billing", "bug"])).Labels);

        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => desk.ResolveServiceChat(id, new CaseActor(bob, false)))).Code);
        await desk.ResolveServiceChat(id, new CaseActor(sue, false));
        var resolved = await caseGrain.Get();
        Assert.Equal((ServiceCaseStatus.Resolved, ann), (resolved.Status, resolved.AgentId));
        Assert.NotNull(resolved.ResolvedAt);
        Assert.Equal(ErrorCodes.Conflict, (await Refused(() => caseGrain.SetStatus(new CaseActor(ann, false), ServiceCaseStatus.Open))).Code);

        await Eventually.Holds(() =>
        {
            var statuses = agentDevice.Of<ServiceCase>(ClientEventNames.Case).Select(c => c.Status).ToList();
            Assert.Equal([ServiceCaseStatus.Open, ServiceCaseStatus.Pending, ServiceCaseStatus.Open, ServiceCaseStatus.Pending, ServiceCaseStatus.Open, ServiceCaseStatus.Open, ServiceCaseStatus.Resolved], statuses);
        });
        await Eventually.Holds(async () => Assert.Equal([id], (await chat.DeskCases(deskId).List(ServiceCaseStatus.Resolved, "billing", 200)).Select(c => c.ConversationId)));
        Assert.Empty(await chat.DeskCases(deskId).List(ServiceCaseStatus.Open, null, 200));
        Assert.Empty(await chat.DeskCases(deskId).List(null, "bug", 200));
    }

    [Fact]
    public async Task Only_the_visitor_rates_and_only_a_resolved_chat_and_rating_again_replaces()
    {
        var chat = shared.Chat;
        var (ann, vic) = (Id("ann"), Id("vic"));
        await chat.SignUpAsync(ann, vic);
        var deskId = Id("rate");
        var desk = await chat.CaseDeskAsync(deskId, [ann]);
        await chat.OnlineAsync(ann);
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open);
        var caseGrain = chat.Case(id);

        Assert.Equal(ErrorCodes.Conflict, (await Refused(() => caseGrain.Rate(vic, 5, null))).Code);
        await desk.FinishServiceChat(ann, id);
        Assert.Equal(ErrorCodes.Forbidden, (await Refused(() => caseGrain.Rate(ann, 5, null))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => caseGrain.Rate(vic, 6, null))).Code);
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => caseGrain.Rate(vic, 3, new string('x', 1001)))).Code);

        var rated = await caseGrain.Rate(vic, 2, "slow");
        Assert.Equal((2, "slow"), (rated.Rating, rated.RatingComment));
        rated = await caseGrain.Rate(vic, 5, null);
        Assert.Equal((5, (string?)null), (rated.Rating, rated.RatingComment));
        await Eventually.Holds(async () =>
        {
            var today = (await desk.GetBoard()).Today;
            Assert.Equal((1, 5.0, 1), (today.ChatsHandled, today.Csat, today.Ratings));
        });
    }

    [Fact]
    public async Task Private_notes_reach_staff_and_never_the_visitor()
    {
        var chat = shared.Chat;
        var (ann, sue, vic) = (Id("ann"), Id("sue"), Id("vic"));
        await chat.SignUpAsync(ann, sue, vic);
        var deskId = Id("note");
        var desk = await chat.CaseDeskAsync(deskId, [ann], [sue]);
        var agentDevice = await chat.ConnectAsync(ann, "ann-web");
        var supervisorDevice = await chat.ConnectAsync(sue, "sue-web");
        var visitorDevice = await chat.ConnectAsync(vic, "vic-web");
        await chat.OnlineAsync(ann);
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open);
        var conversation = chat.Conversation(id);
        await conversation.Send(vic, Text(id, "v1", "hi"));

        var first = await chat.Case(id).AddNote(sue, "VIP customer, be nice");
        var second = await chat.Case(id).AddNote(ann, "refund promised");
        Assert.Equal(ErrorCodes.Invalid, (await Refused(() => chat.Case(id).AddNote(ann, " "))).Code);
        Assert.Equal([first, second], await chat.Case(id).ListNotes());
        await conversation.Send(ann, Text(id, "a1", "hello"));

        await Eventually.Holds(() => Assert.Equal([first.Text, second.Text], agentDevice.Of<ServiceNote>(ClientEventNames.Note).Select(n => n.Text)));
        await Eventually.Holds(() => Assert.Equal([first.Text], supervisorDevice.Of<ServiceNote>(ClientEventNames.Note).Select(n => n.Text)));
        await chat.QuiesceAsync();
        Assert.Empty(visitorDevice.CallsTo(ClientEventNames.Note));
        Assert.Equal(["hi", "hello"], visitorDevice.Messages().Select(m => m.Text));
        Assert.Equal(["hi", "hello"], (await conversation.History(vic, long.MaxValue, 100)).Select(m => m.Text));
        Assert.Equal(["hi", "hello"], (await conversation.Since(vic, 0, 100)).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_visitor_writing_within_the_reopen_window_gets_the_agent_who_resolved_it_and_after_it_whoever_is_next()
    {
        var chat = shared.Chat;
        var (ann, bob, vic) = (Id("ann"), Id("bob"), Id("vic"));
        await chat.SignUpAsync(ann, bob, vic);
        var deskId = Id("reopen");
        var desk = await chat.CaseDeskAsync(deskId, [ann, bob], reopen: TimeSpan.FromHours(24));
        await chat.OnlineAsync(bob);
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        var conversation = chat.Conversation(id);
        await chat.CaseWhereAsync(id, c => c.AgentId == bob);
        await desk.FinishServiceChat(bob, id);
        await chat.OnlineAsync(ann);

        // Two hours on: past the sticky minute, inside the reopen window. Ann would win the tie (fewest chats, then id).
        await chat.AdvanceAsync(TimeSpan.FromHours(2));
        await conversation.Send(vic, Text(id, "v1", "it broke again"));
        // Both went away idle meanwhile: the chat waits, then goes to Bob when both are back.
        await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Queued);
        await chat.OnlineAsync(ann, bob);
        var reopened = await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open);
        Assert.Equal(bob, reopened.AgentId);
        Assert.Null(reopened.ResolvedAt);
        Assert.Equal(bob, (await desk.Position(id)).AgentId);
        Assert.Contains((await conversation.GetView(vic)).Members, m => m.UserId == bob && m.Role == MemberRoles.Agent);

        // Resolved again, and the visitor comes back a day and more later: an ordinary new chat.
        await desk.FinishServiceChat(bob, id);
        await chat.AdvanceAsync(TimeSpan.FromHours(25));
        await chat.OnlineAsync(ann, bob);
        await conversation.Send(vic, Text(id, "v2", "me again"));
        var later = await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open);
        Assert.Equal(ann, later.AgentId);
    }

    [Fact]
    public async Task A_chat_taken_back_for_no_answer_waits_again_and_a_ticket_is_not_queued_by_the_visitors_message()
    {
        var chat = shared.Chat;
        var (ann, vic, val) = (Id("ann"), Id("vic"), Id("val"));
        await chat.SignUpAsync(ann, vic, val);
        var deskId = Id("back");
        var desk = chat.Desk(deskId);
        await desk.Configure(new DeskSettings(deskId, [ann], [], 1, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1)));
        await chat.OnlineAsync(ann);
        var id = (await desk.OpenServiceChat(vic)).Conversation.ConversationId;
        await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Open);
        await chat.Agent(ann).SetStatus(AgentStatus.Away);
        await chat.AdvanceAsync(TimeSpan.FromMinutes(3));
        var waiting = await chat.CaseWhereAsync(id, c => c.Status == ServiceCaseStatus.Queued);
        Assert.Null(waiting.AgentId);

        // A ticket (helper C marks it before storing the visitor's message) stays a ticket.
        var ticketId = ConversationIds.Service(deskId, val);
        await chat.Conversation(ticketId).OpenService(val, deskId, "Help");
        await chat.Case(ticketId).Ticketed(deskId, new CaseTicket("Val", "val@example.com", chat.Clock.GetUtcNow()));
        await chat.Conversation(ticketId).Send(val, Text(ticketId, "t1", "call me back"));
        await chat.QuiesceAsync();
        Assert.Equal(ServiceCaseStatus.Ticket, (await chat.Case(ticketId).Get()).Status);
        Assert.DoesNotContain(ticketId, (await desk.GetView()).Queue.Select(q => q.ConversationId));
    }
}
