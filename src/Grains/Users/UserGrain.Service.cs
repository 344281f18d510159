namespace Im.Orleans.Grains.Users;

/// <summary>
/// Customer-service events a desk relays to the user's devices (queue moves for visitors, assignments for agents), and
/// the agent's status following the devices: the agent grain registers here and hears when the last device goes.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    // Conversation id → the greatest queue stamp pushed; kept for the activation only (a new one starts from nothing,
    // and a status a desk sends later carries a greater stamp anyway).
    private readonly Dictionary<string, long> _queueStamps = new(StringComparer.Ordinal);

    /// <summary>Relays a desk's status unless a newer one (greater stamp) went out already: desks push one-way, and those calls can overtake each other.</summary>
    public Task PushQueue(QueueStatus status)
    {
        if (status.Stamp > 0)
        {
            if (_queueStamps.TryGetValue(status.ConversationId, out var last) && status.Stamp <= last) return Task.CompletedTask;
            _queueStamps[status.ConversationId] = status.Stamp;
        }
        Push(ClientEventNames.Queue, status);
        return Task.CompletedTask;
    }

    public Task PushAssigned(AssignedEvent assigned)
    {
        Push(ClientEventNames.Assigned, assigned);
        return Task.CompletedTask;
    }

    public async Task TrackAgent()
    {
        if (State.IsAgent) return;
        State.IsAgent = true;
        await SaveAsync();
    }

    /// <summary>One-way: the agent grain awaits this grain (TrackAgent), so this grain must never wait on it.</summary>
    private void TellAgentIfNoDevices()
    {
        if (!State.IsAgent || _connections.Count > 0) return;
        _ = GrainFactory.GetGrain<IAgentGrain>(UserId).DevicesGone(_time.GetUtcNow());
    }
}
