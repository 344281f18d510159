namespace Im.Orleans.Concurrency;

/// <summary>Marks an interface method that does not change state: read-only requests interleave with each other.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute
{
}
