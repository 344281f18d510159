namespace Im.Orleans.Storage.Tests;

/// <summary>A state with a list and a nested object, the shape most grain states have.</summary>
public sealed class TestState
{
    public string Name { get; set; } = "";
    public int Count { get; set; }
    public List<string> Tags { get; set; } = [];
    public TestAddress? Address { get; set; }
}
