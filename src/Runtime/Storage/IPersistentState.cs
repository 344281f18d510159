namespace Im.Orleans.Runtime;

/// <summary>A grain's persistent state, injected with <see cref="PersistentStateAttribute"/> and loaded before OnActivateAsync.</summary>
public interface IPersistentState<TState> : Storage.IGrainState<TState>
{
    Task ReadStateAsync();
    Task WriteStateAsync();
    Task ClearStateAsync();
}
