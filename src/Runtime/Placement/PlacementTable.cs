using Im.Orleans.Runtime;

namespace Im.Orleans.Placement;

/// <summary>
/// Rendezvous (highest random weight) hashing over the active silos of one membership snapshot: each grain's
/// owner is the silo with the highest combined hash. Adding or removing a silo moves only the grains it wins
/// or held, and every node with the same snapshot picks the same owner.
/// </summary>
internal sealed class PlacementTable
{
    private readonly string[] _silos;
    private readonly uint[] _hashes;

    public PlacementTable(IReadOnlyList<MembershipEntry> activeSilos)
    {
        _silos = [.. activeSilos.Select(s => s.NodeId).Order(StringComparer.Ordinal)];
        _hashes = [.. _silos.Select(StableHash.Compute)];
    }

    public static PlacementTable Empty { get; } = new([]);

    public int Count => _silos.Length;

    public bool Contains(string nodeId) => Array.IndexOf(_silos, nodeId) >= 0;

    /// <summary>The owner's node id, or null when no silo is active.</summary>
    public string? OwnerOf(GrainId grain)
    {
        if (_silos.Length == 0) return null;
        var grainHash = grain.GetUniformHashCode();
        var best = 0;
        var bestScore = StableHash.Combine(grainHash, _hashes[0]);
        for (var i = 1; i < _silos.Length; i++)
        {
            var score = StableHash.Combine(grainHash, _hashes[i]);
            if (score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }
        return _silos[best];
    }
}
