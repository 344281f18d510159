using Im.Orleans.Messaging;
using Im.Orleans.Runtime;
using Im.Orleans.Scheduler;
using Im.Orleans.Storage;
using Im.Orleans.Timers;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Catalog;

/// <summary>
/// One activation of a grain: its instance, its queue of waiting requests and the rules that decide which may
/// run (one at a time unless reentrant, read-only or always-interleave), and its life from activation to removal.
/// </summary>
internal sealed partial class ActivationData : ActivationScheduler, IMessageTarget
{
    [ThreadStatic] private static ActivationData? t_constructing;

    private Queue<Message>? _waiting;
    private int _exclusiveRunning;
    private int _readOnlyRunning;
    private int _interleavedRunning;
    private int _passiveRunning;
    private long _lastActivity;
    private long _keepAliveUntil;
    private DeactivationReason? _pendingDeactivation;
    private bool _deactivationScheduled;
    private List<IActivationStateLoader>? _stateLoaders;
    private ActivationTimers? _timers;
    private TaskCompletionSource? _deactivated;

    public ActivationData(GrainId grainId, GrainClassInfo classInfo, GrainRuntime runtime, object? localObject = null)
    {
        GrainId = grainId;
        ClassInfo = classInfo;
        Runtime = runtime;
        _lastActivity = runtime.Time.GetTimestamp();
        if (localObject is not null)
        {
            Instance = localObject;
            Status = ActivationStatus.Valid;
        }
    }

    /// <summary>The activation whose grain constructor is running on this thread.</summary>
    internal static ActivationData? Constructing => t_constructing;

    public GrainId GrainId { get; }

    public GrainClassInfo ClassInfo { get; }

    public GrainRuntime Runtime { get; }

    public object? Instance { get; private set; }

    public ActivationStatus Status { get; private set; }

    public ActivationTimers Timers => _timers ??= new ActivationTimers(this);

    internal bool HasTimers => _timers is { Count: > 0 };

    public int RunningCount => _exclusiveRunning + _readOnlyRunning + _interleavedRunning;

    public int WaitingCount
    {
        get { lock (SyncRoot) return _waiting?.Count ?? 0; }
    }

    /// <summary>TimeProvider timestamp of the last request that counts as activity.</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>Completes when the activation has been removed.</summary>
    public Task Deactivated
    {
        get
        {
            lock (SyncRoot)
            {
                if (Status == ActivationStatus.Invalid) return Task.CompletedTask;
                return (_deactivated ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
    }

    internal void AddStateLoader(IActivationStateLoader loader) => (_stateLoaders ??= []).Add(loader);

    public bool TryEnqueue(Message message)
    {
        var dispatch = false;
        lock (SyncRoot)
        {
            if (Status == ActivationStatus.Invalid) return false;
            var mustWait = Status != ActivationStatus.Valid || (!message.CanInterleave && _waiting is { Count: > 0 }) || !CanStartLocked(message);
            if (mustWait) (_waiting ??= new Queue<Message>()).Enqueue(message);
            else dispatch = StartLocked(message);
        }
        if (dispatch) Dispatch();
        return true;
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        var until = timeSpan == Timeout.InfiniteTimeSpan ? long.MaxValue : Runtime.Time.GetTimestamp() + (long)(timeSpan.TotalSeconds * Runtime.Time.TimestampFrequency);
        lock (SyncRoot) _keepAliveUntil = Math.Max(_keepAliveUntil, until);
    }

    /// <summary>True when nothing runs or waits, the idle time has reached <paramref name="age"/> and no DelayDeactivation holds it.</summary>
    public bool IsCollectable(long now, TimeSpan age)
    {
        if (ClassInfo.IsLocalObject || age == Timeout.InfiniteTimeSpan) return false;
        lock (SyncRoot)
        {
            // Ticks of timers without KeepAlive do not make an activation busy: it deactivates once they finish.
            if (Status != ActivationStatus.Valid || RunningCount > _passiveRunning) return false;
            if (_waiting is not null && _waiting.Any(m => m.CountsAsActivity)) return false;
            if (now < _keepAliveUntil) return false;
            return Runtime.Time.GetElapsedTime(_lastActivity, now) >= age;
        }
    }

    private bool CanStartLocked(Message message)
    {
        if (ClassInfo.IsReentrant || message.CanInterleave) return true;
        if (message.IsReadOnly) return _exclusiveRunning == 0;
        return _exclusiveRunning == 0 && _readOnlyRunning == 0;
    }

    /// <summary>Counts the request as running and queues it; true when the caller owes a <see cref="ActivationScheduler.Dispatch"/>.</summary>
    private bool StartLocked(Message message)
    {
        if (message.CanInterleave) _interleavedRunning++;
        else if (message.IsReadOnly) _readOnlyRunning++;
        else _exclusiveRunning++;
        if (message.CountsAsActivity) _lastActivity = Runtime.Time.GetTimestamp();
        else _passiveRunning++;
        return EnqueueWork(WorkItem.ForPayload(message));
    }

    private void FinishLocked(Message message)
    {
        if (message.CanInterleave) _interleavedRunning--;
        else if (message.IsReadOnly) _readOnlyRunning--;
        else _exclusiveRunning--;
        if (message.CountsAsActivity) _lastActivity = Runtime.Time.GetTimestamp();
        else _passiveRunning--;
    }

    /// <summary>Starts what may start now, or the deactivation when one is pending and nothing runs; true when a dispatch is owed.</summary>
    private bool PumpLocked()
    {
        var dispatch = false;
        if (Status == ActivationStatus.Valid && _waiting is not null)
        {
            while (_waiting.TryPeek(out var next) && CanStartLocked(next))
            {
                _waiting.Dequeue();
                dispatch |= StartLocked(next);
            }
            // Most activations queue only while activating; an idle activation should not keep an empty queue.
            if (_waiting.Count == 0) _waiting = null;
        }

        if (Status == ActivationStatus.Deactivating && RunningCount == 0 && !_deactivationScheduled)
        {
            _deactivationScheduled = true;
            dispatch |= EnqueueWork(WorkItem.ForPayload(_pendingDeactivation!.Value));
        }
        return dispatch;
    }

    /// <summary>Takes the lock, pumps, and dispatches after releasing it.</summary>
    private void Pump()
    {
        bool dispatch;
        lock (SyncRoot) dispatch = PumpLocked();
        if (dispatch) Dispatch();
    }

    protected override void RunItem(object payload)
    {
        switch (payload)
        {
            case Message message:
                RunRequest(message);
                break;
            case ActivationStart:
                _ = ActivateAsync();
                break;
            case DeactivationReason reason:
                _ = DeactivateAsync(reason);
                break;
        }
    }

    protected override void OnUnhandledException(Exception exception) =>
        Runtime.Logger.LogError(exception, "Unhandled exception in a continuation of {GrainId}", GrainId);

    public override string ToString() => $"[Activation {GrainId} {Status}]";
}
