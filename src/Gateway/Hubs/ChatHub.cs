using System.Text.Json;
using Im.Orleans.Gateway.Files;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// The client protocol v1 hub at /hubs/chat: a thin, validating translation of client calls into grain calls.
/// It holds no state of its own; connection lifecycle is here, the methods by area in the partial files.
/// </summary>
[Authorize]
public sealed partial class ChatHub(
    IGrainFactory grains,
    ConnectionRegistry connections,
    GatewayObserverReference observer,
    SendRateLimiter sendLimiter,
    IFileStore files,
    IOptions<ChatHubOptions> options,
    ILogger<ChatHub> logger) : Hub
{
    private const int MaxDeviceLength = 100;

    private ChatHubOptions Limits => options.Value;

    /// <summary>The caller's user id (the token's sub; [Authorize] guarantees it is there).</summary>
    private string Me => Context.UserIdentifier ?? throw HubErrors.Forbidden("no user");

    private IUserGrain MyGrain => grains.GetGrain<IUserGrain>(Me);

    private IConversationGrain ConversationGrain(string conversationId) => grains.GetGrain<IConversationGrain>(conversationId);

    public override async Task OnConnectedAsync()
    {
        var userId = Me;
        // Beyond the gateway's cap the client reads "unavailable: …" as the close error (SignalR closes the connection
        // when OnConnectedAsync throws, and CodedJsonHubProtocol puts the code first).
        connections.Admit(userId, Context.ConnectionId);
        try
        {
            await MyGrain.Connect(new ClientConnection(Context.ConnectionId, observer.GatewayId, observer.Reference, Device()));
            // Live pushes flow from here on; what queued while every device was away is handed over now. A message
            // can arrive both ways around the hand-over, which is why clients dedupe by (conversationId, seq).
            await DrainOfflineAsync();
        }
        catch (Exception e)
        {
            // SignalR does not call OnDisconnectedAsync when OnConnectedAsync fails: forget the connection here.
            connections.Remove(userId, Context.ConnectionId);
            // The grain's refusal (rate_limited: the user's cap of connections) keeps its code for the client.
            if (e is ChatException refusal) throw connections.Refused(refusal);
            throw;
        }
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        var userId = Me;
        connections.Remove(userId, Context.ConnectionId);
        try
        {
            await MyGrain.Disconnect(Context.ConnectionId);
        }
        catch (Exception e)
        {
            // The grain expires the connection on its own once this gateway stops refreshing it.
            logger.LogWarning(e, "Disconnect of {ConnectionId} ({UserId}) failed", Context.ConnectionId, userId);
        }
        await base.OnDisconnectedAsync(exception);
    }

    public Task<ConversationView> OpenDirect(JsonElement peerUserId)
    {
        var peer = HubArguments.UserId(peerUserId, "peerUserId");
        if (peer == Me) throw HubErrors.Invalid("peerUserId must be another user");
        return ConversationGrain(ConversationIds.Direct(Me, peer)).OpenDirect(Me, peer);
    }

    public Task<ConversationView> CreateGroup(JsonElement command)
    {
        var body = HubArguments.Object(command, "command");
        var title = HubArguments.Text(HubArguments.Required(body, "title"), "title", Limits.MaxTitleLength).Trim();
        if (title.Length == 0) throw HubErrors.Invalid("title must not be empty");
        var memberIds = HubArguments.Optional(body, "memberIds") is { } ids
            ? HubArguments.UserIds(ids, "memberIds", Limits.MaxGroupMembers, allowEmpty: true)
            : [];
        return ConversationGrain(ConversationIds.NewGroup()).CreateGroup(Me, title, memberIds.Where(id => id != Me).ToArray());
    }

    public Task<ConversationView> AddMembers(JsonElement conversationId, JsonElement userIds)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        var members = HubArguments.UserIds(userIds, "userIds", Limits.MaxGroupMembers, allowEmpty: false);
        return ConversationGrain(id).AddMembers(Me, members);
    }

    public Task<ConversationView> RemoveMember(JsonElement conversationId, JsonElement userId)
    {
        var id = HubArguments.Id(conversationId, "conversationId");
        var member = HubArguments.UserId(userId, "userId");
        return ConversationGrain(id).RemoveMember(Me, member);
    }

    public Task<ConversationView> Leave(JsonElement conversationId) =>
        ConversationGrain(HubArguments.Id(conversationId, "conversationId")).Leave(Me);

    public Task<IReadOnlyList<ConversationView>> ListConversations() => MyGrain.ListConversations();

    private async Task DrainOfflineAsync()
    {
        // The first batch carries the overflow flag and the first acknowledgement clears it, so remember it here.
        var mustSync = false;
        while (true)
        {
            var batch = await MyGrain.TakeOffline(Limits.OfflineBatchSize);
            mustSync |= batch.MustSync;
            if (batch.Messages.Count == 0) break;
            foreach (var message in batch.Messages) await Clients.Caller.SendAsync(ClientEventNames.Message, message, Context.ConnectionAborted);
            // Acknowledge only what was written to this connection, so a drop mid-drain leaves the rest queued.
            await MyGrain.AckOffline(batch.UpToId);
            if (!batch.HasMore) break;
        }
        // What the queue dropped is still in the log: the client fetches it with Sync from its cursors.
        if (mustSync) await Clients.Caller.SendAsync(ClientEventNames.Sync, new SyncEvent(SyncEvent.OfflineOverflow), Context.ConnectionAborted);
    }

    private string Device()
    {
        var http = Context.GetHttpContext();
        var device = http?.Request.Query["device"].ToString();
        if (string.IsNullOrWhiteSpace(device)) device = http?.Request.Headers.UserAgent.ToString();
        if (string.IsNullOrWhiteSpace(device)) device = "unknown";
        device = new string(device.Where(c => !char.IsControl(c)).ToArray());
        return device.Length > MaxDeviceLength ? device[..MaxDeviceLength] : device;
    }
}
