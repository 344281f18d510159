namespace Im.Orleans.Concurrency;

/// <summary>Marks an interface method whose requests may interleave with any other request.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute
{
}
