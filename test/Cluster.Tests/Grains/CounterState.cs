namespace Im.Orleans.Cluster.Tests.Grains;

/// <summary>The persisted counter of a <see cref="PlacedGrain"/>.</summary>
public sealed class CounterState
{
    public int Value { get; set; }
}
