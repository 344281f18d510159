using Microsoft.Extensions.Logging;
using System.Security.Cryptography;
using System.Text;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// Leave-a-message (issue 10 item 10). The visitor's text is stored as their message in their service conversation
/// with this desk, without queueing it, and the desk lists a ticket; an agent takes the ticket, joins as the assigned
/// agent (beyond capacity, like a take-over: an explicit choice) and answers with Send, so the visitor finds the
/// answer in the same conversation (History, Sync) whenever they come back.
/// </summary>
internal sealed partial class DeskGrain
{
    /// <summary>Open tickets a desk keeps; beyond it visitors are told to try later rather than a ticket being dropped.</summary>
    internal const int MaxTickets = 1000;

    private const int MaxTicketNameLength = 100;
    private const int MaxTicketContactLength = 200;
    private const int MaxTicketTextLength = 4000;

    public async Task<ServiceTicket> LeaveMessage(string visitorId, string name, string contact, string text)
    {
        if (string.IsNullOrWhiteSpace(visitorId) || visitorId.Contains(':')) throw ChatException.Invalid("A message needs a visitor id without colons.");
        name = (name ?? "").Trim();
        contact = (contact ?? "").Trim();
        text = (text ?? "").Trim();
        if (name.Length > MaxTicketNameLength) throw ChatException.Invalid($"name has at most {MaxTicketNameLength} characters.");
        if (contact.Length is 0 or > MaxTicketContactLength) throw ChatException.Invalid($"contact must be 1-{MaxTicketContactLength} characters.");
        if (text.Length is 0 or > MaxTicketTextLength) throw ChatException.Invalid($"text must be 1-{MaxTicketTextLength} characters.");
        if (State.Settings is not { } settings)
        {
            DeactivateOnIdle();
            throw ChatException.NotFound($"There is no desk '{DeskId}'.");
        }
        ThrowIfBlocked(visitorId);
        var conversationId = ConversationIds.Service(DeskId, visitorId);
        if (State.Assigned.ContainsKey(conversationId) || State.Queue.Exists(e => e.ConversationId == conversationId) || State.TransfersOut.ContainsKey(conversationId))
            throw ChatException.Conflict("Your chat with this desk is open: write in it.");
        var existing = State.Tickets.FindIndex(t => t.ConversationId == conversationId);
        if (existing < 0 && State.Tickets.Count >= MaxTickets) throw new ChatException(ErrorCodes.RateLimited, "The desk has too many messages waiting; try again later.");

        var conversation = Conversation(conversationId);
        await conversation.OpenService(visitorId, DeskId, settings.Name);
        if (await ServedElsewhereAsync(conversationId) is not null) throw ChatException.Conflict("Your chat is with another desk now: write in it.");
        var at = existing < 0 ? _time.GetUtcNow() : State.Tickets[existing].At;
        // Before the message: the case reopens (queues) a chat on a visitor's message unless it is a ticket.
        await Case(conversationId).Ticketed(DeskId, new CaseTicket(name.Length == 0 ? null : name, contact, at, text));
        // The same text again (a retry) is the same message, not a second one.
        await conversation.Send(visitorId, new SendCommand(conversationId, ClientMsgIdOf(text), MessageKinds.Text, text));

        var ticket = new ServiceTicket(conversationId, DeskId, visitorId, name, contact, text, at);
        if (existing < 0) State.Tickets.Add(ticket);
        else State.Tickets[existing] = ticket;
        await _state.WriteStateAsync();
        await AuditAsync(visitorId, AuditActions.Ticket, conversationId, $"contact {contact}");
        return ticket;
    }

    public Task<IReadOnlyList<ServiceTicket>> ListTickets(string userId, bool asOperator)
    {
        var settings = RequireSettings();
        if (!asOperator && !IsStaff(settings, userId)) throw ChatException.Forbidden($"Only staff of desk {DeskId} see its tickets.");
        IReadOnlyList<ServiceTicket> open = [.. State.Tickets.Where(t => !State.Assigned.ContainsKey(t.ConversationId) && !State.Queue.Exists(e => e.ConversationId == t.ConversationId)).OrderBy(t => t.At)];
        return Task.FromResult(open);
    }

    public async Task<QueueTicket> TakeTicket(string conversationId, string userId, bool asOperator)
    {
        var settings = RequireSettings();
        if (string.IsNullOrWhiteSpace(userId) || (!asOperator && !IsStaff(settings, userId))) throw ChatException.Forbidden($"Only staff of desk {DeskId} take its tickets.");
        var ticket = State.Tickets.Find(t => t.ConversationId == conversationId) ?? throw ChatException.NotFound($"Desk {DeskId} has no ticket {conversationId}.");
        if (State.Assigned.TryGetValue(conversationId, out var served)) throw ChatException.Conflict($"{conversationId} is served by {served.AgentId} already.");
        if (State.Queue.Exists(e => e.ConversationId == conversationId)) throw ChatException.Conflict($"{conversationId} is waiting in the queue: it goes to the next free agent.");

        // Held by the agent before the desk says so, as in a take-over: a failure here changes nothing.
        await GrainFactory.GetGrain<IAgentGrain>(userId).Adopt(DeskId, conversationId);
        var now = _time.GetUtcNow();
        State.Tickets.Remove(ticket);
        // The visitor is not waiting live: the no-answer timeout does not take a ticket back from the agent who chose it.
        State.Assigned[conversationId] = new Served { AgentId = userId, VisitorId = ticket.VisitorId, At = now, RepliedAt = now };
        await _state.WriteStateAsync();
        await AuditAsync(userId, AuditActions.TakeTicket, conversationId, $"left {ticket.At:O}");
        // The case opens (ticket -> open) before TakeTicket answers; its ticket stays for the agent to read.
        await ReportMovedAsync(conversationId, new CaseMove(DeskId, userId, userId, null, now));
        if (IsServiceChat(conversationId))
        {
            try
            {
                await Conversation(conversationId).JoinAgent(userId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Desk {Desk}: {Agent} could not join {Conversation} taken as a ticket", DeskId, userId, conversationId);
            }
            _ = User(userId).PushAssigned(new AssignedEvent(conversationId, DeskId, ticket.VisitorId));
            _ = User(ticket.VisitorId).PushQueue(QueueStatus.From(DeskId, Ticket(conversationId)));
        }
        return Ticket(conversationId);
    }

    /// <summary>A visitor opening a live chat leaves no ticket behind: the agent who serves them sees the message in the chat.</summary>
    private async Task DropTicketAsync(string conversationId)
    {
        if (State.Tickets.RemoveAll(t => t.ConversationId == conversationId) > 0) await _state.WriteStateAsync();
    }

    private static string ClientMsgIdOf(string text) =>
        "ticket-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
