using System.Text.Json;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>Contacts and blocks: Block, Unblock, AddContact, RemoveContact, ListContacts.</summary>
public sealed partial class ChatHub
{
    /// <summary>Refuses direct messages from <paramref name="userId"/> (their Send answers forbidden).</summary>
    public Task Block(JsonElement userId) => MyGrain.Block(OtherUser(userId));

    public Task Unblock(JsonElement userId) => MyGrain.Unblock(OtherUser(userId));

    /// <summary>Contacts receive each other's presence changes.</summary>
    public Task AddContact(JsonElement userId) => MyGrain.AddContact(OtherUser(userId));

    public Task RemoveContact(JsonElement userId) => MyGrain.RemoveContact(OtherUser(userId));

    public Task<IReadOnlyList<string>> ListContacts() => MyGrain.Contacts();

    private string OtherUser(JsonElement userId)
    {
        var id = HubArguments.UserId(userId, "userId");
        if (id == Me) throw HubErrors.Invalid("userId must be another user");
        return id;
    }
}
