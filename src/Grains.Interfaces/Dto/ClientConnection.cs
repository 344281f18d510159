namespace Im.Orleans.Grains;

/// <summary>One live client connection of a user, held on a gateway that is reached through its observer.</summary>
public sealed record ClientConnection(string ConnectionId, IClientObserver Gateway, string Device);

/// <summary>Messages queued while no device of the user was connected.</summary>
public sealed record OfflineBatch(IReadOnlyList<Message> Messages, long UpToId, bool HasMore);
