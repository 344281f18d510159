using System.Collections.Concurrent;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;
using Im.Orleans.Storage;

namespace Im.Orleans.TestKit;

/// <summary>
/// The test kit's storage: the ETag-enforcing memory provider, plus counts of reads, writes and clears, a view of
/// what is stored, and ways to make the next operation fail or to move a record on behind a grain's back.
/// </summary>
public sealed class TestGrainStorage : IGrainStorage
{
    private readonly MemoryGrainStorage _inner;
    private readonly GrainSerializer _serializer;
    private readonly ConcurrentQueue<(GrainId? Grain, string Operation, Exception Error)> _faults = new();
    private int _reads;
    private int _writes;
    private int _clears;

    public TestGrainStorage(GrainSerializer serializer)
    {
        _serializer = serializer;
        _inner = new MemoryGrainStorage("TestKit", serializer);
    }

    public int Reads => _reads;
    public int Writes => _writes;
    public int Clears => _clears;

    /// <summary>Makes the next write (of that grain, or of any) throw; by default an InconsistentStateException.</summary>
    public void FailNextWrite(GrainId? grainId = null, Exception? exception = null) =>
        _faults.Enqueue((grainId, "write", exception ?? new InconsistentStateException("Injected by the test kit: the stored version moved on.")));

    public void FailNextRead(GrainId? grainId = null, Exception? exception = null) =>
        _faults.Enqueue((grainId, "read", exception ?? new InvalidOperationException("Injected by the test kit: storage is down.")));

    /// <summary>What storage holds for a grain's state, or default when nothing (or a cleared record) is stored.</summary>
    public async Task<TState?> GetStoredAsync<TState>(GrainId grainId, string stateName)
    {
        var state = new GrainState<TState>(default!);
        await _inner.ReadStateAsync(stateName, grainId, state);
        return state.RecordExists ? state.State : default;
    }

    /// <summary>Writes a record as another process would, so an activation holding the old ETag becomes stale.</summary>
    public async Task WriteBehindGrainAsync<TState>(GrainId grainId, string stateName, TState value)
    {
        var state = new GrainState<TState>(default!);
        await _inner.ReadStateAsync(stateName, grainId, state);
        state.State = value;
        await _inner.WriteStateAsync(stateName, grainId, state);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Interlocked.Increment(ref _reads);
        ThrowInjected(grainId, "read");
        await _inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Interlocked.Increment(ref _writes);
        ThrowInjected(grainId, "write");
        await _inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Interlocked.Increment(ref _clears);
        await _inner.ClearStateAsync(stateName, grainId, grainState);
    }

    internal GrainSerializer Serializer => _serializer;

    private void ThrowInjected(GrainId grainId, string operation)
    {
        if (!_faults.TryPeek(out var fault) || fault.Operation != operation || (fault.Grain is { } g && g != grainId)) return;
        if (_faults.TryDequeue(out fault)) throw fault.Error;
    }
}
