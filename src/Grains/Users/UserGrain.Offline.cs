namespace Im.Orleans.Grains.Users;

/// <summary>
/// The offline queue: persisted and bounded. When full the oldest entries go and the client is told to Sync
/// (messages are always recoverable from the log); a reconnecting device drains with TakeOffline and AckOffline.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    private const int MaxTake = 1000;

    public Task<OfflineBatch> TakeOffline(int max)
    {
        var take = Math.Clamp(max <= 0 ? MaxTake : max, 1, MaxTake);
        var entries = State.Offline.Take(take).ToList();
        var upTo = entries.Count > 0 ? entries[^1].Id : 0;
        return Task.FromResult(new OfflineBatch([.. entries.Select(e => e.Message)], upTo, State.Offline.Count > entries.Count, State.OfflineOverflowed));
    }

    public async Task AckOffline(long upToId)
    {
        var removed = State.Offline.RemoveAll(e => e.Id <= upToId);
        // The gateway tells the client to Sync once its hand-over has drained the queue; a hand-over cut off before
        // that leaves the flag for the next connection.
        var cleared = State.OfflineOverflowed && upToId > 0 && State.Offline.Count == 0;
        if (cleared) State.OfflineOverflowed = false;
        if (removed > 0 || cleared) await SaveAsync();
    }

    private void EnqueueOffline(Message message)
    {
        State.Offline.Add(new OfflineEntry(++State.NextOfflineId, message));
        var excess = State.Offline.Count - Math.Max(1, _options.OfflineQueueLimit);
        if (excess <= 0) return;
        State.Offline.RemoveRange(0, excess);
        State.OfflineOverflowed = true;
    }
}
