namespace Im.Orleans.Grains.Desks;

/// <summary>
/// The list of configured desks (key 0). Orleans keeps no index of grain keys, so desks record themselves here
/// when configured. It never calls out, so desks may await it inside their turns without any risk of a deadlock.
/// </summary>
[GrainType("desk-registry")]
internal sealed class DeskRegistryGrain([PersistentState("desks")] IPersistentState<DeskRegistryState> state) : Grain, IDeskRegistryGrain
{
    public async Task Add(string deskId)
    {
        if (string.IsNullOrWhiteSpace(deskId)) throw ChatException.Invalid("A desk needs an id.");
        if (state.State.DeskIds.Add(deskId)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State.DeskIds]);
}

/// <summary>The ids of every desk ever configured, in ordinal order.</summary>
internal sealed class DeskRegistryState
{
    public SortedSet<string> DeskIds { get; set; } = new(StringComparer.Ordinal);
}
