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
    private const int MaxTransferNoteLength = 2000;
    private const int MaxTicketNameLength = 100;
    private const int MaxTicketContactLength = 200;
    private const int MaxTicketTextLength = 4000;

    /// <summary>Hands a served chat to <c>toAgentId</c> (of the same desk) or queues it at the head of <c>toDeskId</c>.</summary>
    public async Task<ServiceCaseBrief> TransferServiceChat(JsonElement command)
    {
        RequireAgent();
        var body = HubArguments.Object(command, "command");
        var id = HubArguments.Id(HubArguments.Required(body, "conversationId"), "conversationId");
        var toAgent = HubArguments.Optional(body, "toAgentId") is { } agent ? HubArguments.UserId(agent, "toAgentId") : null;
        var toDesk = HubArguments.Optional(body, "toDeskId") is { } target ? DeskId(target) : null;
        if ((toAgent is null) == (toDesk is null)) throw HubErrors.Invalid("give exactly one of toAgentId and toDeskId");
        var note = HubArguments.Optional(body, "note") is { } text ? HubArguments.Text(text, "note", MaxTransferNoteLength).Trim() : null;
        if (string.IsNullOrEmpty(note)) note = null;
        var deskId = await ServingDeskAsync(id);
        ConversationIds.TryParseService(id, out _, out var visitorId);
        var asOperator = Context.User?.IsInRole(ChatRoles.Operator) == true;
        var desk = grains.GetGrain<IDeskGrain>(deskId);
        if (toAgent is not null) return ServiceCaseBrief.From(deskId, visitorId, await desk.TransferToAgent(id, Me, asOperator, toAgent, note));

        var transfer = await desk.TransferOut(id, Me, asOperator, toDesk!, note);
        try
        {
            return ServiceCaseBrief.From(toDesk!, visitorId, await grains.GetGrain<IDeskGrain>(toDesk!).TransferIn(transfer));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The chat has left this desk already; the sending desk hands it over again on its timer until the target confirms.
            logger.LogWarning(e, "Transfer of {Conversation} to desk {Desk} is left to the desk's retry", id, toDesk);
            return new ServiceCaseBrief(id, toDesk!, visitorId, "queued", null, null);
        }
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

    /// <summary>The desk's open tickets, oldest first (staff of the desk, operators).</summary>
    public async Task<IReadOnlyList<ServiceCaseBrief>> ListTickets(JsonElement deskId)
    {
        RequireAgent();
        var desk = DeskId(deskId);
        var asOperator = Context.User?.IsInRole(ChatRoles.Operator) == true;
        var tickets = await grains.GetGrain<IDeskGrain>(desk).ListTickets(Me, asOperator);
        return [.. tickets.Select(ServiceCaseBrief.FromTicket)];
    }

    /// <summary>The caller takes a ticket: they become the chat's agent and answer with Send.</summary>
    public async Task<ServiceCaseBrief> TakeTicket(JsonElement conversationId)
    {
        RequireAgent();
        var id = HubArguments.Id(conversationId, "conversationId");
        var deskId = await ServingDeskAsync(id);
        ConversationIds.TryParseService(id, out _, out var visitorId);
        var asOperator = Context.User?.IsInRole(ChatRoles.Operator) == true;
        return ServiceCaseBrief.From(deskId, visitorId, await grains.GetGrain<IDeskGrain>(deskId).TakeTicket(id, Me, asOperator));
    }
}
