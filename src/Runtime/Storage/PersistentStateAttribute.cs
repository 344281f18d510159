namespace Im.Orleans.Runtime;

/// <summary>Marks a grain constructor parameter of type IPersistentState&lt;T&gt; to be bound to a storage provider.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    public string StateName { get; } = stateName;

    /// <summary>The provider's name; null means the provider named "Default".</summary>
    public string? StorageName { get; } = storageName;
}
