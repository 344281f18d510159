using Im.Orleans.Runtime;

namespace Im.Orleans.Membership;

/// <summary>
/// The shared membership table of one cluster: versioned rows, status changes conditional on the version, heartbeats
/// and death timestamps by the table's own clock so that node clocks never have to agree.
/// </summary>
internal interface IMembershipTable
{
    /// <summary>Creates the schema if it is missing; safe when several nodes start at once.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Every row of this cluster, dead ones included.</summary>
    Task<IReadOnlyList<MembershipEntry>> ReadAllAsync(CancellationToken ct);

    /// <summary>Adds the node as Joining with version 1 and a heartbeat of now; throws if the node id is already there.</summary>
    Task InsertAsync(MembershipEntry entry, CancellationToken ct);

    /// <summary>Sets the status and bumps the version if the row still has <paramref name="expectedVersion"/> and is not Dead.</summary>
    Task<bool> TryUpdateStatusAsync(string nodeId, SiloStatus status, int expectedVersion, CancellationToken ct);

    /// <summary>Records that the node is alive now; false when its row is Dead or gone, i.e. it was declared dead.</summary>
    Task<bool> HeartbeatAsync(string nodeId, CancellationToken ct);

    /// <summary>
    /// Suspects every live row whose last heartbeat is older than <paramref name="suspectAfter"/>, and marks Dead
    /// (bumping the version) those already suspected for <paramref name="confirmAfter"/>; a heartbeat clears suspicion.
    /// Returns how many rows became Dead.
    /// </summary>
    Task<int> DeclareSilentDeadAsync(TimeSpan suspectAfter, TimeSpan confirmAfter, CancellationToken ct);

    /// <summary>
    /// Records that <paramref name="voterNodeId"/> could not reach <paramref name="targetNodeId"/> just now, then marks
    /// the target Dead (bumping its version) if the votes cast since its last heartbeat meet <paramref name="rules"/>.
    /// True if this call declared it dead. A heartbeat makes every earlier vote void.
    /// </summary>
    Task<bool> VoteDeadAsync(string targetNodeId, string voterNodeId, DeathVoteRules rules, CancellationToken ct);

    /// <summary>Deletes Dead rows, and votes, whose last heartbeat (vote) is older than <paramref name="age"/>; returns how many rows.</summary>
    Task<int> DeleteDeadOlderThanAsync(TimeSpan age, CancellationToken ct);
}
