using System.Runtime.CompilerServices;
using Im.Orleans.Concurrency;

namespace Im.Orleans.Runtime.Tests.Grains;

public interface IWorkerGrain : IGrainWithStringKey
{
    Task<int> Identity(string gate);
}

/// <summary>Up to three activations of one id serve requests side by side.</summary>
[StatelessWorker(3)]
public sealed class WorkerGrain : Grain, IWorkerGrain
{
    public async Task<int> Identity(string gate)
    {
        await Gates.Get(gate).Task;
        return RuntimeHelpers.GetHashCode(this);
    }
}
