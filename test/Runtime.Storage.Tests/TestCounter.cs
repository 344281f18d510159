namespace Im.Orleans.Storage.Tests;

/// <summary>A struct state, whose "new" value is its default.</summary>
public struct TestCounter
{
    public int Value { get; set; }
}
