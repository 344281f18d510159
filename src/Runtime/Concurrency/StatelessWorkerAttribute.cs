namespace Im.Orleans.Concurrency;

/// <summary>Allows several activations of one grain id in a process, created on demand up to a limit.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class StatelessWorkerAttribute(int maxLocalWorkers) : Attribute
{
    public StatelessWorkerAttribute() : this(Environment.ProcessorCount)
    {
    }

    public int MaxLocalWorkers { get; } = maxLocalWorkers > 0 ? maxLocalWorkers : throw new ArgumentOutOfRangeException(nameof(maxLocalWorkers));
}
