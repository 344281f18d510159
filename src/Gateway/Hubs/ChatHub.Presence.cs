using System.Text.Json;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>Presence and ephemeral signals: SetPresence, GetPresence, Typing, Focus.</summary>
public sealed partial class ChatHub
{
    public Task SetPresence(JsonElement status)
    {
        var value = HubArguments.Text(status, "status", 16);
        if (!PresenceStatus.Settable.Contains(value)) throw HubErrors.Invalid("status must be online, away, busy or invisible");
        return MyGrain.SetPresence(value);
    }

    public async Task<IReadOnlyList<PresenceView>> GetPresence(JsonElement userIds)
    {
        var ids = HubArguments.UserIds(userIds, "userIds", Limits.MaxPresenceQuery, allowEmpty: true);
        // The directory answers ids nobody created without activating a grain for each.
        return await grains.GetGrain<IUserDirectoryGrain>(0).GetPresence(ids);
    }

    public Task Typing(JsonElement conversationId) =>
        ConversationGrain(HubArguments.Id(conversationId, "conversationId")).Typing(Me);

    public Task Focus(JsonElement conversationId) =>
        MyGrain.Focus(HubArguments.Id(conversationId, "conversationId"), Context.ConnectionId);
}
