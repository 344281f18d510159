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
/// Reads (<see cref="ReadOnlyMethods"/>) are retried here first, since running them twice is harmless: a client
/// reading while a silo fails over gets its answer from the survivor instead of an error.
/// </summary>
public sealed class ChatHubFilter(SiloLossSignal siloLoss, ILogger<ChatHubFilter> logger) : IHubFilter
{
    /// <summary>Hub methods that change nothing, so the gateway may run them again after a transient failure.</summary>
    public static readonly IReadOnlySet<string> ReadOnlyMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "Sync", "History", "ListConversations", "GetPresence", "ListContacts",
    };

    // 0.25 + 0.5 + 1 + 2 s: enough for membership to declare a killed silo dead (1-2 s) and its grains to come back.
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private const int MaxReadRetries = 4;

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await InvokeWithRetriesAsync(context, next);
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

    private async ValueTask<object?> InvokeWithRetriesAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var retries = ReadOnlyMethods.Contains(context.HubMethodName) ? MaxReadRetries : 0;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await InvokeOnceAsync(context, next);
            }
            catch (Exception e) when (attempt < retries && IsTransient(e) && !context.Context.ConnectionAborted.IsCancellationRequested)
            {
                logger.LogDebug(e, "Hub read {Method} of {UserId} failed transiently; trying again", context.HubMethodName, context.Context.UserIdentifier);
                await Task.Delay(FirstRetryDelay * (1 << attempt), context.Context.ConnectionAborted);
            }
        }
    }

    /// <summary>One run of the method; a silo lost while it is in flight ends it with <see cref="SiloLostException"/>.</summary>
    private async ValueTask<object?> InvokeOnceAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var lost = siloLoss.NextLoss;
        var pending = next(context);
        if (pending.IsCompleted) return await pending;
        var call = pending.AsTask();
        if (await Task.WhenAny(call, lost) == call) return await call;
        ObserveAbandoned(call);
        throw new SiloLostException();
    }

    // A call that timed out, lost its silo or its gateway connection, or met a stale activation (Orleans drops it
    // and the next call reads fresh state) changed nothing the client can see: "unavailable", retry.
    private static bool IsTransient(Exception e) =>
        e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or InconsistentStateException
            or ConnectionFailedException or ClientNotAvailableException or SiloLostException;

    // The abandoned call may still finish (a Send then stored; its retry answers the same seq): only keep its failure quiet.
    private static void ObserveAbandoned(Task call) => call.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);

    /// <summary>The gateway lost a silo while the call was in flight: Orleans would answer only at its response timeout.</summary>
    private sealed class SiloLostException() : Exception("A silo was lost while the call was in flight.");
}
