using Im.Orleans.Runtime;

namespace Im.Orleans.Storage;

/// <summary>
/// The few primitives a backing store provides; <see cref="VersionedStateOperations"/> builds the ETag semantics on
/// them so every provider behaves the same. Implementations let their own exceptions escape; the caller wraps them.
/// </summary>
internal interface IStateRecordStore
{
    /// <summary>The stored row, or null when none was ever written.</summary>
    Task<StateRecord?> ReadAsync(GrainId grainId, string stateName);

    /// <summary>Inserts a row at version 1 unless one exists (even a cleared one); false when it existed.</summary>
    Task<bool> TryInsertAsync(GrainId grainId, string stateName, byte[]? payload);

    /// <summary>Replaces the row only if it is at <paramref name="expectedVersion"/>; false otherwise.</summary>
    Task<bool> TryUpdateAsync(GrainId grainId, string stateName, long expectedVersion, long newVersion, byte[]? payload);
}
