using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>
/// A supervisor taking a served chat over (issue 10 item 9). The supervisor holds it at their agent grain beyond any
/// capacity (an explicit choice, not an offer), the agent who served it is released and leaves the conversation.
/// </summary>
internal sealed partial class DeskGrain
{
    public Task<QueueTicket> TakeOver(string conversationId, string supervisorId) => TakeOverAs(conversationId, supervisorId, asOperator: false);

    /// <summary>With <paramref name="asOperator"/> the hub vouches for an operator, who may act on every desk.</summary>
    public async Task<QueueTicket> TakeOverAs(string conversationId, string supervisorId, bool asOperator)
    {
        if (State.Settings is not { } settings) throw ChatException.NotFound($"There is no desk '{DeskId}'.");
        if (string.IsNullOrWhiteSpace(supervisorId) || !(asOperator || settings.Supervisors.Contains(supervisorId, StringComparer.Ordinal)))
            throw ChatException.Forbidden($"{supervisorId} is not a supervisor of desk {DeskId}.");
        if (!State.Assigned.TryGetValue(conversationId ?? "", out var served))
            throw ChatException.NotFound($"{conversationId} is not being served at desk {DeskId}.");
        if (served.AgentId == supervisorId) return Ticket(conversationId!);

        var previous = served.AgentId;
        // The supervisor holds the chat before the desk says so: a failure here changes nothing.
        await GrainFactory.GetGrain<IAgentGrain>(supervisorId!).Adopt(DeskId, conversationId!);
        // The supervisor answers by choice: the no-answer timeout does not take the chat back from them.
        var now = _time.GetUtcNow();
        State.Assigned[conversationId!] = new Served { AgentId = supervisorId!, VisitorId = served.VisitorId, At = now, RepliedAt = now };
        await _state.WriteStateAsync();
        await AuditAsync(supervisorId!, AuditActions.TakeOver, conversationId!, $"from agent {previous}");

        await ReleaseTakenOverAsync(conversationId!, previous);
        if (IsServiceChat(conversationId!))
        {
            try
            {
                await Conversation(conversationId!).LeaveAgent(previous);
                await Conversation(conversationId!).JoinAgent(supervisorId!);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The take-over stands (the desk and the supervisor's agent grain hold it); the members can lag.
                _logger.LogWarning(e, "Desk {Desk}: the members of {Conversation} did not follow the take-over by {Supervisor}", DeskId, conversationId, supervisorId);
            }
            _ = User(supervisorId!).PushAssigned(new AssignedEvent(conversationId!, DeskId, served.VisitorId));
            _ = User(served.VisitorId).PushQueue(QueueStatus.From(DeskId, Ticket(conversationId!)));
        }
        return Ticket(conversationId!);
    }

    /// <summary>Frees the previous agent's slot (Release: no handle time, no ChatEnded for a chat that goes on).</summary>
    private async Task ReleaseTakenOverAsync(string conversationId, string agentId)
    {
        try
        {
            await GrainFactory.GetGrain<IAgentGrain>(agentId).Release(DeskId, conversationId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Owed like a no-answer release and retried on the desk's timer, unless one is owed for this chat already.
            _logger.LogWarning(e, "Desk {Desk} could not release {Conversation} from agent {Agent}; retrying later", DeskId, conversationId, agentId);
            if (State.Releasing.TryAdd(conversationId, agentId)) await _state.WriteStateAsync();
        }
    }
}
