namespace Im.Orleans.Storage.Tests;

/// <summary>A state type deliberately missing from every JSON context.</summary>
public sealed class UnregisteredState
{
    public int Value { get; set; }
}
