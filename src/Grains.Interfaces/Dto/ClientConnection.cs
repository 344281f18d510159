namespace Im.Orleans.Grains;

/// <summary>One live client connection of a user, held on the gateway named GatewayId and reached through its observer.</summary>
[GenerateSerializer, Immutable, Alias("im.ClientConnection")]
public sealed record ClientConnection(string ConnectionId, string GatewayId, IClientObserver Gateway, string Device);

/// <summary>
/// Messages queued while no device of the user was connected. MustSync is true when the bounded queue dropped
/// its oldest entries: the client must Sync from its cursors (the log still has everything).
/// </summary>
[GenerateSerializer, Immutable, Alias("im.OfflineBatch")]
public sealed record OfflineBatch(IReadOnlyList<Message> Messages, long UpToId, bool HasMore, bool MustSync = false);
