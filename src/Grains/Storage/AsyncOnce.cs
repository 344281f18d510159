namespace Im.Orleans.Grains.Storage;

/// <summary>
/// Runs an asynchronous initialization once, for all callers; a failed attempt is retried by the next caller so
/// a store that was unreachable at start-up recovers when it comes back.
/// </summary>
public sealed class AsyncOnce(Func<CancellationToken, Task> initialize)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    public async Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        if (_done) return;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_done) return;
            await initialize(cancellationToken).ConfigureAwait(false);
            _done = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
