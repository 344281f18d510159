using Im.Orleans.Runtime;

namespace Im.Orleans.Storage;

/// <summary>
/// A storage provider. Writes and clears are conditional on <see cref="IGrainState{T}.ETag"/>: a write with a
/// stale ETag (or a null ETag when a record exists) throws <see cref="InconsistentStateException"/>.
/// </summary>
public interface IGrainStorage
{
    /// <summary>Loads the state; when no record exists, leaves a new T, a null ETag and RecordExists false.</summary>
    Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);

    /// <summary>Stores the state if the ETag matches and sets the new ETag.</summary>
    Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);

    /// <summary>Removes the state if the ETag matches; the ETag stays non-null so stale writers still fail.</summary>
    Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);
}
