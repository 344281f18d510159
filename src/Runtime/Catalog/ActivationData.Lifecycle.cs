using Im.Orleans.Messaging;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Catalog;

/// <summary>Activation and deactivation of an <see cref="ActivationData"/>.</summary>
internal sealed partial class ActivationData
{
    /// <summary>Queues activation as the first work item, so OnActivateAsync runs on the activation's own scheduler.</summary>
    public void StartActivation() => Schedule(WorkItem.ForPayload(ActivationStart.Instance));

    /// <summary>Stops taking requests; deactivates once running requests finish. Waiting requests go to a new activation.</summary>
    public void StartDeactivation(DeactivationReason reason)
    {
        lock (SyncRoot) RequestDeactivationLocked(reason);
        Pump();
    }

    private void RequestDeactivationLocked(DeactivationReason reason)
    {
        if (_pendingDeactivation is not null || Status == ActivationStatus.Invalid) return;
        _pendingDeactivation = reason;
        if (Status == ActivationStatus.Valid) Status = ActivationStatus.Deactivating;
    }

    public void DeactivateOnIdle(DeactivationReason reason) => StartDeactivation(reason);

    private async Task ActivateAsync()
    {
        Exception? failure = null;
        using var timeout = new CancellationTokenSource(Runtime.CollectionOptions.ActivationTimeout, Runtime.Time);
        try
        {
            ClassInfo.Constructor ??= GrainConstructor.For(ClassInfo.ClassType, Runtime.ServiceProvider);
            t_constructing = this;
            try
            {
                Instance = ClassInfo.Constructor.Create(this);
            }
            finally
            {
                t_constructing = null;
            }

            if (_stateLoaders is not null)
            {
                foreach (var loader in _stateLoaders) await loader.LoadAsync().WaitAsync(timeout.Token);
            }

            if (Instance is Grain grain) await grain.OnActivateAsync(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception e)
        {
            failure = e is OperationCanceledException && timeout.IsCancellationRequested
                ? new TimeoutException($"Activation took longer than {Runtime.CollectionOptions.ActivationTimeout}.", e)
                : e;
        }

        if (failure is null)
        {
            lock (SyncRoot) Status = _pendingDeactivation is null ? ActivationStatus.Valid : ActivationStatus.Deactivating;
            Pump();
            return;
        }

        FailActivation(failure);
    }

    private void FailActivation(Exception failure)
    {
        Runtime.Logger.LogWarning(failure, "Activation of {GrainId} ({GrainClass}) failed", GrainId, ClassInfo);
        _timers?.DisposeAll();
        var error = new GrainActivationException(GrainId, $"Grain {GrainId} ({ClassInfo.ClassType.Name}) could not be activated: {failure.GetType().Name}: {failure.Message}", failure);
        foreach (var message in Invalidate()) message.Fail(error);
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        _timers?.DisposeAll();
        if (Instance is Grain grain)
        {
            using var timeout = new CancellationTokenSource(Runtime.CollectionOptions.DeactivationTimeout, Runtime.Time);
            try
            {
                await grain.OnDeactivateAsync(reason, timeout.Token).WaitAsync(timeout.Token);
            }
            catch (Exception e)
            {
                Runtime.Logger.LogWarning(e, "OnDeactivateAsync of {GrainId} failed; the activation is removed anyway", GrainId);
            }
        }

        foreach (var message in Invalidate()) Runtime.Catalog.Reroute(message);
    }

    /// <summary>Marks the activation gone, removes it from the catalog and hands back what was still waiting.</summary>
    private List<Message> Invalidate()
    {
        List<Message> leftovers;
        TaskCompletionSource? deactivated;
        lock (SyncRoot)
        {
            Status = ActivationStatus.Invalid;
            leftovers = _waiting is null ? [] : [.. _waiting];
            _waiting = null;
            deactivated = _deactivated;
        }
        Runtime.Catalog.Remove(this);
        deactivated?.TrySetResult();
        return leftovers;
    }

    /// <summary>Marker payload that starts activation.</summary>
    private sealed class ActivationStart
    {
        public static readonly ActivationStart Instance = new();
    }
}
