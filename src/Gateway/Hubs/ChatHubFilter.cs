using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
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
/// <remarks>
/// Each connection has a token bucket of calls (Hub:InvocationsPerSecond, Hub:InvocationBurst) kept in its
/// <see cref="HubCallerContext.Items"/>, so it goes with the connection; calls beyond it are answered rate_limited with
/// the wait. Every coded answer is counted in <see cref="GatewayMetrics"/> by method and code. Refusals of the
/// client's input are logged at Debug without a stack (SignalR's dispatcher, which would log each at Error with one,
/// is quieted in appsettings.json); failures of our own are logged here once.
/// </remarks>
public sealed class ChatHubFilter(
    SiloLossSignal siloLoss,
    GatewayMetrics metrics,
    IOptionsMonitor<ChatHubOptions> options,
    TimeProvider time,
    ILogger<ChatHubFilter> logger) : IHubFilter
{
    /// <summary>Hub methods that change nothing, so the gateway may run them again after a transient failure.</summary>
    public static readonly IReadOnlySet<string> ReadOnlyMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "Sync", "History", "ListConversations", "GetPresence", "ListContacts", "GetQueuePosition", "GetAgentState",
        "GetProfiles", "ListBlocked", "SearchUsers", "SearchConversations", "SearchMessages",
    };

    // 0.25 + 0.5 + 1 + 2 s: enough for membership to declare a killed silo dead (1-2 s) and its grains to come back.
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private const int MaxReadRetries = 4;

    /// <summary>The key of a connection's <see cref="InvocationBucket"/> in its Items.</summary>
    private static readonly object BucketKey = new();

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // Made here, before the connection's first call, so calls only ever read Items.
        context.Context.Items[BucketKey] = new InvocationBucket(options.CurrentValue.InvocationBurst, time.GetTimestamp());
        return next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        context.Context.Items.Remove(BucketKey);
        return next(context, exception);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            Admit(context.Context);
            return await InvokeWithRetriesAsync(context, next);
        }
        catch (HubException e)
        {
            throw Refused(context, e);
        }
        catch (ChatException e)
        {
            throw Refused(context, HubErrors.Coded(e.Code, e.Message));
        }
        catch (Exception e) when (IsTransient(e))
        {
            logger.LogWarning(e, "Hub method {Method} of {UserId} timed out or lost its silo", context.HubMethodName, context.Context.UserIdentifier);
            throw Refused(context, HubErrors.Unavailable());
        }
        catch (Exception e) when (!context.Context.ConnectionAborted.IsCancellationRequested)
        {
            logger.LogError(e, "Hub method {Method} of {UserId} failed", context.HubMethodName, context.Context.UserIdentifier);
            throw Refused(context, HubErrors.Internal());
        }
    }

    /// <summary>Takes a token from the connection's bucket, or refuses the call with the wait.</summary>
    private void Admit(HubCallerContext connection)
    {
        var o = options.CurrentValue;
        var now = time.GetTimestamp();
        if (!connection.Items.TryGetValue(BucketKey, out var value) || value is not InvocationBucket bucket)
        {
            // Only without OnConnectedAsync (a filter driven directly); SignalR always runs it first.
            connection.Items[BucketKey] = bucket = new InvocationBucket(o.InvocationBurst, now);
        }
        if (!bucket.TryTake(o.InvocationsPerSecond, o.InvocationBurst, now, time.TimestampFrequency, out var wait))
            throw HubErrors.RateLimited("too many calls on this connection", wait);
    }

    /// <summary>Counts a coded answer and logs it at Debug, without a stack: rates belong in metrics, not in the log.</summary>
    private HubException Refused(HubInvocationContext context, HubException refusal)
    {
        var coded = CodedJsonHubProtocol.CodeError(refusal.Message);
        metrics.Refused(context.HubMethodName, coded[..coded.IndexOf(':', StringComparison.Ordinal)]);
        logger.LogDebug("Hub method {Method} of {UserId} answered {Error}", context.HubMethodName, context.Context.UserIdentifier, coded);
        return refusal;
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
