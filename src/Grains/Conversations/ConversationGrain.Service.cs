using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// Service conversations: a visitor with a desk. Messages, history and unread work as in any conversation; the desk
/// decides who else is in it, adding the assigned agent and removing them when the chat is finished. Only the desk
/// calls these. This grain calls the desk only without waiting (the assigned agent's first reply), so desk →
/// conversation calls cannot deadlock and a Send never waits on the desk.
/// </summary>
internal sealed partial class ConversationGrain : Grain
{
    // Whether the desk was told of the assigned agent's first reply; in memory only, as telling it again after a
    // reactivation is harmless (AgentReplied is idempotent).
    private string? _replyReportedFor;

    public async Task<ConversationView> OpenService(string visitorId, string deskId, string title)
    {
        if (string.IsNullOrWhiteSpace(visitorId) || string.IsNullOrWhiteSpace(deskId))
            throw ChatException.Invalid("A service conversation needs a visitor and a desk.");
        if (ConversationIds.Service(deskId, visitorId) != Id)
            throw ChatException.Invalid($"{Id} is not the service conversation of {visitorId} with desk {deskId}.");
        if (State.Exists) return ViewFor(visitorId);

        var profiles = await LookUpProfilesAsync([], creator: visitorId);
        var now = Now();
        State.Exists = true;
        State.Kind = ConversationKinds.Service;
        State.Title = string.IsNullOrWhiteSpace(title) ? deskId : title.Trim();
        State.CreatedAt = now;
        State.Members = [new MemberState { UserId = visitorId, JoinedAt = now }];
        FillDisplayNames(profiles);
        await _state.WriteStateAsync();
        NotifyChanged(MemberIds);
        return ViewFor(visitorId);
    }

    public async Task JoinAgent(string agentId)
    {
        RequireService();
        if (FindMember(agentId) is { } present)
        {
            if (State.AssignedAgentId == agentId) return;
            // A member already (a supervisor who was in the chat, or the agent the chat comes back to): now assigned.
            present.Role = MemberRoles.Agent;
            State.AssignedAgentId = agentId;
            await _state.WriteStateAsync();
            NotifyChanged(MemberIds);
            ReportAssigned(agentId);
            return;
        }
        // An agent without a profile still serves: the lookup names them by id rather than refusing the assignment.
        var profiles = await LookUpProfilesAsync([], creator: agentId);
        State.Members.Add(new MemberState { UserId = agentId, Role = MemberRoles.Agent, JoinedAt = Now() });
        State.AssignedAgentId = agentId;
        FillDisplayNames(profiles);
        await _state.WriteStateAsync();
        NotifyChanged(MemberIds);
        ReportAssigned(agentId);
    }

    public async Task LeaveAgent(string agentId)
    {
        RequireService();
        if (FindMember(agentId) is not { Role: MemberRoles.Agent } agent) return;
        if (State.AssignedAgentId == agentId) State.AssignedAgentId = null;
        await RemoveAsync(agent, agentId);
    }

    /// <summary>Item 9: in a service conversation only the assigned agent answers; other agents still in it are refused.</summary>
    private void RefuseUnassignedAgent(MemberState sender)
    {
        if (State.Kind != ConversationKinds.Service || sender.Role != MemberRoles.Agent) return;
        if (sender.UserId != State.AssignedAgentId) throw ChatException.Forbidden($"{sender.UserId} is not the agent assigned to {Id}.");
    }

    /// <summary>
    /// Agents' messages count as activity; the assigned agent's first stored message stops the desk's no-answer clock. Not awaited: the sends are already
    /// acknowledged, and the desk (which awaits this grain in JoinAgent) must never be waited on here.
    /// </summary>
    private void ReportAgentReply(List<Message> appended)
    {
        if (State.Kind != ConversationKinds.Service) return;
        ReportToCase(appended);
        // A message is agent activity: it restarts the agent's idle clock (item 2), one-way as well.
        foreach (var sender in appended.Select(m => m.SenderId).Distinct(StringComparer.Ordinal))
        {
            if (FindMember(sender) is { Role: MemberRoles.Agent }) _ = GrainFactory.GetGrain<IAgentGrain>(sender).Active();
        }
        if (State.AssignedAgentId is not { } agentId || _replyReportedFor == agentId) return;
        if (!appended.Exists(m => m.SenderId == agentId)) return;
        // The desk serving it now, which after a transfer is not the one in the id.
        if (ServingDeskId() is not { } deskId) return;
        _replyReportedFor = agentId;
        _ = TellDeskAsync(GrainFactory.GetGrain<IDeskGrain>(deskId), agentId);
    }

    private async Task TellDeskAsync(IDeskGrain desk, string agentId)
    {
        try
        {
            await desk.AgentReplied(Id, agentId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The desk may then take the chat back at its timeout; the agent's next message tells it again.
            if (_replyReportedFor == agentId) _replyReportedFor = null;
            _logger.LogWarning(e, "Conversation {Conversation} could not tell desk of agent {Agent}'s reply", Id, agentId);
        }
    }

    /// <summary>
    /// The case (ServiceCaseGrain) derives pending/open from who wrote last, the first response time, and a reopen when
    /// the visitor writes in a chat nobody serves. One-way, like every call from here towards the desk side.
    /// </summary>
    private void ReportToCase(List<Message> appended)
    {
        if (appended.Count == 0) return;
        _ = GrainFactory.GetGrain<IServiceCaseGrain>(Id).MessagesStored([.. appended.Select(m => new CaseWrite(m.SenderId, m.SentAt))]);
    }

    private void ReportAssigned(string agentId) => _ = GrainFactory.GetGrain<IServiceCaseGrain>(Id).Assigned(agentId, Now());

    private void RequireService()
    {
        if (!State.Exists) throw ChatException.NotFound($"Conversation {Id} does not exist.");
        if (State.Kind != ConversationKinds.Service) throw ChatException.Invalid($"{Id} is not a service conversation.");
    }
}
