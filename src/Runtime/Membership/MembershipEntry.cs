namespace Im.Orleans.Runtime;

/// <summary>One row of the membership table: a node, where to reach it, its status and its row version.</summary>
/// <param name="NodeId">Chosen by the node, unique per process start.</param>
/// <param name="Host">The node's transport endpoint as other nodes dial it.</param>
/// <param name="Port">The transport port; 0 for a gateway that listens on nothing.</param>
/// <param name="StartedAt">When the node started, by its own clock.</param>
/// <param name="IAmAliveAt">The last heartbeat, by the database clock. Heartbeats do not bump <paramref name="Version"/>.</param>
/// <param name="Version">Bumped by every status change; status updates are conditional on it.</param>
public sealed record MembershipEntry(
    string NodeId,
    NodeRole Role,
    string Host,
    int Port,
    SiloStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset IAmAliveAt,
    int Version);
