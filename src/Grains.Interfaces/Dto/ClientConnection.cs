namespace Im.Orleans.Grains;

/// <summary>One live client connection of a user, held on a gateway that is reached through its observer.</summary>
public sealed record ClientConnection(string ConnectionId, IClientObserver Gateway, string Device);

/// <summary>
/// Messages queued while no device of the user was connected. MustSync is true when the bounded queue dropped
/// its oldest entries: the client must Sync from its cursors (the log still has everything).
/// </summary>
public sealed record OfflineBatch(IReadOnlyList<Message> Messages, long UpToId, bool HasMore, bool MustSync = false);
