using System.Collections.Concurrent;
using Im.Orleans.Configuration;
using Im.Orleans.Messaging;
using Im.Orleans.Observers;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Catalog;

/// <summary>
/// The activations of this silo by grain id. Delivering a message to a grain with no activation creates one
/// (virtual actors); an activation that is going away hands its waiting messages back here to be routed again.
/// </summary>
internal sealed class GrainCatalog
{
    private readonly ConcurrentDictionary<GrainId, IMessageTarget> _targets = new();
    private readonly GrainTypeManager _types;
    private readonly GrainRuntime _runtime;
    private readonly MessagingOptions _messaging;
    private readonly ILogger<GrainCatalog> _logger;
    private volatile bool _shuttingDown;

    public GrainCatalog(GrainTypeManager types, GrainRuntime runtime, IOptions<MessagingOptions> messaging, ILogger<GrainCatalog> logger)
    {
        _types = types;
        _runtime = runtime;
        _messaging = messaging.Value;
        _logger = logger;
    }

    public int Count => _targets.Count;

    /// <summary>Every activation, including each stateless worker.</summary>
    public IEnumerable<ActivationData> Activations => _targets.Values.SelectMany(t => t switch
    {
        ActivationData activation => [activation],
        StatelessWorkerPool pool => pool.Workers,
        _ => [],
    });

    public void Deliver(Message message)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            ActivationData? created = null;
            if (!_targets.TryGetValue(message.Target, out var target))
            {
                if (!TryCreateTarget(message, out target, out created)) return;
            }

            var enqueued = target.TryEnqueue(message);
            // Started only after the first message waits in it: an activation that fails at once must fail that
            // message too, not leave it to create a second activation.
            created?.StartActivation();
            if (enqueued) return;
            _targets.TryRemove(new KeyValuePair<GrainId, IMessageTarget>(message.Target, target));
        }
        message.Fail(new InvalidOperationException($"Could not deliver {message}: its activation kept going away."));
    }

    /// <summary>Routes again a message whose activation deactivated before running it: in a cluster its grain may now live elsewhere.</summary>
    public void Reroute(Message message)
    {
        if (++message.ForwardCount > _messaging.MaxForwardCount)
        {
            message.Fail(new InvalidOperationException($"{message} was forwarded {message.ForwardCount - 1} times without being served."));
            return;
        }
        _runtime.Router.Route(message);
    }

    /// <summary>Binds a local object (observer or test probe) to a grain id so calls to that id reach it.</summary>
    public void RegisterLocalObject(GrainId grainId, object target, Type interfaceType)
    {
        var activation = new ActivationData(grainId, new GrainClassInfo(target.GetType(), interfaceType.FullName!, isLocalObject: true), _runtime, target);
        if (!_targets.TryAdd(grainId, activation)) throw new InvalidOperationException($"{grainId} is already bound.");
    }

    public bool UnregisterLocalObject(GrainId grainId)
    {
        if (!_targets.TryGetValue(grainId, out var target) || target is not ActivationData { ClassInfo.IsLocalObject: true } activation) return false;
        _targets.TryRemove(new KeyValuePair<GrainId, IMessageTarget>(grainId, activation));
        activation.StartDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "Object reference deleted."));
        return true;
    }

    public void Remove(ActivationData activation)
    {
        if (_targets.TryGetValue(activation.GrainId, out var target))
        {
            if (target == activation) _targets.TryRemove(new KeyValuePair<GrainId, IMessageTarget>(activation.GrainId, activation));
            else if (target is StatelessWorkerPool pool) pool.Remove(activation);
        }
    }

    /// <summary>Activates the grain if needed and returns its activation (or throws why it could not be activated).</summary>
    public async Task<ActivationData> EnsureActivatedAsync(GrainId grainId)
    {
        while (true)
        {
            var completion = new VoidResponseCompletion();
            Deliver(new Message(grainId, new ActivationPing(), completion, 0, null));
            await completion.Task;
            if (TryGetActivation(grainId, out var activation) && activation!.Status == ActivationStatus.Valid) return activation;
        }
    }

    public bool TryGetActivation(GrainId grainId, out ActivationData? activation)
    {
        activation = _targets.TryGetValue(grainId, out var target) ? target as ActivationData : null;
        return activation is not null;
    }

    /// <summary>Deactivates everything (graceful shutdown) and waits for it, bounded by the deactivation timeout.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        _shuttingDown = true;
        var activations = Activations.Where(a => !a.ClassInfo.IsLocalObject).ToList();
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is shutting down.");
        foreach (var activation in activations) activation.StartDeactivation(reason);
        try
        {
            await Task.WhenAll(activations.Select(a => a.Deactivated)).WaitAsync(_runtime.CollectionOptions.DeactivationTimeout, _runtime.Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Shutdown left {Count} activations still deactivating", activations.Count(a => a.Status != ActivationStatus.Invalid));
        }
    }

    /// <summary>Finds or adds the target; <paramref name="created"/> is the new activation this call added, not yet started.</summary>
    private bool TryCreateTarget(Message message, out IMessageTarget target, out ActivationData? created)
    {
        target = null!;
        created = null;
        var grainId = message.Target;
        if (grainId.Type == ObserverGrainId.GrainType)
        {
            message.Fail(new ClientNotAvailableException($"Observer {grainId} does not exist: it was deleted or its process went away."));
            return false;
        }
        if (_shuttingDown)
        {
            message.Fail(new InvalidOperationException($"Cannot activate {grainId}: the silo is shutting down."));
            return false;
        }

        GrainClassInfo classInfo;
        try
        {
            classInfo = _types.GetClassInfo(grainId);
        }
        catch (GrainClassNotFoundException e)
        {
            message.Fail(e);
            return false;
        }

        if (classInfo.StatelessWorkerMax > 0)
        {
            target = _targets.GetOrAdd(grainId, static (id, state) => new StatelessWorkerPool(id, state.classInfo, state.runtime), (classInfo, runtime: _runtime));
            return true;
        }

        var activation = new ActivationData(grainId, classInfo, _runtime);
        target = _targets.GetOrAdd(grainId, activation);
        if (target == activation) created = activation;
        return true;
    }
}
