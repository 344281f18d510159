namespace Im.Orleans.Networking;

/// <summary>The one dial in flight to a node, shared by concurrent callers; abandoned when the node is disconnected.</summary>
internal sealed class DialAttempt : IDisposable
{
    private readonly CancellationTokenSource _abandon;

    public DialAttempt(CancellationToken disposing) => _abandon = CancellationTokenSource.CreateLinkedTokenSource(disposing);

    public CancellationToken Abandoned => _abandon.Token;

    public TaskCompletionSource<FrameConnection> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Abandon()
    {
        try
        {
            _abandon.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The dial already finished; nothing left to stop.
        }
    }

    public void Dispose() => _abandon.Dispose();
}
