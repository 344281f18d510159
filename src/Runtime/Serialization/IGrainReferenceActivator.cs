using Im.Orleans.Runtime;

namespace Im.Orleans.Serialization;

/// <summary>Builds a proxy of a given interface for a grain id (used when references are deserialized).</summary>
public interface IGrainReferenceActivator
{
    object CreateReference(Type interfaceType, GrainId grainId);
}
