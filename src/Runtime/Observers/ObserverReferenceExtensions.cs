using Im.Orleans.CodeGeneration;

namespace Im.Orleans.Runtime;

/// <summary>Where an observer reference leads, so grains can forget the observers of a node the cluster declared dead.</summary>
public static class ObserverReferenceExtensions
{
    /// <summary>The node id of the process holding the observer, or null when <paramref name="reference"/> is not an observer reference.</summary>
    public static string? GetObserverNodeId(this IAddressable reference) =>
        reference is GrainReference { GrainId.Type: Observers.ObserverGrainId.GrainType } observer ? Observers.ObserverGrainId.OwnerOf(observer.GrainId) : null;
}
