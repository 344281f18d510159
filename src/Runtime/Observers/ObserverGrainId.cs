using Im.Orleans.Runtime;

namespace Im.Orleans.Observers;

/// <summary>Grain ids for observer objects: the owning process's id plus a unique number, so a call can be routed back to that process.</summary>
internal static class ObserverGrainId
{
    public const string GrainType = "sys.observer";

    public static GrainId Create(string ownerId) => new(GrainType, $"{ownerId}/{Guid.NewGuid():N}");
}
