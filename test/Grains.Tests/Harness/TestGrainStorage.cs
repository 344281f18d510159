using Orleans.Storage;

namespace Im.Orleans.Grains.Tests;

/// <summary>
/// The silo's default grain storage in tests: Orleans' memory storage behind a decorator that counts the grains'
/// writes, lets a test read or replace a grain's stored state behind its back, and can play a database that is down.
/// </summary>
internal sealed class TestGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private int _writes;

    /// <summary>How many state writes grains made (reads and the test's own writes are not counted).</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>While true, grains' writes fail as a driver's do when the database is restarting.</summary>
    public bool IsDown { get; set; }

    /// <summary>The stored state of a grain, or null when it never wrote any.</summary>
    public async Task<T?> ReadAsync<T>(string stateName, GrainId grainId) where T : class, new()
    {
        var state = new GrainState<T>(new T());
        await inner.ReadStateAsync(stateName, grainId, state);
        return state.RecordExists ? state.State : null;
    }

    /// <summary>
    /// Replaces a grain's stored state as another writer would (say an activation that is gone). The live activation
    /// does not see it; deactivate the grain so its next activation reads it.
    /// </summary>
    public async Task WriteBehindGrainAsync<T>(string stateName, GrainId grainId, T value) where T : class, new()
    {
        var state = new GrainState<T>(new T());
        await inner.ReadStateAsync(stateName, grainId, state);
        state.State = value;
        await inner.WriteStateAsync(stateName, grainId, state);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        if (IsDown) throw new DatabaseDownException();
        await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);
}

/// <summary>What a database driver throws when the server went away (a <see cref="System.Data.Common.DbException"/>, unknown to Orleans' serializer).</summary>
internal sealed class DatabaseDownException() : System.Data.Common.DbException("terminating connection due to administrator command");
