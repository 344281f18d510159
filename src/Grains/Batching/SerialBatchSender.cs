namespace Im.Orleans.Grains.Batching;

/// <summary>
/// Sends items to one target in order with one call in flight: whatever is queued while a call runs goes in the next
/// call. Under light load every item goes at once; under heavy load batches grow by themselves, so the number of calls
/// falls as the rate rises. The loop runs beside the owning grain's turns (a slow target delays only its own items),
/// and a failed call is reported and skipped: the receiver recovers what it missed (from the log, or with Sync).
/// Grains call it from their one turn at a time; the lock only makes it safe anywhere else too.
/// </summary>
internal sealed class SerialBatchSender<T>(Func<T[], Task> send, int maxQueued, Action<Exception, int> onFailure)
{
    private readonly List<T> _queued = [];
    private readonly Lock _lock = new();
    private bool _sending;
    private bool _stopped;

    /// <summary>Whether nothing is queued or in flight.</summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock) return !_sending && _queued.Count == 0;
        }
    }

    /// <summary>How many items wait for the next call.</summary>
    public int Queued
    {
        get
        {
            lock (_lock) return _queued.Count;
        }
    }

    public void Enqueue(T item)
    {
        lock (_lock)
        {
            if (_stopped) return;
            // A target that stopped answering would otherwise collect items without bound; the oldest go first.
            if (_queued.Count >= maxQueued) _queued.RemoveAt(0);
            _queued.Add(item);
            if (_sending) return;
            _sending = true;
        }
        _ = SendAllAsync();
    }

    public void EnqueueRange(IEnumerable<T> items)
    {
        foreach (var item in items) Enqueue(item);
    }

    /// <summary>Drops what is queued and sends nothing more: the target is gone.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            _queued.Clear();
        }
    }

    private async Task SendAllAsync()
    {
        // Let the items enqueued in the same turn join the first call.
        await Task.Yield();
        while (TakeBatch() is { } batch)
        {
            try
            {
                await send(batch);
            }
            catch (Exception e)
            {
                onFailure(e, batch.Length);
            }
        }
    }

    /// <summary>Everything queued, or null (and the loop ends) when nothing is.</summary>
    private T[]? TakeBatch()
    {
        lock (_lock)
        {
            if (_queued.Count == 0 || _stopped)
            {
                _sending = false;
                return null;
            }
            var batch = _queued.ToArray();
            _queued.Clear();
            return batch;
        }
    }
}
