namespace Im.Orleans.Runtime;

/// <summary>This node's current view of the cluster, refreshed from the membership table about every second.</summary>
public interface IClusterMembershipService
{
    /// <summary>The latest view; <see cref="ClusterMembershipSnapshot.Empty"/> before the node joined.</summary>
    ClusterMembershipSnapshot CurrentSnapshot { get; }

    /// <summary>
    /// Raised after <see cref="CurrentSnapshot"/> changed, with the new view: in version order, never concurrently
    /// with itself and never under a lock. Handlers should be quick (the next view waits for them) and must not block
    /// on the node leaving, which waits for the loop that may be running them.
    /// </summary>
    event Action<ClusterMembershipSnapshot>? SnapshotChanged;

    /// <summary>Reads the table now and publishes the view if it changed; throws if the table cannot be read.</summary>
    Task RefreshAsync(CancellationToken ct = default);
}
