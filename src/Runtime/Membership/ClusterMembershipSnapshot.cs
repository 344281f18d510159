using System.Collections.Frozen;

namespace Im.Orleans.Runtime;

/// <summary>An immutable view of the cluster's members at one moment, as one node read it.</summary>
public sealed class ClusterMembershipSnapshot
{
    private readonly FrozenDictionary<string, MembershipEntry> _members;

    public ClusterMembershipSnapshot(long version, IEnumerable<MembershipEntry> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        Version = version;
        // Last row wins for a repeated id, as a later read would.
        var byId = new Dictionary<string, MembershipEntry>(StringComparer.Ordinal);
        foreach (var member in members) byId[member.NodeId] = member;
        _members = byId.ToFrozenDictionary(StringComparer.Ordinal);
        ActiveSilos = _members.Values
            .Where(m => m is { Role: NodeRole.Silo, Status: SiloStatus.Active })
            .OrderBy(m => m.NodeId, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>No members, version 0: the view before the first read.</summary>
    public static ClusterMembershipSnapshot Empty { get; } = new(0, []);

    /// <summary>Increases each time the local view changes; compare versions, not instances.</summary>
    public long Version { get; }

    /// <summary>Every row of the cluster, by node id. Heartbeat times are as of the read that last changed the view.</summary>
    public IReadOnlyDictionary<string, MembershipEntry> Members => _members;

    /// <summary>The silos that own grains, sorted by node id (ordinal) so every node ranks them alike.</summary>
    public IReadOnlyList<MembershipEntry> ActiveSilos { get; }

    /// <summary>The node's status, or <see cref="SiloStatus.None"/> when it is not in this view.</summary>
    public SiloStatus GetStatus(string nodeId) =>
        _members.TryGetValue(nodeId, out var entry) ? entry.Status : SiloStatus.None;

    /// <summary>True when this view says the node is dead. An unknown node is not called dead: it may have joined after the read.</summary>
    public bool IsDead(string nodeId) => GetStatus(nodeId) == SiloStatus.Dead;

    /// <summary>True when the rows describe the same members with the same statuses and versions as this view.</summary>
    internal bool HasSameMembers(IReadOnlyCollection<MembershipEntry> rows)
    {
        if (rows.Count != _members.Count) return false;
        foreach (var row in rows)
        {
            if (!_members.TryGetValue(row.NodeId, out var known)) return false;
            if (known.Status != row.Status || known.Version != row.Version) return false;
        }

        return true;
    }

    public override string ToString() =>
        $"Membership v{Version}: {string.Join(", ", _members.Values.OrderBy(m => m.NodeId, StringComparer.Ordinal).Select(m => $"{m.NodeId}={m.Status}"))}";
}
