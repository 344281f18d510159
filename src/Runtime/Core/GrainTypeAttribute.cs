namespace Im.Orleans;

/// <summary>Names the grain type of a grain interface (stored with state, so keep it stable); defaults to the interface's full name.</summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class GrainTypeAttribute(string grainType) : Attribute
{
    public string GrainType { get; } = grainType;
}
