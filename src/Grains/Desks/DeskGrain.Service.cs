using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// Service conversations at the desk: opening one for a visitor, the assigned agent joining it, the agent leaving it
/// when finished, and telling waiting visitors where they stand. The desk awaits conversation and user grains; they
/// call the desk only one-way (a conversation reporting an agent's reply, a case asking to reopen), so none of these
/// calls can deadlock.
/// </summary>
internal sealed partial class DeskGrain
{
    public async Task<ServiceChat> OpenServiceChat(string visitorId)
    {
        if (string.IsNullOrWhiteSpace(visitorId) || visitorId.Contains(':')) throw ChatException.Invalid("A service chat needs a visitor id without colons.");
        if (State.Settings is not { } settings)
        {
            // Visitors pick desk ids: do not keep an activation (and its retry timer) for every id nobody configured.
            DeactivateOnIdle();
            throw ChatException.NotFound($"There is no desk '{DeskId}'.");
        }
        var conversationId = ConversationIds.Service(DeskId, visitorId);
        var conversation = Conversation(conversationId);
        var view = await conversation.OpenService(visitorId, DeskId, settings.Name);
        // Transferred to another desk and still there: it is not queued here a second time.
        if (await ServedElsewhereAsync(conversationId) is { } elsewhere) return new ServiceChat(view, elsewhere);
        await DropTicketAsync(conversationId);
        // Queued or served already keeps its place; a chat finished earlier is queued again (same conversation, new turn).
        var queuedAt = _time.GetUtcNow();
        var ticket = await Enqueue(conversationId, visitorId);
        ReportQueued(conversationId, ticket, queuedAt);
        // An agent may have joined during the enqueue: answer with the members as they are now.
        if (ticket.AgentId is not null) view = await conversation.GetView(visitorId);
        return new ServiceChat(view, QueueStatus.From(DeskId, ticket));
    }

    public async Task<AgentLoad> FinishServiceChat(string agentId, string conversationId)
    {
        if (!State.Assigned.TryGetValue(conversationId, out var served)) throw ChatException.NotFound($"{conversationId} is not being served at desk {DeskId}.");
        if (served.AgentId != agentId) throw ChatException.Forbidden($"{agentId} does not serve {conversationId}.");
        // The agent frees the slot and tells this desk one-way (ChatEnded, queued behind this turn), which records the handle time.
        var load = await GrainFactory.GetGrain<IAgentGrain>(agentId).Finish(conversationId);
        if (IsServiceChat(conversationId)) await Conversation(conversationId).LeaveAgent(agentId);
        await ReportResolvedAsync(conversationId, served);
        _ = User(served.VisitorId).PushQueue(new QueueStatus(conversationId, DeskId, null, null, null, NextStamp()));
        return load;
    }

    /// <summary>After the agent accepted: they join the conversation, get "assigned", and the visitor learns who serves them.</summary>
    private async Task ServeAsync(string conversationId, string visitorId, string agentId)
    {
        if (!IsServiceChat(conversationId)) return;
        try
        {
            await Conversation(conversationId).JoinAgent(agentId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The assignment stands (the agent holds the chat); the agent is told and can still finish it.
            _logger.LogWarning(e, "Desk {Desk}: agent {Agent} could not join {Conversation}", DeskId, agentId, conversationId);
        }
        _ = User(agentId).PushAssigned(new AssignedEvent(conversationId, DeskId, visitorId));
        _ = User(visitorId).PushQueue(QueueStatus.From(DeskId, Ticket(conversationId)));
    }

    /// <summary>The queue moved: every waiting visitor gets their new position and ETA (one-way, a slow user grain never blocks the desk).</summary>
    private void TellWaiting()
    {
        for (var i = 0; i < State.Queue.Count; i++)
        {
            var entry = State.Queue[i];
            if (!IsServiceChat(entry.ConversationId)) continue;
            var ticket = new QueueTicket(entry.ConversationId, i + 1, Eta(i + 1), null, NextStamp());
            _ = User(entry.VisitorId).PushQueue(QueueStatus.From(DeskId, ticket));
        }
    }

    // Conversations queued by other means (tests of the queue alone) have no conversation grain to join. Any desk's
    // id counts: a chat transferred here keeps the id of the desk it came from.
    private static bool IsServiceChat(string conversationId) => ConversationIds.TryParseService(conversationId, out _, out _);

    private IConversationGrain Conversation(string conversationId) => GrainFactory.GetGrain<IConversationGrain>(conversationId);

    private IUserGrain User(string userId) => GrainFactory.GetGrain<IUserGrain>(userId);
}
