using Im.Orleans.Runtime;

namespace Im.Orleans.Observers;

/// <summary>Grain ids for observer objects: the owning process's id plus a unique number, so a call can be routed back to that process.</summary>
internal static class ObserverGrainId
{
    public const string GrainType = "sys.observer";

    public static GrainId Create(string ownerId) => new(GrainType, $"{ownerId}/{Guid.NewGuid():N}");

    /// <summary>The node id of the process that holds the observer object.</summary>
    public static string OwnerOf(GrainId observer)
    {
        var slash = observer.Key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? observer.Key[..slash] : throw new FormatException($"{observer} is not an observer id.");
    }
}
