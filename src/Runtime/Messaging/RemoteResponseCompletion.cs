using Im.Orleans.CodeGeneration;

namespace Im.Orleans.Messaging;

/// <summary>The callee's side of a request from another node: its result or exception goes back as one frame.</summary>
internal sealed class RemoteResponseCompletion(MessageCodec codec, Invokable request, long correlationId, Action<byte[]> reply) : ResponseCompletion
{
    private int _completed;

    /// <summary>Nobody in this process awaits a remote caller's response.</summary>
    public override Task Task => Task.CompletedTask;

    public override bool TryCompleteFrom(Task completedInvocation) =>
        completedInvocation.IsCompletedSuccessfully
            ? TryCompleteWithResult(request.GetResult(completedInvocation))
            : TryFail(ResponseCompletion<object>.ExceptionOf(completedInvocation));

    public override bool TryCompleteWithResult(object? result)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0) return false;
        byte[] frame;
        try
        {
            frame = codec.EncodeResponse(correlationId, request, result);
        }
        catch (Exception e)
        {
            // The result cannot travel: the caller learns why instead of waiting for its timeout.
            frame = codec.EncodeError(correlationId, e);
        }
        reply(frame);
        return true;
    }

    public override bool TryFail(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0) return false;
        reply(codec.EncodeError(correlationId, exception));
        return true;
    }
}
