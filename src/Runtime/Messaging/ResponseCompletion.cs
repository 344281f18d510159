namespace Im.Orleans.Messaging;

/// <summary>The caller's side of one request: completed once, by a result, an exception or a timeout.</summary>
internal abstract class ResponseCompletion
{
    /// <summary>The task handed back to the caller.</summary>
    public abstract Task Task { get; }

    /// <summary>Completes from the finished task the grain method returned.</summary>
    public abstract bool TryCompleteFrom(Task completedInvocation);

    /// <summary>Completes from a result that crossed a process boundary (already of the declared type or null).</summary>
    public abstract bool TryCompleteWithResult(object? result);

    public abstract bool TryFail(Exception exception);
}

/// <summary>Completion for methods with a result.</summary>
internal sealed class ResponseCompletion<T> : ResponseCompletion
{
    // Continuations must not run inline on the completing activation's thread (they would run inside its turn).
    private readonly TaskCompletionSource<T> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task Task => _source.Task;

    public Task<T> TypedTask => _source.Task;

    public override bool TryCompleteFrom(Task completedInvocation)
    {
        if (!completedInvocation.IsCompletedSuccessfully) return TryFail(ExceptionOf(completedInvocation));
        return _source.TrySetResult(((Task<T>)completedInvocation).Result);
    }

    public override bool TryCompleteWithResult(object? result) => _source.TrySetResult((T)result!);

    public override bool TryFail(Exception exception) => _source.TrySetException(exception);

    internal static Exception ExceptionOf(Task faulted) =>
        faulted.IsCanceled ? new TaskCanceledException(faulted) : faulted.Exception!.InnerExceptions.Count == 1 ? faulted.Exception.InnerException! : faulted.Exception;
}

/// <summary>Completion for methods without a result.</summary>
internal sealed class VoidResponseCompletion : ResponseCompletion
{
    private readonly TaskCompletionSource _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task Task => _source.Task;

    public override bool TryCompleteFrom(Task completedInvocation) =>
        completedInvocation.IsCompletedSuccessfully ? _source.TrySetResult() : TryFail(ResponseCompletion<object>.ExceptionOf(completedInvocation));

    public override bool TryCompleteWithResult(object? result) => _source.TrySetResult();

    public override bool TryFail(Exception exception) => _source.TrySetException(exception);
}
