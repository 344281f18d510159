namespace Im.Orleans.Concurrency;

/// <summary>Marks an interface method whose caller does not wait for, or learn of, the result.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute
{
}
