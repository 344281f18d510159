using System.Reflection;
using Im.Orleans.Concurrency;

namespace Im.Orleans.Catalog;

/// <summary>What the runtime knows about a grain class or a local object kind: how to schedule it and how to collect it.</summary>
internal sealed class GrainClassInfo
{
    public GrainClassInfo(Type classType, string grainType, bool isLocalObject = false)
    {
        ClassType = classType;
        GrainType = grainType;
        IsLocalObject = isLocalObject;
        IsReentrant = classType.GetCustomAttribute<ReentrantAttribute>() is not null;
        StatelessWorkerMax = classType.GetCustomAttribute<StatelessWorkerAttribute>()?.MaxLocalWorkers ?? 0;
        CollectionAge = classType.GetCustomAttribute<CollectionAgeLimitAttribute>()?.Age;
    }

    public Type ClassType { get; }

    public string GrainType { get; }

    /// <summary>Observers and test probes: objects created outside the runtime, never collected or stored.</summary>
    public bool IsLocalObject { get; }

    public bool IsReentrant { get; }

    /// <summary>0 for ordinary grains; otherwise how many activations one grain id may have in this process.</summary>
    public int StatelessWorkerMax { get; }

    public TimeSpan? CollectionAge { get; }

    /// <summary>Creates the grain instance; set by the instance factory on first use.</summary>
    public GrainConstructor? Constructor { get; set; }

    public override string ToString() => ClassType.FullName ?? ClassType.Name;
}
