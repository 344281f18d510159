namespace Im.Orleans.Grains.Tests;

/// <summary>
/// A stand-in gateway: an <see cref="IClientObserver"/> that records every push it receives, in arrival order.
/// Pushes arrive on Orleans' threads while the test reads, hence the lock.
/// </summary>
internal sealed class ObserverCapture : IClientObserver
{
    private readonly List<ObservedCall> _calls = [];
    private readonly HashSet<string> _closed = new(StringComparer.Ordinal);

    public ObserverCapture(string gatewayId, IGrainFactory client)
    {
        GatewayId = gatewayId;
        // Orleans holds observers weakly: whoever keeps this capture (the ChatSilo) keeps the reference alive.
        Reference = client.CreateObjectReference<IClientObserver>(this);
    }

    /// <summary>The gateway node id user grains group this gateway's connections by.</summary>
    public string GatewayId { get; }

    /// <summary>The observer reference to hand to grains.</summary>
    public IClientObserver Reference { get; }

    public int Count
    {
        get { lock (_calls) return _calls.Count; }
    }

    public IReadOnlyList<ObservedCall> Calls
    {
        get { lock (_calls) return [.. _calls]; }
    }

    /// <summary>The arguments (connection ids, payload) of each pushed event named <paramref name="eventName"/> (see ClientEventNames), in arrival order.</summary>
    public IReadOnlyList<object?[]> CallsTo(string eventName) => [.. Calls.Where(c => c.Method == eventName).Select(c => c.Arguments)];

    public Task Push(ClientPush[] pushes)
    {
        lock (_calls)
        {
            // As SignalR does, a push to a connection that has closed reaches nobody.
            foreach (var push in pushes)
            {
                string[] open = [.. push.ConnectionIds.Where(id => !_closed.Contains(id))];
                if (open.Length > 0) _calls.Add(new ObservedCall(push.Event, [open, push.Payload]));
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>The connection's socket closed: later pushes to it reach nobody.</summary>
    public void Close(string connectionId)
    {
        lock (_calls) _closed.Add(connectionId);
    }
}

/// <summary>One event a captured gateway received: its name (Method) and its connection ids and payload.</summary>
internal sealed record ObservedCall(string Method, object?[] Arguments);
