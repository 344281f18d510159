using Im.Orleans.Configuration;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Catalog;

/// <summary>Deactivates activations that have been idle longer than their collection age, so memory tracks active grains.</summary>
internal sealed class ActivationCollector(GrainCatalog catalog, TimeProvider time, IOptions<GrainCollectionOptions> options) : IDisposable
{
    private readonly GrainCollectionOptions _options = options.Value;
    private ITimer? _timer;

    public void Start() => _timer ??= time.CreateTimer(static s => ((ActivationCollector)s!).CollectIdle(), this, _options.CollectionQuantum, _options.CollectionQuantum);

    /// <summary>Starts deactivation of every collectable activation and returns how many it found.</summary>
    public int CollectIdle()
    {
        var now = time.GetTimestamp();
        var reason = new DeactivationReason(DeactivationReasonCode.ActivationIdle, "Idle longer than its collection age.");
        var collected = 0;
        foreach (var activation in catalog.Activations)
        {
            if (!activation.IsCollectable(now, activation.ClassInfo.CollectionAge ?? _options.CollectionAge)) continue;
            activation.StartDeactivation(reason);
            collected++;
        }
        return collected;
    }

    public void Dispose() => _timer?.Dispose();
}
