using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// SignalR's in-memory lifetime manager, plus a send to a list of connections that finds each by id and serializes
/// the event once for all of them. The stock send to several connection ids tests every connection of the gateway
/// against the list, which at thousands of connections costs more than the send; pushes carry ids, so they use this.
/// </summary>
public sealed class ChatHubLifetimeManager(ILogger<DefaultHubLifetimeManager<ChatHub>> logger)
    : DefaultHubLifetimeManager<ChatHub>(logger)
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _byId = new(StringComparer.Ordinal);
    private readonly ILogger _logger = logger;

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _byId[connection.ConnectionId] = connection;
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _byId.TryRemove(connection.ConnectionId, out _);
        return base.OnDisconnectedAsync(connection);
    }

    /// <summary>
    /// Queues one event on each connection still open; never waits on a socket (each keeps its own order), and a failed
    /// write only means that client missed a push, which Sync recovers.
    /// </summary>
    public void Send(IReadOnlyList<string> connectionIds, string eventName, object payload)
    {
        SerializedHubMessage? message = null;
        foreach (var id in connectionIds)
        {
            if (!_byId.TryGetValue(id, out var connection)) continue;
            message ??= new SerializedHubMessage(new InvocationMessage(eventName, [payload]));
            var write = connection.WriteAsync(message);
            if (!write.IsCompletedSuccessfully) _ = ObserveAsync(write, eventName);
        }
    }

    private async Task ObserveAsync(ValueTask write, string eventName)
    {
        try
        {
            await write;
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Push of {Event} failed", eventName);
        }
    }
}
