using System.Net.WebSockets;
using Im.Orleans.Gateway.Hubs;
using Microsoft.AspNetCore.Http.Features;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Refuses new hub connections cheaply, before SignalR, auth or a grain spends anything on them, while the gateway
/// holds its cap of hub connections: negotiate answers 503 with a coded JSON body and Retry-After; a WebSocket upgrade
/// (clients may skip negotiation) is accepted and closed at once with 1013 "try again later" and the same coded text.
/// WebSocket upgrades in progress are bounded too (<see cref="ConnectionLimits.UpgradesInFlight"/>), beyond which they
/// get the 503 without upgrading, so Kestrel's upgraded-connection limit (the hard backstop) is never what refuses one.
/// A connection that negotiated just before the cap filled is refused by the hub instead (<see cref="ConnectionRegistry.Admit"/>).
/// </summary>
internal sealed class HubConnectionGate(RequestDelegate next, ConnectionLimits limits, ConnectionRegistry connections, ConnectionRefusals refusals)
{
    public const string HubPath = "/hubs/chat";

    /// <summary>RFC 6455's 1013, "Try Again Later": the server is overloaded.</summary>
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>How long a refused WebSocket may take to answer the close (it may have sent its handshake already).</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);

    private int _upgrades;

    public Task InvokeAsync(HttpContext context)
    {
        if (limits.MaxConnections is not { } cap || !context.Request.Path.StartsWithSegments(HubPath, out var rest)) return next(context);
        if (rest.Equals("/negotiate", StringComparison.OrdinalIgnoreCase))
        {
            if (connections.Count < cap) return next(context);
            refusals.AtGatewayCap(ConnectionRefusals.Negotiate);
            return RefuseAsync(context, cap);
        }
        return context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true ? UpgradeAsync(context, cap) : next(context);
    }

    private async Task UpgradeAsync(HttpContext context, int cap)
    {
        try
        {
            if (Interlocked.Increment(ref _upgrades) > limits.UpgradesInFlight)
            {
                refusals.AtGatewayCap(ConnectionRefusals.WebSocket);
                await RefuseAsync(context, cap);
            }
            else if (connections.Count >= cap && context.WebSockets.IsWebSocketRequest)
            {
                refusals.AtGatewayCap(ConnectionRefusals.WebSocket);
                await CloseAsync(context, cap);
            }
            else
            {
                await next(context);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _upgrades);
        }
    }

    private string Refusal(int cap) =>
        $"unavailable: this gateway holds its cap of {cap} connections; retry after {RetryAfter.Milliseconds(limits.Options.RetryAfter)} ms";

    private Task RefuseAsync(HttpContext context, int cap)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfter.HeaderSeconds(limits.Options.RetryAfter);
        // Closing the socket after the answer returns its file descriptor now rather than after the keep-alive timeout.
        context.Response.Headers.Connection = "close";
        return context.Response.WriteAsJsonAsync(new ErrorResponse(Refusal(cap)));
    }

    private async Task CloseAsync(HttpContext context, int cap)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        wait.CancelAfter(CloseWait);
        try
        {
            // CloseAsync reads (and drops) what the client sent until its close answer, so the socket ends without a reset.
            await socket.CloseAsync(TryAgainLater, Refusal(cap), wait.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away or did not answer the close: the socket is dropped all the same.
        }
    }
}
