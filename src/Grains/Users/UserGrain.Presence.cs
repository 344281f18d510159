namespace Im.Orleans.Grains.Users;

/// <summary>
/// Presence across devices: online while any device is connected unless the user chose away, busy or invisible;
/// invisible looks offline to others. Changes go to contacts and direct-conversation peers.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    // What others were last told; a fresh activation has no connections, so offline.
    private string _publishedStatus = PresenceStatus.Offline;

    public async Task SetPresence(string status)
    {
        if (status is null || !PresenceStatus.Settable.Contains(status)) throw ChatException.Invalid($"'{status}' is not a presence status.");
        if (State.Status != status)
        {
            State.Status = status;
            await SaveAsync();
        }
        // The user's other devices show their own chosen status (invisible included).
        var own = new PresenceView(UserId, _connections.Count > 0 ? State.Status : PresenceStatus.Offline, State.LastSeenAt);
        Push(ClientEventNames.Presence, own);
        PublishPresence();
    }

    public Task<PresenceView> GetPresence()
    {
        ForgetIfNobody();
        return Task.FromResult(PublicPresence());
    }

    public Task PeerPresenceChanged(PresenceView presence)
    {
        Push(ClientEventNames.Presence, presence);
        return Task.CompletedTask;
    }

    private PresenceView PublicPresence()
    {
        var status = _connections.Count == 0 || State.Status == PresenceStatus.Invisible ? PresenceStatus.Offline : State.Status;
        return new PresenceView(UserId, status, State.LastSeenAt);
    }

    /// <summary>Tells contacts and direct peers when what they see changed (one-way).</summary>
    private void PublishPresence()
    {
        var view = PublicPresence();
        if (view.Status == _publishedStatus) return;
        _publishedStatus = view.Status;
        var peers = State.Conversations.Values
            .Where(c => c.Kind == ConversationKinds.Direct)
            .SelectMany(c => c.Members.Select(m => m.UserId))
            .Concat(State.Contacts)
            .Where(id => id != UserId)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var peer in peers) _ = User(peer).PeerPresenceChanged(view);
    }
}
