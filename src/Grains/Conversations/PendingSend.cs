namespace Im.Orleans.Grains.Conversations;

/// <summary>A send waiting in the append batcher; its task completes once its row is durable (or the append failed).</summary>
internal sealed class PendingSend(string senderId, SendCommand command, SystemNote? system = null)
{
    // Continuations run asynchronously so completing a batch never runs callers' code inside the flush loop.
    private readonly TaskCompletionSource<SendResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string SenderId { get; } = senderId;
    public SendCommand Command { get; } = command;

    /// <summary>Set for a system message the conversation writes itself (kind system).</summary>
    public SystemNote? System { get; } = system;
    public string ClientMsgId => Command.ClientMsgId;
    public Task<SendResult> Task => _completion.Task;
    public bool IsDone => _completion.Task.IsCompleted;

    public void Complete(SendResult result) => _completion.TrySetResult(result);

    public void Fail(Exception error) => _completion.TrySetException(error);
}
