namespace Im.Orleans.Grains.Users;

/// <summary>Customer-service events a desk relays to the user's devices: queue moves for visitors, assignments for agents.</summary>
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
}
