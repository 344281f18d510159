namespace Im.Orleans.Grains.Tests;

/// <summary>
/// A stand-in gateway: an <see cref="IClientObserver"/> that records every push it receives, in arrival order.
/// Pushes arrive on Orleans' threads while the test reads, hence the lock.
/// </summary>
internal sealed class ObserverCapture : IClientObserver
{
    private readonly List<ObservedCall> _calls = [];

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

    /// <summary>The arguments of each call to <paramref name="method"/>, in arrival order.</summary>
    public IReadOnlyList<object?[]> CallsTo(string method) => [.. Calls.Where(c => c.Method == method).Select(c => c.Arguments)];

    public Task OnMessage(string[] connectionIds, Message message) => Record(nameof(OnMessage), connectionIds, message);

    public Task OnUnread(string[] connectionIds, UnreadEvent unread) => Record(nameof(OnUnread), connectionIds, unread);

    public Task OnPresence(string[] connectionIds, PresenceView presence) => Record(nameof(OnPresence), connectionIds, presence);

    public Task OnTyping(string[] connectionIds, TypingEvent typing) => Record(nameof(OnTyping), connectionIds, typing);

    public Task OnRead(string[] connectionIds, ReadEvent read) => Record(nameof(OnRead), connectionIds, read);

    public Task OnFocus(string[] connectionIds, FocusEvent focus) => Record(nameof(OnFocus), connectionIds, focus);

    public Task OnConversation(string[] connectionIds, ConversationView conversation) => Record(nameof(OnConversation), connectionIds, conversation);

    public Task OnRecalled(string[] connectionIds, RecalledEvent recalled) => Record(nameof(OnRecalled), connectionIds, recalled);

    private Task Record(string method, string[] connectionIds, object payload)
    {
        lock (_calls) _calls.Add(new ObservedCall(method, [connectionIds, payload]));
        return Task.CompletedTask;
    }
}

/// <summary>One push a captured gateway received.</summary>
internal sealed record ObservedCall(string Method, object?[] Arguments);
