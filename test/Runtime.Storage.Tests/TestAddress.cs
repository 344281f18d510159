namespace Im.Orleans.Storage.Tests;

/// <summary>The nested object inside <see cref="TestState"/>.</summary>
public sealed class TestAddress
{
    public string Street { get; set; } = "";
    public string City { get; set; } = "";
}
