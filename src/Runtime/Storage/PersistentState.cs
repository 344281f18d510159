using Im.Orleans.Runtime;

namespace Im.Orleans.Storage;

/// <summary>The <see cref="IPersistentState{TState}"/> handed to a grain: its state bound to one storage provider.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IActivationStateLoader
{
    private readonly string _stateName;
    private readonly string _storageName;
    private readonly IGrainStorage _storage;
    private readonly GrainId _grainId;
    private readonly GrainState<TState> _state = new(default!);

    public PersistentState(string stateName, string storageName, IGrainStorage storage, GrainId grainId)
    {
        _stateName = stateName;
        _storageName = storageName;
        _storage = storage;
        _grainId = grainId;
    }

    public TState State
    {
        get => _state.State;
        set => _state.State = value;
    }

    public string? ETag
    {
        get => _state.ETag;
        set => _state.ETag = value;
    }

    public bool RecordExists
    {
        get => _state.RecordExists;
        set => _state.RecordExists = value;
    }

    public Task LoadAsync() => ReadStateAsync();

    public Task ReadStateAsync() => Run("read", static (s, st) => s._storage.ReadStateAsync(s._stateName, s._grainId, st));

    public Task WriteStateAsync() => Run("write", static (s, st) => s._storage.WriteStateAsync(s._stateName, s._grainId, st));

    public Task ClearStateAsync() => Run("clear", static (s, st) => s._storage.ClearStateAsync(s._stateName, s._grainId, st));

    private async Task Run(string operation, Func<PersistentState<TState>, GrainState<TState>, Task> action)
    {
        try
        {
            await action(this, _state);
        }
        catch (Exception e) when (e is not InconsistentStateException and not GrainStorageException)
        {
            throw new GrainStorageException($"Storage '{_storageName}' failed to {operation} state '{_stateName}' of grain {_grainId}: {e.Message}", e);
        }
    }
}
