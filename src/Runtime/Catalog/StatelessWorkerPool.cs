using Im.Orleans.Messaging;
using Im.Orleans.Runtime;

namespace Im.Orleans.Catalog;

/// <summary>The activations of one [StatelessWorker] grain id: an idle one takes the request, else a new one up to the limit, else the least busy.</summary>
internal sealed class StatelessWorkerPool(GrainId grainId, GrainClassInfo classInfo, GrainRuntime runtime) : IMessageTarget
{
    private readonly List<ActivationData> _workers = [];

    public IReadOnlyList<ActivationData> Workers
    {
        get { lock (_workers) return [.. _workers]; }
    }

    public bool TryEnqueue(Message message)
    {
        while (true)
        {
            ActivationData? chosen = null;
            lock (_workers)
            {
                var best = int.MaxValue;
                foreach (var worker in _workers)
                {
                    var load = worker.RunningCount + worker.WaitingCount;
                    if (worker.Status == ActivationStatus.Valid && load < best)
                    {
                        best = load;
                        chosen = worker;
                    }
                }

                if ((chosen is null || best > 0) && _workers.Count < classInfo.StatelessWorkerMax)
                {
                    chosen = new ActivationData(grainId, classInfo, runtime);
                    _workers.Add(chosen);
                    chosen.StartActivation();
                }
                chosen ??= _workers.FirstOrDefault(w => w.Status != ActivationStatus.Invalid);
            }

            if (chosen is null) return false;
            if (chosen.TryEnqueue(message)) return true;
            Remove(chosen);
        }
    }

    public void Remove(ActivationData worker)
    {
        lock (_workers) _workers.Remove(worker);
    }
}
