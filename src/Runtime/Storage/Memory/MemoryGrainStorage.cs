using Im.Orleans.Runtime;
using Im.Orleans.Serialization;

namespace Im.Orleans.Storage;

/// <summary>A thread-safe in-process grain storage for tests; same ETag semantics as the database providers.</summary>
public sealed class MemoryGrainStorage : IGrainStorage, IStateRecordStore
{
    // States are kept serialized so a grain mutating its state after a write cannot change what is "stored",
    // and unserializable state fails here just as it would with a real database.
    private readonly Dictionary<(string Type, string Key, string State), StateRecord> _records = [];
    private readonly Lock _lock = new();
    private readonly VersionedStateOperations _operations;

    public MemoryGrainStorage(string name, GrainSerializer serializer)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(serializer);
        _operations = new VersionedStateOperations(name, serializer, this);
    }

    public string Name => _operations.ProviderName;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _operations.ReadAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _operations.WriteAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _operations.ClearAsync(stateName, grainId, grainState);

    Task<StateRecord?> IStateRecordStore.ReadAsync(GrainId grainId, string stateName)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.TryGetValue(KeyOf(grainId, stateName), out var record) ? record : (StateRecord?)null);
        }
    }

    Task<bool> IStateRecordStore.TryInsertAsync(GrainId grainId, string stateName, byte[]? payload)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.TryAdd(KeyOf(grainId, stateName), new StateRecord(1, payload)));
        }
    }

    Task<bool> IStateRecordStore.TryUpdateAsync(GrainId grainId, string stateName, long expectedVersion, long newVersion, byte[]? payload)
    {
        var key = KeyOf(grainId, stateName);
        lock (_lock)
        {
            if (!_records.TryGetValue(key, out var record) || record.Version != expectedVersion) return Task.FromResult(false);
            _records[key] = new StateRecord(newVersion, payload);
            return Task.FromResult(true);
        }
    }

    private static (string, string, string) KeyOf(GrainId grainId, string stateName) => (grainId.Type, grainId.Key, stateName);
}
