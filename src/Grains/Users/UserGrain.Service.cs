namespace Im.Orleans.Grains.Users;

/// <summary>
/// Customer-service events a desk relays to the user's devices (queue moves for visitors, assignments for agents), and
/// the agent's status following the devices: the agent grain registers here and hears when the last device goes.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    public Task PushQueue(QueueStatus status)
    {
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
