namespace Im.Orleans.Grains.Messages;

/// <summary>
/// One conversation's batch waiting for a group commit. Its caller may cancel it only while it waits: once the writer
/// has taken it the batch is written and its outcome stands, so a cancelled task never hides a committed row.
/// </summary>
internal sealed class PendingAppend
{
    private const int Waiting = 0, Taken = 1, Cancelled = 2;
    private readonly TaskCompletionSource<IReadOnlyList<AppendOutcome>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _registration;
    private int _state;

    public PendingAppend(string conversationId, IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        ConversationId = conversationId;
        Messages = messages;
        if (cancellationToken.CanBeCanceled) _registration = cancellationToken.Register(() => Cancel(cancellationToken));
    }

    public string ConversationId { get; }

    public IReadOnlyList<Message> Messages { get; }

    public Task<IReadOnlyList<AppendOutcome>> Task => _completion.Task;

    /// <summary>Claims the batch for writing; false when its caller cancelled it first (it is then skipped).</summary>
    public bool TryTake()
    {
        if (Interlocked.CompareExchange(ref _state, Taken, Waiting) != Waiting) return false;
        _registration.Dispose();
        return true;
    }

    public void Complete(IReadOnlyList<AppendOutcome> outcomes) => _completion.TrySetResult(outcomes);

    public void Fail(Exception error) => _completion.TrySetException(error);

    private void Cancel(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) == Waiting) _completion.TrySetCanceled(cancellationToken);
    }
}
