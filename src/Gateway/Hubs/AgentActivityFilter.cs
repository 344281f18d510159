using Im.Orleans.Gateway.Auth;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Hub calls of agents are activity (issue 10 item 2): the agent grain's idle clock restarts, and an agent set away for
/// idling is online again. Told one-way, at most once per <see cref="ReportEvery"/> per connection, so a busy console
/// costs the agent grain a message every half minute and no call ever waits for it.
/// </summary>
internal sealed class AgentActivityFilter(IGrainFactory grains, TimeProvider time) : IHubFilter
{
    /// <summary>Far below any sensible idle timeout (minutes), so the clock is never more than this behind.</summary>
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);

    private static readonly object LastReportKey = new();

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var connection = context.Context;
        var user = connection.User;
        if (connection.UserIdentifier is { } userId && user is not null && (user.IsInRole(ChatRoles.Agent) || user.IsInRole(ChatRoles.Operator)))
        {
            var now = time.GetUtcNow();
            if (!connection.Items.TryGetValue(LastReportKey, out var last) || last is not DateTimeOffset at || now - at >= ReportEvery)
            {
                connection.Items[LastReportKey] = now;
                _ = grains.GetGrain<IAgentGrain>(userId).Active();
            }
        }
        return next(context);
    }
}
