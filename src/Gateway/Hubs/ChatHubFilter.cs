using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Maps every failure of a hub method to a coded <see cref="HubException"/>: a grain's <see cref="ChatException"/>
/// keeps its code and message; timeouts and internal errors are logged and answered generically, never leaked.
/// </summary>
public sealed class ChatHubFilter(ILogger<ChatHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(context);
        }
        catch (HubException)
        {
            throw;
        }
        catch (ChatException e)
        {
            throw HubErrors.Coded(e.Code, e.Message);
        }
        catch (TimeoutException e)
        {
            logger.LogWarning(e, "Hub method {Method} of {UserId} timed out", context.HubMethodName, context.Context.UserIdentifier);
            throw HubErrors.Unavailable();
        }
        catch (Exception e) when (!context.Context.ConnectionAborted.IsCancellationRequested)
        {
            logger.LogError(e, "Hub method {Method} of {UserId} failed", context.HubMethodName, context.Context.UserIdentifier);
            throw HubErrors.Internal();
        }
    }
}
