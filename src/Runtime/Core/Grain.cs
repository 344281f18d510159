using Im.Orleans.Catalog;
using Im.Orleans.Runtime;
using Im.Orleans.Timers;

namespace Im.Orleans;

/// <summary>Base class of grain implementations: identity, factory, lifecycle hooks, timers.</summary>
public abstract class Grain
{
    private readonly ActivationData _activation;

    protected Grain()
    {
        // The catalog constructs grains inside an activation scope, as Orleans does, so constructors may use the grain's identity.
        _activation = ActivationData.Constructing
            ?? throw new InvalidOperationException($"Grain '{GetType().Name}' was constructed outside the runtime; get it with IGrainFactory.GetGrain or the test kit.");
    }

    internal ActivationData Activation => _activation;

    public GrainId GrainId => _activation.GrainId;

    public IGrainFactory GrainFactory => _activation.Runtime.GrainFactory;

    public IServiceProvider ServiceProvider => _activation.Runtime.ServiceProvider;

    public string GetPrimaryKeyString() => _activation.GrainId.Key;

    public Guid GetPrimaryKey() => GrainKeyFormat.ParseGuid(_activation.GrainId.Key);

    public long GetPrimaryKeyLong() => GrainKeyFormat.ParseLong(_activation.GrainId.Key);

    /// <summary>Called once the grain's persistent state is loaded, before its first request.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called before the activation is removed; not called if the process dies.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current request completes.</summary>
    protected void DeactivateOnIdle() => _activation.DeactivateOnIdle(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called."));

    /// <summary>Keeps this activation from idle collection for at least <paramref name="timeSpan"/>.</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => _activation.DelayDeactivation(timeSpan);

    /// <summary>Registers a timer whose ticks run as turns of this grain; ticks never overlap and stop at deactivation.</summary>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return _activation.Timers.Register(callback, state, options);
    }

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return _activation.Timers.Register(static (cb, ct) => cb(ct), callback, options);
    }

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        RegisterGrainTimer(callback, new GrainTimerCreationOptions(dueTime, period));

    public override string ToString() => $"{GetType().Name}[{GrainId}]";
}
