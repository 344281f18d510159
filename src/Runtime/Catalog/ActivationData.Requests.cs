using Im.Orleans.CodeGeneration;
using Im.Orleans.Filters;
using Im.Orleans.Messaging;
using Im.Orleans.Runtime;
using Im.Orleans.Storage;
using Im.Orleans.Timers;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Catalog;

/// <summary>Running requests on an <see cref="ActivationData"/> and answering their callers.</summary>
internal sealed partial class ActivationData
{
    private void RunRequest(Message message)
    {
        if (message.IsExpired(Runtime.Time.GetTimestamp()))
        {
            // The caller has already been told it timed out; running it now would surprise everyone.
            message.Fail(new TimeoutException($"{message} expired while it waited in the queue of {GrainId}."));
            OnRequestFinished(message, null);
            return;
        }

        var restoreContext = RequestContext.Enter(message.RequestContextData);
        var filtered = UsesFilters && message.Request is not (TimerTickRequest or ActivationPing) ? new IncomingGrainCallContext(this, message.Request, Runtime.Filters) : null;
        Task invocation;
        try
        {
            invocation = filtered is null ? message.Request.InvokeAsync(Instance!) : filtered.RunAsync();
        }
        catch (Exception e)
        {
            invocation = Task.FromException(e);
        }
        finally
        {
            RequestContext.Exit(restoreContext);
        }

        if (invocation.IsCompleted) OnRequestFinished(message, invocation, filtered);
        else AwaitRequest(message, invocation, filtered);
    }

    // Kept out of RunRequest so requests that complete synchronously do not pay for the closure.
    private void AwaitRequest(Message message, Task invocation, IncomingGrainCallContext? filtered) =>
        invocation.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => OnRequestFinished(message, invocation, filtered));

    private bool UsesFilters => Runtime.Filters.Length > 0 && !ClassInfo.IsLocalObject || Instance is IIncomingGrainCallFilter;

    private void OnRequestFinished(Message message, Task? invocation, IncomingGrainCallContext? filtered = null)
    {
        var exception = invocation is { IsFaulted: true } ? invocation.Exception!.InnerException! : null;
        // Re-arm a timer before the activation can look idle, so whoever waits for idleness sees the next due time.
        if (message.Request is TimerTickRequest tick) tick.Timer.OnTickFinished();
        if (exception is InconsistentStateException)
        {
            // The stored state moved on without this activation: drop it before the caller can call again, so
            // the next call reads fresh state.
            lock (SyncRoot) RequestDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ApplicationError, "The grain's persisted state changed underneath it.", exception));
        }

        // Answer first: the caller's continuation then runs on the other core while this one closes the turn.
        if (invocation is not null)
        {
            // A filter may have replaced the result, so filtered calls answer from the context, not the method's task.
            if (filtered is not null && invocation.IsCompletedSuccessfully) message.CompleteWithResult(filtered.Result);
            else message.CompleteFrom(invocation);
        }

        bool dispatch;
        lock (SyncRoot)
        {
            FinishLocked(message);
            dispatch = PumpLocked();
        }
        if (dispatch) Dispatch();
        if (exception is not null) LogFault(message, exception);
    }

    private void LogFault(Message message, Exception exception)
    {
        if (message.Completion is null && message.Request is not TimerTickRequest)
            Runtime.Logger.LogWarning(exception, "One-way request {Request} to {GrainId} failed", message.Request, GrainId);
        else if (message.Request is TimerTickRequest)
            Runtime.Logger.LogWarning(exception, "Timer tick of {GrainId} failed", GrainId);
    }
}
