namespace Im.Orleans.Storage;

/// <summary>Well-known storage provider names.</summary>
public static class GrainStorageNames
{
    /// <summary>The provider used by [PersistentState] when no storage name is given.</summary>
    public const string Default = "Default";
}
