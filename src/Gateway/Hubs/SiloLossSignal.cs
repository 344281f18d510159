namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Fires when this gateway loses its connection to a silo. A grain call that Orleans had forwarded to that silo gets no
/// answer until its response timeout (30 s), so hub calls in flight at that moment are answered "unavailable" at once
/// instead; the client retries (a Send with the same clientMsgId is stored once) and reaches the grain on a survivor.
/// </summary>
public sealed class SiloLossSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next silo loss after the call.</summary>
    public Task NextLoss => Volatile.Read(ref _next).Task;

    public void Raise() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
