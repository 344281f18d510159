using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Maps every failure of a hub method to a coded <see cref="HubException"/>: a grain's <see cref="ChatException"/>
/// keeps its code and message; timeouts, a silo lost mid-call and a stale activation (dropped, the next call reads
/// fresh state) are "unavailable" (retry); internal errors are logged and answered generically, never leaked.
/// </summary>
public sealed class ChatHubFilter(SiloLossSignal siloLoss, ILogger<ChatHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            var lost = siloLoss.NextLoss;
            var pending = next(context);
            if (pending.IsCompleted) return await pending;
            var call = pending.AsTask();
            if (await Task.WhenAny(call, lost) == call) return await call;
            ObserveAbandoned(call);
            logger.LogInformation("Hub method {Method} of {UserId} was in flight when a silo was lost: answered unavailable", context.HubMethodName, context.Context.UserIdentifier);
            throw HubErrors.Unavailable();
        }
        catch (HubException)
        {
            throw;
        }
        catch (ChatException e)
        {
            throw HubErrors.Coded(e.Code, e.Message);
        }
        catch (Exception e) when (IsTransient(e))
        {
            logger.LogWarning(e, "Hub method {Method} of {UserId} timed out or lost its silo", context.HubMethodName, context.Context.UserIdentifier);
            throw HubErrors.Unavailable();
        }
        catch (Exception e) when (!context.Context.ConnectionAborted.IsCancellationRequested)
        {
            logger.LogError(e, "Hub method {Method} of {UserId} failed", context.HubMethodName, context.Context.UserIdentifier);
            throw HubErrors.Internal();
        }
    }

    // A call that timed out, lost its silo or its gateway connection, or met a stale activation (Orleans drops it
    // and the next call reads fresh state) changed nothing the client can see: "unavailable", retry.
    private static bool IsTransient(Exception e) =>
        e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or InconsistentStateException
            or ConnectionFailedException or ClientNotAvailableException;

    // The abandoned call may still finish (a Send then stored; its retry answers the same seq): only keep its failure quiet.
    private static void ObserveAbandoned(Task call) => call.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
}
