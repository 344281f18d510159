namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// Service conversations: a visitor with a desk. Messages, history and unread work as in any conversation; the desk
/// decides who else is in it, adding the assigned agent and removing them when the chat is finished. Only the desk
/// calls these, and this grain never calls the desk, so desk → conversation calls cannot deadlock.
/// </summary>
internal sealed partial class ConversationGrain : Grain
{
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
        if (FindMember(agentId) is not null) return;
        // An agent without a profile still serves: the lookup names them by id rather than refusing the assignment.
        var profiles = await LookUpProfilesAsync([], creator: agentId);
        State.Members.Add(new MemberState { UserId = agentId, Role = MemberRoles.Agent, JoinedAt = Now() });
        FillDisplayNames(profiles);
        await _state.WriteStateAsync();
        NotifyChanged(MemberIds);
    }

    public async Task LeaveAgent(string agentId)
    {
        RequireService();
        if (FindMember(agentId) is not { Role: MemberRoles.Agent } agent) return;
        await RemoveAsync(agent, agentId);
    }

    private void RequireService()
    {
        if (!State.Exists) throw ChatException.NotFound($"Conversation {Id} does not exist.");
        if (State.Kind != ConversationKinds.Service) throw ChatException.Invalid($"{Id} is not a service conversation.");
    }
}
