using System.Collections.Concurrent;

namespace Im.Orleans.Runtime.Tests.Grains;

/// <summary>A service grains report their lifecycle to, so tests can see activations and deactivations.</summary>
public sealed class ActivationLog
{
    private readonly ConcurrentDictionary<GrainId, int> _activations = new();
    private readonly ConcurrentQueue<(GrainId Grain, DeactivationReason Reason)> _deactivations = new();

    public int Activated(GrainId grainId) => _activations.AddOrUpdate(grainId, 1, (_, n) => n + 1);

    public void Deactivated(GrainId grainId, DeactivationReason reason) => _deactivations.Enqueue((grainId, reason));

    public int ActivationsOf(GrainId grainId) => _activations.GetValueOrDefault(grainId);

    public IReadOnlyList<(GrainId Grain, DeactivationReason Reason)> Deactivations => [.. _deactivations];
}
