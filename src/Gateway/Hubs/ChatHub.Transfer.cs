using System.Text.Json;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Transfers and leave-a-message tickets (issue 10 items 5 and 10): staff hand a chat to another agent or desk, visitors
/// leave a message when nobody can chat, staff list and take those tickets. The desk grains check who may do what;
/// the hub checks the token's role and the arguments.
/// </summary>
public sealed partial class ChatHub
{
    private const int MaxTicketNameLength = 100;
    private const int MaxTicketContactLength = 200;
    private const int MaxTicketTextLength = 4000;

    /// <summary>Hands a served chat to <c>toAgentId</c> (of the same desk) or queues it at the head of <c>toDeskId</c>; answers the case.</summary>
    public async Task<ServiceCase> TransferServiceChat(JsonElement command)
    {
        RequireAgent();
        var body = HubArguments.Object(command, "command");
        var id = HubArguments.Id(HubArguments.Required(body, "conversationId"), "conversationId");
        var toAgent = HubArguments.Optional(body, "toAgentId") is { } agent ? HubArguments.UserId(agent, "toAgentId") : null;
        var toDesk = HubArguments.Optional(body, "toDeskId") is { } target ? DeskId(target) : null;
        if ((toAgent is null) == (toDesk is null)) throw HubErrors.Invalid("give exactly one of toAgentId and toDeskId");
        var note = HubArguments.Optional(body, "note") is { } text ? HubArguments.Text(text, "note", MaxNoteLength).Trim() : null;
        if (string.IsNullOrEmpty(note)) note = null;
        var deskId = await ServingDeskAsync(id);
        var desk = grains.GetGrain<IDeskGrain>(deskId);
        // The desks tell the case (awaited) before they answer, so it names the new agent or desk when read here.
        if (toAgent is not null)
        {
            await desk.TransferToAgent(id, Me, IsOperator, toAgent, note);
            return await CaseGrain(id).Get();
        }

        var transfer = await desk.TransferOut(id, Me, IsOperator, toDesk!, note);
        try
        {
            await grains.GetGrain<IDeskGrain>(toDesk!).TransferIn(transfer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The chat has left this desk already; the sending desk hands it over again on its timer until the target confirms.
            logger.LogWarning(e, "Transfer of {Conversation} to desk {Desk} is left to the desk's retry", id, toDesk);
        }
        return await CaseGrain(id).Get();
    }

    /// <summary>A visitor leaves a message for a desk: it becomes their message in the service conversation and a ticket for agents.</summary>
    public async Task<ServiceTicket> LeaveMessage(JsonElement command)
    {
        var body = HubArguments.Object(command, "command");
        var desk = DeskId(HubArguments.Required(body, "deskId"));
        var name = HubArguments.Optional(body, "name") is { } n ? HubArguments.Text(n, "name", MaxTicketNameLength).Trim() : "";
        var contact = HubArguments.Text(HubArguments.Required(body, "contact"), "contact", MaxTicketContactLength).Trim();
        var text = HubArguments.Text(HubArguments.Required(body, "text"), "text", MaxTicketTextLength).Trim();
        if (contact.Length == 0) throw HubErrors.Invalid("contact must not be empty");
        if (text.Length == 0) throw HubErrors.Invalid("text must not be empty");
        return await grains.GetGrain<IDeskGrain>(desk).LeaveMessage(Me, name, contact, text);
    }

    /// <summary>The desk's open tickets as cases, oldest first (staff of the desk, operators); at most the oldest 200.</summary>
    public async Task<IReadOnlyList<ServiceCase>> ListTickets(JsonElement deskId)
    {
        RequireAgent();
        var desk = DeskId(deskId);
        var tickets = await grains.GetGrain<IDeskGrain>(desk).ListTickets(Me, IsOperator);
        return await Task.WhenAll(tickets.Take(MaxListedCases).Select(TicketCaseAsync));
    }

    /// <summary>The caller takes a ticket: they become the chat's agent (the case is open) and answer with Send.</summary>
    public async Task<ServiceCase> TakeTicket(JsonElement conversationId)
    {
        RequireAgent();
        var id = HubArguments.Id(conversationId, "conversationId");
        var deskId = await ServingDeskAsync(id);
        await grains.GetGrain<IDeskGrain>(deskId).TakeTicket(id, Me, IsOperator);
        return await CaseGrain(id).Get();
    }

    /// <summary>
    /// A ticket's case. The desk's ticket list is the authority on what is open; a case that cannot be read (one lost
    /// before the ticket was reported) is shown from the ticket itself rather than hiding the visitor's message.
    /// </summary>
    private async Task<ServiceCase> TicketCaseAsync(ServiceTicket ticket)
    {
        try
        {
            return await CaseGrain(ticket.ConversationId).Get();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Ticket {Conversation}: its case could not be read; listed from the ticket", ticket.ConversationId);
            var name = string.IsNullOrEmpty(ticket.Name) ? ticket.VisitorId : ticket.Name;
            return new ServiceCase(ticket.ConversationId, ticket.DeskId, ticket.VisitorId, new VisitorCard(name, new Dictionary<string, string>()),
                ServiceCaseStatus.Ticket, [], null, ticket.At, null, null, null, null, null,
                new CaseTicket(ticket.Name, ticket.Contact, ticket.At, ticket.Text));
        }
    }
}
