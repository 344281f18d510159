namespace Im.Orleans.Concurrency;

/// <summary>Lets requests to this grain class interleave at await points (still one thread at a time).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute
{
}
