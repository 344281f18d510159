namespace Im.Orleans.Grains;

/// <summary>
/// Where a visitor's service conversation stands, as clients see it (the "queue" event and the answers of
/// OpenServiceChat and GetQueuePosition): waiting at <see cref="Position"/> (1 = next) with an ETA in whole seconds
/// (null = unknown), or served by <see cref="AgentId"/>; all three null once the desk no longer holds it.
/// <see cref="Stamp"/> grows with every status the desk hands out, so a client keeps the one with the greatest stamp:
/// pushes may arrive out of order, and an answer after a newer push.
/// </summary>
[GenerateSerializer, Immutable, Alias("im.QueueStatus")]
public sealed record QueueStatus(string ConversationId, string DeskId, int? Position, long? EtaSeconds, string? AgentId, long Stamp = 0)
{
    /// <summary>The client view of a desk's ticket; the ETA travels as seconds so every client reads it the same way.</summary>
    public static QueueStatus From(string deskId, QueueTicket ticket) =>
        new(ticket.ConversationId, deskId, ticket.Position, ticket.Eta is { } eta ? (long)Math.Ceiling(eta.TotalSeconds) : null, ticket.AgentId, ticket.Stamp);
}

/// <summary>The OpenServiceChat answer: the service conversation and where it stands in the desk.</summary>
[GenerateSerializer, Immutable, Alias("im.ServiceChat")]
public sealed record ServiceChat(ConversationView Conversation, QueueStatus Queue);

/// <summary>
/// The "assigned" event: a desk gave the agent a visitor's service conversation. After a transfer to this agent,
/// <see cref="TransferredFrom"/> names the agent who had it and <see cref="Note"/> is their private note (never the visitor's).
/// </summary>
[GenerateSerializer, Immutable, Alias("im.AssignedEvent")]
public sealed record AssignedEvent(string ConversationId, string DeskId, string VisitorId, string? TransferredFrom = null, string? Note = null);
